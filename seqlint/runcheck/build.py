"""From the IR to runtime layers: plain argument values, freezing and ``adapt()`` as the
file says, and :class:`RunError` for what cannot be rebuilt."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy

from seqlint.extract.values import LambdaVal, ListVal, Ref
from seqlint.identifiers import bad_identifier
from seqlint.ir import ArrayInfo, Call, InputDecl, LayerCall, ModelIR, ObjectCall, TensorCall
from seqlint.layers.base import UNKNOWN, LayerSpec

# Arguments that only shape training (not the forward computation). When seqlint cannot read
# them (``kernel_regularizer=l2(1e-4)`` built by a helper), the layer keeps Keras's default.
_OPTIONAL_ARGS = frozenset(
    {
        "kernel_initializer",
        "bias_initializer",
        "recurrent_initializer",
        "embeddings_initializer",
        "depthwise_initializer",
        "pointwise_initializer",
        "gamma_initializer",
        "beta_initializer",
        "moving_mean_initializer",
        "moving_variance_initializer",
        "alpha_initializer",
        "kernel_regularizer",
        "bias_regularizer",
        "recurrent_regularizer",
        "activity_regularizer",
        "embeddings_regularizer",
        "depthwise_regularizer",
        "pointwise_regularizer",
        "gamma_regularizer",
        "beta_regularizer",
        "alpha_regularizer",
        "kernel_constraint",
        "bias_constraint",
        "recurrent_constraint",
        "embeddings_constraint",
        "depthwise_constraint",
        "pointwise_constraint",
        "gamma_constraint",
        "beta_constraint",
        "alpha_constraint",
        "name",
        "dtype",
        "trainable",
        "seed",
        "input_length",
        "mask_zero",
        "input_shape",
        "input_dim",
        "batch_input_shape",
    }
)


class RunError(Exception):
    """The model cannot be run: ``message`` says what is missing. ``usage`` marks user errors
    (exit 2) as opposed to models seqlint cannot build (exit 1)."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


# ---- from IR values to runtime arguments ---------------------------------------------------


class _Unreadable(Exception):
    pass


def plain(value: Any, notes: list[str] | None = None) -> Any:
    """An IR value as the plain Python value a runtime constructor takes (notes on what the
    runtime leaves out go to ``notes``)."""
    if value is UNKNOWN:
        raise _Unreadable
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, tuple):
        return tuple(plain(v, notes) for v in value)
    if isinstance(value, ListVal):
        return [plain(v, notes) for v in value.items]
    if isinstance(value, Ref):
        name = value.activation_name
        if name is not None:
            return name
        raise _Unreadable
    if isinstance(value, (LayerCall, LayerSpec)):
        return build_layer(value if isinstance(value, LayerCall) else None, notes)
    if isinstance(value, ObjectCall) and not value.opaque:
        return _keras_object(value, notes)
    if isinstance(value, LambdaVal):
        # the runtime's Lambda evaluates the bodies it understands from the syntax tree, and
        # refuses others: the user's code is never called
        return value.node
    raise _Unreadable


def _keras_object(call: ObjectCall, notes: list[str] | None) -> Any:
    """``keras.initializers.Constant(-100.0)`` and friends as runtime objects, resolved only
    through the runtime's tables of public Keras class names."""
    from seqlint.runtime import constraints, initializers, regularizers

    tables: dict[str, Mapping[str, type]] = {
        "keras.initializers.": initializers._BY_NAME,
        "keras.regularizers.": regularizers._BY_NAME,
        "keras.constraints.": constraints._CLASSES,
    }
    table = next((t for prefix, t in tables.items() if call.qualname.startswith(prefix)), None)
    cls = table.get(call.short_name) if table is not None else None
    if cls is None:
        raise _Unreadable
    args = [plain(v, notes) for v in call.args]
    kwargs = {k: plain(v, notes) for k, v in call.kwargs.items()}
    try:
        return cls(*args, **kwargs)
    except (TypeError, ValueError):
        raise _Unreadable from None


