"""Symbolic shape propagation through a Sequential model, the way Keras builds it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from seqlint.identifiers import bad_identifier
from seqlint.ir import ArrayInfo, InputDecl, LayerCall, LayerShape, ModelIR, TensorCall
from seqlint.layers.base import UNKNOWN, BoundArgs, LayerSpec, Shape, ShapeError
from seqlint.vocab import format_shape, snake_case  # noqa: F401 - re-exported

INPUT_KWARGS = ("input_shape", "input_dim", "batch_input_shape")


def input_kwargs(layer: LayerCall) -> list[str]:
    """The base-layer input-shape keywords given to a layer (``Embedding(input_dim=...)`` is
    the vocabulary size, not one of them)."""
    definition = layer.definition
    if definition is None:
        return [k for k in INPUT_KWARGS if k in layer.kwargs]
    if not definition.base_kwargs:
        return []
    own = {p.name for p in definition.params}
    return [k for k in INPUT_KWARGS if k in layer.kwargs and k not in own]


@dataclass
class ModelShapes:
    model: ModelIR
    input_shape: Shape | None
    # how the input shape is known: "input" (keras.Input / InputLayer), "kwarg" (input_shape= /
    # input_dim= on the first layer), "build" (model.build), "data" (built lazily by fit on
    # data whose shape is known), "nested" (built as a layer of another model), or None
    input_source: str | None
    layers: list[LayerShape] = field(default_factory=list)
    start: int = 0  # index of the first entry that is a layer (after a leading Input)
    name: str = "sequential"  # the Keras model name (automatic names count up per file)
    # Sequentials used as layers of this one: (the model, the shape it receives, its shapes
    # when built on that input)
    nested: list[tuple[ModelIR, Shape, ModelShapes]] = field(default_factory=list)

    @property
    def output_shape(self) -> Shape | None:
        return self.layers[-1].output_shape if self.layers else self.input_shape

    @property
    def error(self) -> LayerShape | None:
        return next((ls for ls in self.layers if ls.error), None)

    @property
    def built(self) -> bool:
        return (
            self.input_source is not None
            and self.input_shape is not None
            and self.error is None
            and all(ls.output_shape is not None for ls in self.layers)
        )

    def totals(self) -> tuple[int | None, int | None]:
        """(trainable, non-trainable) over distinct layers; None when any is unknown."""
        trainable = non_trainable = 0
        for ls in self.layers:
            if not ls.counted:
                continue
            if ls.trainable is None or ls.non_trainable is None:
                return None, None
            trainable += ls.trainable
            non_trainable += ls.non_trainable
        return trainable, non_trainable


def _dims(shape: Any) -> Shape | None:
    """A user-given shape tuple (batch excluded) to dims, unknown items as None."""
    from seqlint.extract.values import ListVal

    if isinstance(shape, ListVal):
        shape = tuple(shape.items)
    if isinstance(shape, int) and not isinstance(shape, bool):
        return (shape,)
    if not isinstance(shape, (tuple, list)):
        return None
    return tuple(d if isinstance(d, int) and not isinstance(d, bool) else None for d in shape)


def declared_input(model: ModelIR) -> tuple[Shape | None, str | None, int]:
    """The declared input shape (batch first), how it is declared, and the first layer's index."""
    if not model.entries:
        return None, None, 0
    first = model.entries[0].item
    if isinstance(first, InputDecl):
        dims = _dims(first.shape)
        return (None, *dims) if dims is not None else None, "input", 1
    if isinstance(first, LayerCall):
        given = input_kwargs(first)
        if given:
            if "input_shape" in given:
                dims = _dims(first.kwargs["input_shape"])
                if dims is None:
                    return _rank_only(first), "kwarg", 0
                return (None, *dims), "kwarg", 0
            if "input_dim" in given:
                dim = first.kwargs["input_dim"]
                known = isinstance(dim, int) and not isinstance(dim, bool)
                return (None, dim if known else None), "kwarg", 0
            if "batch_input_shape" in given:
                dims = _dims(first.kwargs["batch_input_shape"])
                return dims, "kwarg", 0
    if isinstance(first, ModelIR) and first.uid not in _ACTIVE:
        inner = infer(first, Counter())
        if inner.input_source is not None:
            return inner.input_shape, inner.input_source, 0
    for call in model.calls_named("build"):
        shape = call.arg(0, "input_shape", UNKNOWN)
        if shape is not UNKNOWN and shape is not None:
            return _dims(shape), "build", 0
    return None, None, 0


