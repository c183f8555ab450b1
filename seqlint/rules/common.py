"""What several rules need to know: the loss, the output layer, labels, shape traces."""

from __future__ import annotations

from typing import Any, NamedTuple

from seqlint.extract.data import Batches
from seqlint.extract.values import Ref
from seqlint.infer import ModelShapes, format_shape
from seqlint.ir import ArrayInfo, LayerCall, LayerShape, ModelIR, ObjectCall
from seqlint.layers.base import UNKNOWN

_LOSS_KINDS = {
    "binary_crossentropy": "binary",
    "binarycrossentropy": "binary",
    "binary_focal_crossentropy": "binary",
    "binaryfocalcrossentropy": "binary",
    "categorical_crossentropy": "categorical",
    "categoricalcrossentropy": "categorical",
    "categorical_focal_crossentropy": "categorical",
    "categoricalfocalcrossentropy": "categorical",
    "sparse_categorical_crossentropy": "sparse",
    "sparsecategoricalcrossentropy": "sparse",
    "mse": "regression",
    "mean_squared_error": "regression",
    "meansquarederror": "regression",
    "mae": "regression",
    "mean_absolute_error": "regression",
    "meanabsoluteerror": "regression",
    "mape": "regression",
    "mean_absolute_percentage_error": "regression",
    "meanabsolutepercentageerror": "regression",
    "msle": "regression",
    "mean_squared_logarithmic_error": "regression",
    "meansquaredlogarithmicerror": "regression",
    "huber": "regression",
    "huber_loss": "regression",
    "log_cosh": "regression",
    "logcosh": "regression",
}


class LossInfo(NamedTuple):
    name: str
    kind: str  # "binary" | "categorical" | "sparse" | "regression" | "other"
    from_logits: bool | None  # None when not statically known


def loss_info(value: Any) -> LossInfo | None:
    """What a ``compile(loss=...)`` value is, or None when it cannot be known."""
    if isinstance(value, str):
        key = value.lower()
        return LossInfo(value, _LOSS_KINDS.get(key, "other"), False)
    if isinstance(value, ObjectCall) and value.qualname.startswith("keras.losses."):
        name = value.short_name
        kind = _LOSS_KINDS.get(name.lower(), "other")
        if value.opaque:
            return LossInfo(name, kind, None)
        logits: Any = value.kwargs.get("from_logits", MISSING)
        if logits is MISSING:
            # BinaryCrossentropy / CategoricalCrossentropy / SparseCategoricalCrossentropy take
            # from_logits as their first positional argument
            logits = (
                value.args[0]
                if value.args and kind in ("binary", "categorical", "sparse")
                else False
            )
        return LossInfo(name, kind, logits if isinstance(logits, bool) else None)
    if isinstance(value, Ref) and value.qualname.startswith("keras.losses."):
        name = value.qualname.rsplit(".", 1)[-1]
        return LossInfo(name, _LOSS_KINDS.get(name.lower(), "other"), False)
    return None


MISSING: Any = object()


def compiled_loss(model: ModelIR) -> LossInfo | None:
    call = model.compile_call
    if call is None or call.opaque:
        return None
    return loss_info(call.arg(1, "loss", None))


def fit_targets(model: ModelIR) -> ArrayInfo | None:
    """The ``y`` passed to the first fit, when its shape is statically known: given as an
    array, or carried by the batches of ``flow_from_directory(class_mode=...)``,
    ``datagen.flow(x, y)`` or a batched ``tf.data.Dataset.from_tensor_slices((x, y))``."""
    y = fit_labels(model)
    return y if y is not None and y.shape is not None else None


def fit_labels(model: ModelIR) -> ArrayInfo | None:
    """Like :func:`fit_targets`, but also when only the kind of labels is known, not their
    shape: ``to_categorical(encoder.transform(y))`` is one-hot whatever its width."""
    call = model.fit_call
    if call is None or call.method not in ("fit", "fit_generator"):
        return None
    x = call.arg(0, "x" if call.method == "fit" else "generator")
    y = call.arg(1, "y") if call.method == "fit" else None
    if isinstance(x, Batches) and y is None:
        y = x.targets
    return y if isinstance(y, ArrayInfo) else None


def binary_targets(y: ArrayInfo | None) -> bool:
    """Targets known to hold only 0 and 1 (integer, boolean, or two classes cast to float)."""
    if y is None or y.low is None or y.high is None or y.low < 0.0 or y.high > 1.0:
        return False
    return y.kind in ("int", "bool") or (y.encoding == "int" and y.n_classes == 2)