# Arguments the runtime does not simulate but that do not decide whether a model can learn:
# they are dropped with a note.
_DROPPABLE = {"recurrent_dropout": "recurrent dropout"}

# Sizes a file often reads from its data (class counts, vocabularies, hyper-parameter searches):
# the run assumes these, with a note, rather than refusing the model.
ASSUMED_SIZES = {"units": 10, "filters": 32, "input_dim": 1000, "output_dim": 32}


def build_layer(call: LayerCall | None, notes: list[str] | None = None) -> Any:
    from seqlint.runtime import layers as rt_layers

    if call is None:
        raise RunError("a wrapped layer could not be read statically")
    cls = None if call.custom else rt_layers.get(call.class_name)
    if cls is None:
        what = "a custom layer" if call.custom else "a layer seqlint.runtime does not implement"
        raise RunError(f"{call.class_name} (line {call.loc.line}) is {what}")
    if call.opaque:
        raise RunError(
            f"{call.class_name} (line {call.loc.line}) takes *args/**kwargs seqlint cannot read"
        )
    definition = call.definition
    names = [p.name for p in definition.params if not p.keyword_only] if definition else []
    own = {p.name for p in definition.params} if definition else set()
    kwargs: dict[str, Any] = {}

    def assumed(key: str) -> bool:
        """A size the file takes from its data (``Dense(len(classes))``,
        ``Embedding(len(word_index) + 1, 64)``): the run assumes one, and says so."""
        if key not in ASSUMED_SIZES or key not in own:
            return False
        kwargs[key] = ASSUMED_SIZES[key]
        if notes is not None:
            notes.append(
                f"{call.class_name} (line {call.loc.line}): {key} is not known statically; "
                f"the run assumes {key}={ASSUMED_SIZES[key]}"
            )
        return True

    for index, value in enumerate(call.args):
        key = names[index] if index < len(names) else f"#{index}"
        try:
            kwargs[key] = plain(value, notes)
        except _Unreadable:
            if assumed(key):
                continue
            raise RunError(
                f"{call.class_name} (line {call.loc.line}): argument {key} is not known statically"
            ) from None
    for key, value in call.kwargs.items():
        if key in ("input_shape", "input_dim", "batch_input_shape") and key not in own:
            continue  # the model's input: the runtime model gets it explicitly
        try:
            kwargs[key] = plain(value, notes)
        except _Unreadable:
            if assumed(key):
                continue
            if key in _OPTIONAL_ARGS:
                if notes is not None:
                    notes.append(
                        f"{call.class_name} (line {call.loc.line}): {key}= is not known "
                        "statically; Keras's default is used"
                    )
                continue
            raise RunError(
                f"{call.class_name} (line {call.loc.line}): {key}= is not known statically"
            ) from None
    for key, value in kwargs.items():
        if bad_identifier(key, value):
            raise RunError(
                f"{call.class_name} (line {call.loc.line}): Keras does not know {key}={value!r}"
            )
    try:
        try:
            return cls(**kwargs)
        except NotImplementedError:
            # SimpleRNN/LSTM/GRU simulate recurrent dropout; a layer that does not (ConvLSTM)
            # runs without it, with a note, since it does not decide whether a model learns
            dropped = [k for k in _DROPPABLE if kwargs.get(k) not in (None, False, 0, 0.0)]
            if not dropped:
                raise
            for key in dropped:
                kwargs.pop(key)
                if notes is not None:
                    notes.append(
                        f"{call.class_name} (line {call.loc.line}): {_DROPPABLE[key]} is not "
                        "simulated"
                    )
            return cls(**kwargs)
    except NotImplementedError as exc:
        raise RunError(f"{call.class_name} (line {call.loc.line}): {exc}") from None
    except (TypeError, ValueError) as exc:
        raise RunError(f"{call.class_name} (line {call.loc.line}): {exc}") from None