_RNN_INPUTS = frozenset({"SimpleRNN", "LSTM", "GRU"})


def _rank_only(first: LayerCall) -> Shape | None:
    """An input of unknown size still has the rank its first layer requires (Conv2D: 4 axes
    with the batch), which is enough to find a missing Flatten or a wrong rank later."""
    definition = first.definition
    if definition is None:
        return None
    rank = getattr(definition, "rank", 0)
    if isinstance(rank, int) and rank > 0:
        return (None,) * (rank + 2)
    if definition.name in _RNN_INPUTS:
        return (None, None, None)
    return None


_DATA_METHODS = ("fit", "evaluate", "predict", "train_on_batch", "predict_on_batch")


def data_input(model: ModelIR) -> Shape | None:
    """The input shape ``fit``/``evaluate``/``predict`` would build the model with."""
    for call in model.calls:
        if call.method in _DATA_METHODS:
            x = call.arg(0, "x")
            if isinstance(x, ArrayInfo) and x.shape is not None and len(x.shape) >= 1:
                return (None, *x.shape[1:])
            return None
    return None


def data_method(model: ModelIR) -> str:
    """The method whose data :func:`data_input` reads (``fit``, ``predict``, ...), so that a
    message names the call the user wrote: a model only ever ``predict``-ed was not fitted."""
    for call in model.calls:
        if call.method in _DATA_METHODS:
            return call.method
    return "fit"


# Models whose shapes are being inferred right now: a model added to itself, directly or
# through another model (``a.add(b); b.add(a)``), is a cycle Keras would reject; its inner
# shapes stay unknown instead of recursing forever.
_ACTIVE: set[int] = set()


def infer(model: ModelIR, names: Counter[str] | None = None) -> ModelShapes:
    """Propagate shapes through ``model``. ``names`` numbers automatic layer names per file."""
    _ACTIVE.add(model.uid)
    try:
        return _infer(model, names if names is not None else Counter())
    finally:
        _ACTIVE.discard(model.uid)


def _stateful(bound: BoundArgs) -> bool:
    """A recurrent layer (or a wrapper of one) created with ``stateful=True``."""
    if bound.values.get("stateful") is True:
        return True
    inner = bound.values.get("layer")
    return isinstance(inner, LayerSpec) and inner.args.values.get("stateful") is True


class _Walk:
    """Where the walk down a stack is: a layer failed (shapes after it are unknown), or one
    was read the Keras 1/2 way (that code ran with an image data format seqlint cannot see,
    ``"th"`` was common, so later size errors are not proven)."""

    __slots__ = ("failed", "legacy_read", "static_batch")

    def __init__(self, static_batch: int | None) -> None:
        self.failed = False
        self.legacy_read = False
        self.static_batch = static_batch  # (see _infer)

    def layer(self, ls: LayerShape, item: LayerCall, current: Shape | None) -> None:
        """The output shape (or the error) of a layer call on ``current``."""
        definition = item.definition
        bound = item.bound
        ls.construct_error = bound is not None and (
            not bound.ok
            or (definition is not None and definition.validate(bound) is not None)
            or any(bad_identifier(k, v) for k, v in item.kwargs.items())
            or any(bad_identifier(k, bound.values.get(k)) for k in ("activation", "padding"))
        )
        if ls.construct_error:
            # Keras 3 stops in the constructor; a Keras 1/2 call still has a known meaning
            # (read as Keras 2 did, so the rest of the stack is checked), others a guess
            legacy = keras2_bound(item)
            if legacy is not None and current is not None and not self.failed:
                self.legacy_read = True
                try:
                    ls.output_shape = legacy[0].output_shape(legacy[1], current)
                except ShapeError:
                    self.failed = True
            else:
                self.failed = True
        elif definition is not None and definition.merge:
            # needs several inputs: reported by branching-in-sequential, not as a rank error
            ls.error = ("branching", f"{item.class_name} needs a list of inputs")
            self.failed = True
        elif (
            definition is not None and bound is not None and current is not None and not self.failed
        ):
            self.shape(ls, definition, bound, current)

    def shape(self, ls: LayerShape, definition: Any, bound: BoundArgs, current: Shape) -> None:
        """A layer's output shape and weights; a stateful RNN needs a static batch size."""
        if self.static_batch is None and _stateful(bound):
            # Keras refuses it when it builds the model (a model built on its first batch,
            # source "data", takes that batch's size and runs)
            ls.error = (
                "dimension",
                "When using `stateful=True` in a RNN, the batch size must be static. Found "
                f"dynamic batch size: sequence.shape={format_shape(current)}",
            )
            self.failed = True
            return
        try:
            ls.output_shape = definition.output_shape(bound, current)
        except ShapeError as err:
            if not self.legacy_read:
                ls.error = (err.kind, err.message)
            self.failed = True
        else:
            ls.trainable, ls.non_trainable = definition.count_params(bound, current)


