"""Keras constructors: ``Sequential``, ``Input``/``InputLayer``, every layer class, the
optimizer / loss / metric / callback / initializer objects, ``clone_model``, and the global
image data format. They see every call (``raw``), even one whose ``*args`` are unknown: a
``Dense(*units)`` is still a layer, reported as far as it is known."""

from __future__ import annotations

from typing import Any

from seqlint.extract.handlers.keras_model import make_sequential
from seqlint.extract.names import classify
from seqlint.extract.registry import NOT_HANDLED, Site, handles
from seqlint.extract.values import ListVal, Maybe
from seqlint.ir import Entry, InputDecl, LayerCall, ModelIR, ObjectCall
from seqlint.layers import get_layer
from seqlint.layers.base import UNKNOWN

_NO: Any = object()  # an argument not given


@handles("keras.Sequential", raw=True)
def sequential(site: Site) -> ModelIR:
    """A new model holding the layers listed (``Sequential([...])`` or ``layers=``)."""
    return make_sequential(site)


def _input(shape: Any, kwargs: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The per-sample shape of an input: ``shape``, or a batch shape without its batch axis."""
    if shape is _NO:
        for key in keys:
            if key in kwargs:
                batch_shape = kwargs[key]
                shape = tuple(batch_shape[1:]) if isinstance(batch_shape, tuple) else UNKNOWN
    return shape


@handles("keras.Input", raw=True)
def input_(site: Site) -> InputDecl:
    """``Input(shape)`` / ``Input(batch_shape=...)``: the model's declared input."""
    args, kwargs = site.args, site.kwargs
    shape = args[0] if args else kwargs.get("shape", _NO)
    shape = _input(shape, kwargs, ("batch_shape",))
    if shape is _NO or site.opaque:
        shape = UNKNOWN
    return InputDecl(_shape_value(shape), site.loc, "InputLayer", _batch_size(kwargs))


@handles("keras.layers.InputLayer", raw=True)
def input_layer(site: Site) -> InputDecl:
    """``InputLayer(shape)`` (Keras 2: ``input_shape=``, ``batch_input_shape=``)."""
    args, kwargs = site.args, site.kwargs
    shape = args[0] if args else kwargs.get("shape", kwargs.get("input_shape", _NO))
    shape = _input(shape, kwargs, ("batch_shape", "batch_input_shape"))
    if shape is _NO or site.opaque:
        shape = UNKNOWN
    return InputDecl(_shape_value(shape), site.loc, "InputLayer", _batch_size(kwargs))


@handles("keras.layers.Layer", raw=True)
def layer(site: Site) -> LayerCall:
    """Any Keras layer class: a layer call with its arguments as Keras reads them (lists as
    tuples), and the file's global image data format when it set one."""
    interp = site.interp
    name = classify(site.qualname).name
    definition = get_layer(name)
    class_name = definition.name if definition is not None else name
    layer_kwargs = {key: _frozen(v) for key, v in site.kwargs.items()}
    if interp.image_format != "channels_last" and definition is not None:
        names = [p.name for p in definition.params]
        if (
            "data_format" in names
            and "data_format" not in site.kwargs
            and not site.opaque
            and len(site.args) <= names.index("data_format")
        ):
            layer_kwargs["data_format"] = interp.image_format
    made = LayerCall(
        class_name,
        tuple(_frozen(a) for a in site.args),
        layer_kwargs,
        site.loc,
        qualname=site.qualname,
        opaque=site.opaque,
        guarded=interp.guard > 0,
    )
    interp.file.layers.append(made)  # (removed-api checks every layer's arguments)
    return made


@handles(
    "keras.optimizers.Optimizer",
    "keras.losses.Loss",
    "keras.metrics.Metric",
    "keras.callbacks.Callback",
    raw=True,
)
def training_object(site: Site) -> ObjectCall:
    """An optimizer, loss, metric or callback object, kept for the rules about them."""
    obj = ObjectCall(
        site.qualname,
        site.args,
        site.kwargs,
        site.loc,
        opaque=site.opaque,
        guarded=site.interp.guard > 0,
    )
    site.interp.file.objects.append(obj)
    return obj


@handles("keras.initializers.Initializer", raw=True)
def initializer(site: Site) -> ObjectCall:
    """``Zeros()``, ``Constant(0.1)``: kept as values for rules about initializers."""
    return ObjectCall(site.qualname, site.args, site.kwargs, site.loc, opaque=site.opaque)


@handles("keras.regularizers.Regularizer", "keras.constraints.Constraint", raw=True)
def regularizer(site: Site) -> ObjectCall:
    """``regularizers.L2(1e-4)``, ``constraints.MaxNorm(3)``: kept as values (``seqlint run``
    builds them), and recorded as any Keras call for the rules about the path they are
    reached by (``keras.constraints.maxnorm``)."""
    interp = site.interp
    made = ObjectCall(
        site.qualname,
        site.args,
        site.kwargs,
        site.loc,
        opaque=site.opaque,
        guarded=interp.guard > 0,
    )
    interp.file.keras_calls.append(made)
    return made


@handles("keras.models.clone_model", raw=True)
def clone_model(site: Site) -> Any:
    """``clone_model(model)``: the same stack with fresh weights; Keras compiles the clone the
    way the original is compiled at this point (compile_from_config), or leaves it
    uncompiled. With other arguments (a ``clone_function``...): not modelled."""
    args = site.args
    if len(args) != 1 or site.kwargs or site.opaque or not isinstance(args[0], ModelIR):
        return NOT_HANDLED
    base = args[0]
    clone = site.interp.new_model(site.loc)
    clone.entries = [Entry(e.item, e.loc, e.uncertain) for e in base.entries]
    clone.calls = [c for c in base.calls if c.method == "compile"]
    clone.uncertain = base.uncertain
    return clone


_IMAGE_FORMATS = {
    "channels_last": "channels_last",
    "channels_first": "channels_first",
    "tf": "channels_last",
    "th": "channels_first",
}


@handles("keras.backend.set_image_data_format", "keras.backend.set_image_dim_ordering", raw=True)
def set_image_data_format(site: Site) -> Any:
    """``K.set_image_dim_ordering("th")``: the layers built from now on default to it (unknown
    when set under a condition). The call is then recorded as any Keras call."""
    args = site.args
    value = args[0] if len(args) == 1 and not site.kwargs and not site.opaque else UNKNOWN
    fmt = _IMAGE_FORMATS.get(value) if isinstance(value, str) else None
    site.interp.image_format = fmt if fmt is not None and not site.interp.taint else UNKNOWN
    return NOT_HANDLED


def _batch_size(kwargs: dict[str, Any]) -> int | None:
    """The static batch size an ``Input``/``InputLayer`` declares (``batch_size=`` or the first
    item of ``batch_shape``/``batch_input_shape``), when it is a known positive int."""
    value = kwargs.get("batch_size")
    for key in ("batch_shape", "batch_input_shape"):
        shape = kwargs.get(key)
        if value is None and isinstance(shape, tuple) and shape:
            value = shape[0]
    ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return value if ok else None


@handles("keras.backend.image_data_format", raw=True)
def image_data_format(site: Site) -> Any:
    """``K.image_data_format()``: Keras's default ``"channels_last"``, or what the file set
    earlier with ``set_image_data_format`` / ``set_image_dim_ordering`` (unknown when that
    was set under a condition)."""
    if site.args or site.kwargs or site.opaque:
        return NOT_HANDLED
    return site.interp.image_format


def _frozen(value: Any, depth: int = 0) -> Any:
    """A layer argument as Keras reads it: lists become tuples (``kernel_size=[3, 3]``,
    ``Reshape([-1, 3])``, ``ZeroPadding2D([[1, 1], [2, 0]])``), as the layer copies them when
    it is made; a list with items added under an unknown condition is unknown."""
    if isinstance(value, ListVal):
        if depth > 4 or any(isinstance(item, Maybe) for item in value.items):
            return UNKNOWN
        return tuple(_frozen(item, depth + 1) for item in value.items)
    if isinstance(value, tuple) and depth <= 4:
        return tuple(_frozen(item, depth + 1) for item in value)
    return value


def _shape_value(shape: Any) -> Any:
    if isinstance(shape, ListVal):
        shape = tuple(shape.items)
    if isinstance(shape, tuple):
        return tuple(
            UNKNOWN if not (v is None or (isinstance(v, int) and not isinstance(v, bool))) else v
            for v in shape
        )
    return UNKNOWN