def runtime_layers(
    model: ModelIR, start: int, notes: list[str]
) -> list[tuple[LayerCall, Any, ModelIR]]:
    """(the call, its runtime layer, the model that holds it) in order; a nested Sequential
    contributes its layers."""
    out: list[tuple[LayerCall, Any, ModelIR]] = []
    for entry in model.entries[start:]:
        item = entry.item
        if isinstance(item, LayerCall):
            out.append((item, build_layer(item, notes), model))
        elif isinstance(item, ModelIR):
            from seqlint.infer import declared_input

            _, _, inner_start = declared_input(item)
            out.extend(runtime_layers(item, inner_start, notes))
        elif isinstance(item, InputDecl):
            continue
        elif isinstance(item, TensorCall):
            raise RunError(f"line {entry.loc.line} adds a tensor, not a layer")
        else:
            raise RunError(f"the layer at line {entry.loc.line} could not be read statically")
    return out


def apply_trainable(
    built: list[tuple[LayerCall, Any, ModelIR]], top: ModelIR, rt: Any
) -> list[str]:
    """Freeze what the file freezes before its compile(): ``layer.trainable = False``
    (also through ``model.layers`` loops), ``base.trainable = False`` on a nested model, and
    the ``trainable=`` argument. Returns notes on settings the run cannot follow."""
    notes: list[str] = []
    compile_call = top.compile_call
    before = compile_call.loc.line if compile_call is not None else math.inf
    frozen_models: dict[int, Any] = {}
    call: Call | LayerCall  # a ``trainable=`` call, then a built layer's call
    for model in {id(m): m for _, _, m in built}.values():
        for call in model.calls_named("trainable="):
            value = call.args[0] if call.args else UNKNOWN
            if call.loc.line > before:
                notes.append(
                    f"line {call.loc.line}: trainable is set after compile() and Keras only "
                    "uses it once compile() runs again"
                )
            elif call.uncertain or not isinstance(value, bool):
                notes.append(f"line {call.loc.line}: trainable = ... is not followed")
            else:
                frozen_models[id(model)] = value
    for call in top.calls_named("trainable="):
        value = call.args[0] if call.args else UNKNOWN
        if not call.uncertain and isinstance(value, bool) and call.loc.line < before:
            rt.trainable = value
    for call, layer, model in built:
        if model is not top and id(model) in frozen_models:
            layer.trainable = frozen_models[id(model)]
        for value, loc, uncertain in call.trainable_sets:
            if uncertain or not isinstance(value, bool):
                notes.append(f"line {loc.line}: {call.class_name}.trainable = ... is not followed")
            elif loc.line > before:
                notes.append(
                    f"line {loc.line}: {call.class_name}.trainable is set after compile() "
                    "and Keras only uses it once compile() runs again"
                )
            else:
                layer.trainable = value
    return notes


def frozen_lines(built: list[tuple[LayerCall, Any, ModelIR]], top: ModelIR) -> list[int]:
    lines = [
        loc.line for call, _, _ in built for value, loc, _ in call.trainable_sets if value is False
    ]
    lines += [c.loc.line for _, _, m in built for c in m.calls_named("trainable=")]
    lines += [c.loc.line for c in top.calls_named("trainable=")]
    lines += [call.loc.line for call, _, _ in built if call.kwargs.get("trainable") is False]
    return sorted(set(lines))