def _infer(model: ModelIR, names: Counter[str]) -> ModelShapes:
    shape, source, start = declared_input(model)
    if source is None:
        shape = data_input(model)
        source = "data" if shape is not None else None
    result = ModelShapes(model, shape, source, start=start)
    result.name = model.name or _auto_name("Sequential", names)
    current: Shape | None = shape
    seen: set[int] = set()
    # the static batch size a declared input gives (stateful RNNs need one); -1: not declared
    # here (built from data, or as a nested model), so not judged
    static_batch: int | None = -1
    if source == "input":
        decl = model.entries[0].item
        static_batch = decl.batch_size if isinstance(decl, InputDecl) else -1
    elif source in ("kwarg", "build") and shape:
        static_batch = shape[0]
    walk = _Walk(static_batch)
    for entry in model.entries[start:]:
        item = entry.item
        if entry.uncertain:
            # added under a condition or loop we could not resolve: from here on the stack
            # itself is not known, so neither are the shapes
            current = None
        ls = LayerShape(entry, current, None, None, None)
        if isinstance(item, LayerCall):
            ls.class_name = item.class_name
            explicit = item.kwargs.get("name")
            ls.name = explicit if isinstance(explicit, str) else _auto_name(item.class_name, names)
            if item.uid in seen:
                ls.counted = False
            seen.add(item.uid)
            walk.layer(ls, item, current)
        elif isinstance(item, ModelIR):
            ls.class_name = "Sequential"
            ls.name = item.name or _auto_name("Sequential", names)
            # (a model inside itself is a cycle: its shapes stay unknown, see _ACTIVE)
            if current is not None and not walk.failed and item.uid not in _ACTIVE:
                inner = infer_nested(item, current, names)
                result.nested.append((item, current, inner))
                ls.output_shape = inner.output_shape
                if inner.error is not None:
                    ls.error = inner.error.error
                    walk.failed = True
                ls.trainable, ls.non_trainable = inner.totals()
        elif isinstance(item, InputDecl):
            ls.class_name = "InputLayer"
            ls.output_shape = current
            ls.trainable = ls.non_trainable = 0
        elif isinstance(item, TensorCall):
            ls.class_name = "KerasTensor"
            ls.error = ("branching", "a tensor, not a layer")
            walk.failed = True
        else:
            ls.class_name = "?"
            ls.name = "?"
        result.layers.append(ls)
        current = ls.output_shape
    return result


def keras2_bound(item: LayerCall) -> tuple[Any, BoundArgs] | None:
    """``item``'s definition and its arguments read the Keras 1/2 way, when that binds."""
    from seqlint.keras_api import keras2_arguments

    definition = item.definition
    if definition is None or item.opaque:
        return None
    translated = keras2_arguments(definition, item.args, item.kwargs)
    if translated is None:
        return None
    bound = definition.bind(*translated)
    return (definition, bound) if bound.ok else None


def infer_nested(model: ModelIR, input_shape: Shape, names: Counter[str]) -> ModelShapes:
    """A Sequential used as a layer of another: its own Input (if any) is skipped."""
    _, _, start = declared_input(model)
    # an input_shape= on its first layer does not matter any more: the outer model feeds it
    shadow = ModelIR(loc=model.loc, entries=list(model.entries[start:]))
    # its layers were named when the inner model was inferred: do not count them twice
    _ACTIVE.add(model.uid)
    try:
        return infer(_with_input(shadow, input_shape), Counter())
    finally:
        _ACTIVE.discard(model.uid)


def _with_input(model: ModelIR, input_shape: Shape) -> ModelIR:
    from seqlint.ir import NOWHERE, Entry

    decl = InputDecl(shape=tuple(input_shape[1:]), loc=NOWHERE)
    return ModelIR(loc=model.loc, entries=[Entry(decl, NOWHERE), *model.entries])


def _auto_name(class_name: str, names: Counter[str]) -> str:
    base = snake_case(class_name)
    n = names[base]
    names[base] += 1
    return base if n == 0 else f"{base}_{n}"
