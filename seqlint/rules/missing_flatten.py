from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic, Edit, Fix
from seqlint.extract.values import ListVal
from seqlint.fixes import guarded, import_keras_name, insert_layer_before, keras_name
from seqlint.infer import ModelShapes, format_shape
from seqlint.ir import ArrayInfo, InputDecl, LayerCall, LayerShape, ModelIR
from seqlint.layers.base import Shape
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import fit_targets, has_trait, label, role_of, trace


def _origin(layers: list[LayerShape], upto: int) -> tuple[str, LayerShape | None]:
    """Where the rank > 2 tensor reaching layer ``upto`` was made: "spatial", "sequence", or
    something that makes it deliberate or unknown ("other")."""
    for ls in reversed(layers[:upto]):
        item = ls.entry.item
        if not isinstance(item, LayerCall) or item.definition is None:
            return "other", None
        if ls.output_shape is None or len(ls.output_shape) <= 2:
            return "other", None
        if item.definition.has("sequence_output"):
            return "sequence", ls
        if item.definition.has("spatial_output"):
            return "spatial", ls
        if ls.input_shape is not None and len(ls.input_shape) != len(ls.output_shape):
            return "other", None  # Reshape, RepeatVector, TimeDistributed...: on purpose
    return "input", None  # the model input itself has the extra axes


def _any_length(model: ModelIR) -> bool:
    """The declared input has an axis of any length (``input_shape=[None, 1]``): no Flatten
    can follow the layers that keep it. (A size the analysis cannot read is not this.)"""
    first = model.entries[0].item if model.entries else None
    if isinstance(first, InputDecl):
        shape = first.shape
    elif isinstance(first, LayerCall):
        shape = first.kwargs.get("input_shape")
        if shape is None and isinstance(first.kwargs.get("batch_input_shape"), tuple):
            shape = first.kwargs["batch_input_shape"][1:]
    else:
        return False
    if isinstance(shape, ListVal):
        shape = tuple(shape.items)
    return isinstance(shape, tuple) and any(d is None for d in shape[:-1])


def _causal(item: object) -> bool:
    """``padding="causal"``: each step sees only the past, as forecasting one value per step
    wants."""
    bound = getattr(item, "bound", None)
    return bound is not None and bound.values.get("padding") == "causal"


def _per_sample(y: ArrayInfo) -> bool:
    """The targets hold one label (or one one-hot row / one value) per sample."""
    shape = y.shape
    assert shape is not None
    return len(shape) == 1 or (len(shape) == 2 and (shape[1] == 1 or y.encoding == "onehot"))


def _per_position(y: ArrayInfo, out: Shape) -> bool:
    """The targets visibly keep the model output's extra axes (sequence labels, masks)."""
    shape = y.shape
    assert shape is not None
    if len(shape) < 2 or len(out) < 3:
        return False
    if len(shape) == 2 and (shape[1] == 1 or y.encoding == "onehot"):
        return False
    return shape[1] is None or out[1] is None or shape[1] == out[1]


@guarded
def _fix(analysis: Analysis, model: ModelIR, ls: LayerShape) -> Fix | None:
    """Insert ``Flatten()`` before the layer of ``ls``, spelled the way that layer is."""
    entry, item = ls.entry, ls.entry.item
    if not isinstance(item, LayerCall) or sum(e.loc == entry.loc for e in model.entries) != 1:
        return None  # added in a loop: a Flatten would be added on every turn
    text, line = analysis.text, entry.loc.line
    name = keras_name(text, "keras.layers.Flatten", like=item.loc, before=line)
    edits: tuple[Edit, ...] = ()
    if name is None:
        imported = import_keras_name(text, "keras.layers.Flatten", like=item.loc, before=line)
        if imported is None:
            return None
        name, edit = imported
        edits = (edit,)
    insert = insert_layer_before(text, entry.loc, f"{name}()")
    if insert is None:
        return None
    return Fix(f"Insert `{name}()` before {label(item)}", (*edits, insert), safe=False)