def label(item: Any) -> str:
    """``Dense(10)``, ``Conv2D(32, ...)``, ``Flatten()``: how messages name a layer."""
    if isinstance(item, LayerCall):
        shown = []
        if item.args:
            first = item.args[0]
            shown.append(repr(first) if _simple(first) else "...")
            if len(item.args) > 1 or item.kwargs:
                shown.append("...")
        elif item.kwargs:
            shown.append("...")
        return f"{item.class_name}({', '.join(shown)})"
    if isinstance(item, ModelIR):
        return "Sequential(...)"
    return "?"


def _simple(v: Any) -> bool:
    return isinstance(v, (int, float, str, bool)) or (
        isinstance(v, tuple) and all(isinstance(i, (int, float)) for i in v)
    )


def trace(shapes: ModelShapes, upto: int, limit: int = 6) -> list[tuple[str, str]]:
    """(layer, output shape) pairs from the input to layer index ``upto`` (inclusive)."""
    rows: list[tuple[str, str]] = []
    if shapes.input_shape is not None:
        rows.append(("Input", format_shape(shapes.input_shape)))
    for ls in shapes.layers[: upto + 1]:
        rows.append((label(ls.entry.item), format_shape(ls.output_shape)))
    if len(rows) > limit:
        rows = [rows[0], ("...", ""), *rows[-(limit - 1) :]]
    return rows


def definition_of(ls: LayerShape) -> Any:
    item = ls.entry.item
    return item.definition if isinstance(item, LayerCall) else None


def output_activation(shapes: ModelShapes) -> tuple[str, LayerShape] | None:
    """The activation the model's output ends with and the layer that sets it.

    Pass-through layers (Dropout, Flatten, ...) are looked through; anything unknown on the
    way (a custom layer, an unknown activation) makes the answer unknown.
    """
    for ls in reversed(shapes.layers):
        item = ls.entry.item
        definition = definition_of(ls)
        if definition is None or not isinstance(item, LayerCall) or item.bound is None:
            return None
        act = definition.activation(item.bound)
        if act is None and getattr(definition, "passthrough", False):
            continue
        if act is None:
            return None
        return act, ls
    return None


def units_layer(shapes: ModelShapes) -> LayerShape | None:
    """The last layer that decides the output width (the output Dense, usually)."""
    for ls in reversed(shapes.layers):
        definition = definition_of(ls)
        if definition is None:
            return None
        if getattr(definition, "learns", False):
            return ls
        if (
            not getattr(definition, "passthrough", False)
            and definition.activation(ls.entry.item.bound) is None
        ):
            return None
    return None


def last_dim(shapes: ModelShapes) -> int | None:
    """The output width: from the inferred shape, or (input unknown) from the last Dense."""
    out = shapes.output_shape
    if out is not None:
        return out[-1] if len(out) >= 2 else None
    for ls in reversed(shapes.layers):
        item = ls.entry.item
        if not isinstance(item, LayerCall) or item.bound is None:
            return None
        if has_trait(item, "dense"):
            units = item.bound.values.get("units")
            return units if isinstance(units, int) and not isinstance(units, bool) else None
        if not has_trait(item, "elementwise"):  # elementwise layers keep the last axis
            return None
    return None


def certain(model: ModelIR) -> bool:
    return not model.uncertain and all(e.uncertain is False for e in model.entries)


def known(value: Any) -> bool:
    return value is not UNKNOWN


# Roles of the layers that compute a prediction from learnt weights (normalisation layers and
# PReLU learn too, but never act as a model's prediction layer).
_COMPUTING_ROLES = frozenset({"linear_map", "recurrent", "wrapper"})


def role_of(item: Any) -> str | None:
    """The role of a known layer (see ``seqlint.layers.base.ROLES``), else ``None``."""
    if isinstance(item, LayerCall) and item.definition is not None:
        return str(item.definition.role)
    return None


def has_trait(item: Any, trait: str) -> bool:
    """A known layer with ``trait`` (see ``seqlint.layers.base.TRAITS``)."""
    return (
        isinstance(item, LayerCall) and item.definition is not None and item.definition.has(trait)
    )


def computes(item: Any) -> bool:
    """A known layer that computes features from learnt weights (Dense, Conv*, RNNs, ...)."""
    return role_of(item) in _COMPUTING_ROLES


def activation_of(item: Any) -> str | None:
    """The activation a known layer applies last (see LayerDef.activation), else None."""
    if not isinstance(item, LayerCall) or item.definition is None or item.bound is None:
        return None
    return item.definition.activation(item.bound)