def adapt_layers(
    built: list[tuple[LayerCall, Any, ModelIR]],
    x: numpy.ndarray,
    fit_x: Any = None,
    seed: int = 0,
) -> list[str]:
    """Follow the file's ``layer.adapt(data)``, as Keras does, on the data the file passes: the
    run's own training inputs for the model's first layer or when ``data`` is what ``fit``
    trains on (``fit_x``), else data synthesized with the shape and value range the file gives
    ``data``. A layer whose adapt data is not known keeps its initial statistics; notes say so."""
    notes: list[str] = []
    rng = numpy.random.default_rng(seed)
    for index, (call, layer, _) in enumerate(built):
        if not call.adapt_calls or not hasattr(layer, "adapt"):
            continue
        data, loc, _ = call.adapt_calls[0]
        where = f"{call.class_name} (line {call.loc.line})"
        expected = tuple(getattr(layer, "input_shape", None) or ())[1:]
        source: numpy.ndarray | None
        if index == 0 or (fit_x is not None and data is fit_x):
            source, how = x, "the run's training inputs"
        else:
            source = _adapt_data(data, expected, rng)
            how = "synthetic data of the shape and value range the file gives it"
        if source is None:
            notes.append(
                f"{where}: the data adapt() gets at line {loc.line} is not known statically; "
                "the layer keeps its initial statistics"
            )
            continue
        if expected and tuple(source.shape[1:]) != expected:
            raise RunError(
                f"{where}: adapt() at line {loc.line} gets data of shape "
                f"{(None, *source.shape[1:])} but the layer receives "
                f"{(None, *expected)} in the model"
            )
        try:
            layer.adapt(source)
        except (ValueError, TypeError, NotImplementedError) as exc:
            raise RunError(f"{where}: adapt() on {how} fails: {exc}") from None
        notes.append(
            f"{where} is adapted on {how}, as the file's adapt() at line {loc.line} does with "
            "its data"
        )
    return notes


_ADAPT_SAMPLES = 1024  # at most this many synthesized samples for adapt()


def _adapt_data(
    data: Any, expected: tuple[Any, ...], rng: numpy.random.Generator
) -> numpy.ndarray | None:
    """Samples like the file's adapt data: its shape (unknown sizes from the layer's input),
    uniform in its value range when known (integers for integer data), else standard normal."""
    if not isinstance(data, ArrayInfo) or data.shape is None or len(data.shape) < 1:
        return None
    same_rank = len(data.shape) - 1 == len(expected)
    given = [
        d if isinstance(d, int) else (expected[i] if same_rank else None)
        for i, d in enumerate(data.shape[1:])
    ]
    dims = [d for d in given if isinstance(d, int)]
    if len(dims) != len(given):
        return None
    first = data.shape[0]
    n = min(first if isinstance(first, int) and first > 0 else _ADAPT_SAMPLES, _ADAPT_SAMPLES)
    size = (n, *dims)
    low, high = data.low, data.high
    if low is not None and high is not None and low < high:
        if data.kind == "int":
            return rng.integers(int(low), int(high) + 1, size=size).astype(numpy.float32)
        return rng.uniform(low, high, size=size).astype(numpy.float32)
    return rng.standard_normal(size).astype(numpy.float32)


def _stateful(layer: Any) -> bool:
    inner = [getattr(layer, k, None) for k in ("forward_layer", "backward_layer", "layer")]
    return bool(getattr(layer, "stateful", False)) or any(_stateful(i) for i in inner if i)


def static_batch_size(model: ModelIR, layers: list[Any]) -> int | None:
    """The batch size a model with a stateful RNN runs on, as Keras fixes it: the one its input
    declares (``Input(batch_shape=...)``, ``batch_size=``), else, for a model built on its first
    batch (no input declared), the batch size its ``fit`` call gives (Keras's default 32).
    ``None`` for a model without stateful layers, or whose input declares no batch size (Keras
    then refuses to build it, and so does the runtime)."""
    if not any(_stateful(layer) for layer in layers):
        return None
    decl = next((e.item for e in model.entries if isinstance(e.item, InputDecl)), None)
    if decl is not None:
        return decl.batch_size
    return fit_batch_size(model) or 32


def fit_batch_size(model: ModelIR) -> int | None:
    """The batch size the file's ``fit`` trains with (Keras's default 32 when it gives none),
    or ``None`` without a ``fit`` call whose batch size can be read."""
    fit = model.fit_call
    if fit is None or fit.opaque or fit.method != "fit":
        return None
    if fit.arg(12, "steps_per_epoch") is not None:
        return None  # the batch size then follows from the number of steps
    value = fit.arg(2, "batch_size")
    if value is None:
        return 32
    ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return value if ok else None