@register
class MissingFlatten(Rule):
    code = "SEQ102"
    name = "missing-flatten"
    summary = (
        "A rank > 2 tensor (a conv/pool feature map, an Embedding or return_sequences RNN output, "
        "or a rank > 2 model input) goes into `Dense` with no `Flatten` or global pooling in "
        "between. A feature map is reported unless the targets visibly keep its extra axes; a "
        "sequence, a rank > 2 model input, a causal Conv1D's steps (a forecaster) or axes of "
        "any length (`None`: no Flatten can follow) only when the targets show one label per "
        "sample "
        "(`(n,)`, `(n, 1)` or one-hot `(n, k)`). Shapes follow Keras 1/2 calls Keras 3 refuses "
        "(`border_mode=`, `Convolution2D(32, 3, 3)`, `AveragePooling2D()` as 2x2), and the "
        "rank survives unknown sizes."
    )
    why = (
        "`Dense` acts on the last axis only, so the model predicts one vector per position "
        "instead of one per sample: the output is `(None, 13, 13, 10)`, not `(None, 10)`. Keras "
        "builds it without complaint; the loss then fails on the target shape or, with `mse`, "
        "silently broadcasts and trains the wrong thing."
    )
    fix_doc = (
        "Add `Flatten()` (or `GlobalAveragePooling2D()` / `GlobalMaxPooling1D()`, which keep "
        "fewer weights) before the first `Dense`. A Dense applied per time step on purpose "
        "belongs in `TimeDistributed`.\n\n"
        "`--fix --unsafe-fixes` inserts `Flatten()` just before the layer that receives the "
        "rank > 2 tensor (a list element, or a `model.add(Flatten())` line above its `add`), "
        "spelled like that layer (`layers.Flatten()`, `tf.keras.layers.Flatten()`; for a bare "
        "`Dense` imported with `from ... import`, `Flatten` joins that import). The fix is "
        "unsafe because it changes the model (and its weights); it is not offered when the "
        "layer is added in a loop or the file gives no safe way to name `Flatten`."
    )
    fixable = True
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(28, 28, 1)),\n"
            '    layers.Conv2D(32, 3, activation="relu"),\n'
            "    layers.MaxPooling2D(),\n"
            '    layers.Dense(10, activation="softmax"),\n])\n',
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(28, 28, 1)),\n"
            '    layers.Conv2D(32, 3, activation="relu"),\n'
            "    layers.MaxPooling2D(),\n"
            "    layers.Flatten(),\n"
            '    layers.Dense(10, activation="softmax"),\n])\n',
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            if model.uncertain or shapes.input_shape is None:
                continue
            found = self._find(shapes)
            if found is None:
                continue
            index, ls, origin, kind = found
            out = shapes.output_shape
            if out is None or len(out) <= 2 or shapes.error is not None:
                continue  # the extra axes are gone by the output (or we cannot tell)
            if _spatial_after(shapes, index):
                continue  # convolutions/RNNs come after it: a per-position Dense on purpose
            y = fit_targets(model)
            if (
                origin is None
                or has_trait(origin.entry.item, "sequence_output")
                or _causal(origin.entry.item)
                or _any_length(model)
            ):
                # a sequence, or a rank > 2 model input (Dense on images, on (steps,
                # features) windows), a causal convolution (a forecaster's steps), axes of
                # any length (no Flatten can follow): per-position on purpose unless the
                # targets say otherwise
                if y is None or not _per_sample(y):
                    continue
            elif y is not None and _per_position(y, out):
                continue
            source = "the model input" if origin is None else label(origin.entry.item)
            message = (
                f"{label(ls.entry.item)} receives {format_shape(ls.input_shape)} from {source}: "
                f"add Flatten() (or global pooling) before it; the model output is "
                f"{format_shape(out)}, one prediction per position instead of per sample"
            )
            yield self.diagnostic(
                ls.entry.loc,
                message,
                trace=trace(shapes, index),
                suggestion="insert `Flatten()` before this layer",
                # (before a first layer that declares the input, a Flatten would take its place)
                fix=_fix(analysis, model, ls) if origin is not None else None,
            )

    @staticmethod
    def _find(shapes: ModelShapes) -> tuple[int, LayerShape, LayerShape | None, str] | None:
        for index, ls in enumerate(shapes.layers):
            item = ls.entry.item
            if not isinstance(item, LayerCall):
                return None
            if has_trait(item, "dense") and ls.input_shape is not None and len(ls.input_shape) > 2:
                kind, origin = _origin(shapes.layers, index)
                if kind in ("spatial", "sequence") and origin is not None:
                    return index, ls, origin, kind
                if kind == "input":
                    return index, ls, None, kind
                return None
        return None


def _positional(item: object) -> bool:
    """A layer that works on the positions themselves (convolution, pooling, padding, RNN): after
    one, a Dense that kept the positions did so on purpose (an autoencoder's bottleneck, a
    per-step projection). A layer seqlint does not know may be one."""
    if isinstance(item, LayerCall) and item.definition is None:
        return True
    return has_trait(item, "spatial_output") or (
        has_trait(item, "sequence_output") and role_of(item) != "embedding"
    )


def _spatial_after(shapes: ModelShapes, index: int) -> bool:
    return any(_positional(ls.entry.item) for ls in shapes.layers[index + 1 :])
