from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic, Edit, Fix
from seqlint.fixes import guarded, import_keras_name, insert_layer_before, keras_name
from seqlint.infer import data_input, data_method, format_shape
from seqlint.ir import LayerCall, ModelIR
from seqlint.layers.base import LayerSpec, Shape
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import label

# Calls that build a model without an input shape from the data they get. ``predict`` and
# ``evaluate`` build it as ``fit`` does, but a script that starts with one of them (the TF
# tutorials: an adapted Normalization layer, then ``model.predict(x[:10])``) has a built
# model before any ``summary``/``fit``: nothing is lazily missing there.
_INFERENCE = ("predict", "evaluate", "test_on_batch")
_FIRST_USES = (*_INFERENCE, "fit", "train_on_batch", "summary", "save", "count_params")


def _built_by_inference_first(model: ModelIR) -> bool:
    first = next((c for c in model.calls if c.method.startswith(_FIRST_USES)), None)
    return (
        first is not None
        and first.method.startswith(_INFERENCE)
        and bool(first.args)
        and not (first.uncertain or first.guarded or first.opaque)
    )


def _stateful_batch(model: ModelIR) -> int | None:
    """For a model with a ``stateful=True`` RNN, the batch size its ``fit`` trains with (Keras's
    default 32; 0 when not known statically): its input must declare it. ``None`` for other
    models."""
    stateful = False
    for entry in model.entries:
        bound = entry.item.bound if isinstance(entry.item, LayerCall) else None
        if bound is None:
            continue
        inner = bound.values.get("layer")
        inner_args = inner.args.values if isinstance(inner, LayerSpec) else {}
        stateful = stateful or True in (bound.values.get("stateful"), inner_args.get("stateful"))
    if not stateful:
        return None
    fit = model.fit_call
    value = None if fit is None or fit.opaque else fit.arg(2, "batch_size")
    if value is None:
        return 32
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@guarded
def _fix(analysis: Analysis, model: ModelIR, data: Shape, shape_text: str) -> Fix | None:
    """Insert ``keras.Input(shape=...)`` before the first layer of ``model``."""
    first = model.entries[0]
    if any(not isinstance(d, int) for d in data[1:]):
        return None  # an axis of unknown size
    if sum(e.loc == first.loc for e in model.entries) != 1:
        return None  # the first layer is added in a loop
    for other in analysis.file.models:
        # the same code builds another model (a function called twice): same data needed
        if other is not model and other.entries and other.entries[0].loc == first.loc:
            shape = data_input(other)
            if shape is None or shape[1:] != data[1:]:
                return None
    text, line, item = analysis.text, first.loc.line, first.item
    name = keras_name(text, "keras.Input", before=line)
    edits: tuple[Edit, ...] = ()
    if name is None and isinstance(item, LayerCall):
        imported = import_keras_name(text, "keras.layers.Input", like=item.loc, before=line)
        if imported is not None:
            name, edit = imported
            edits = (edit,)
    if name is None:
        return None
    code = f"{name}({shape_text})"
    insert = insert_layer_before(text, first.loc, code)
    if insert is None:
        return None
    return Fix(f"Insert `{code}` as the first layer", (*edits, insert), safe=False)


@register
class MissingInputShape(Rule):
    code = "SEQ101"
    name = "missing-input-shape"
    severity = "warning"
    summary = (
        "The first layer of a Sequential model has no `input_shape` / `input_dim` and the model "
        "starts with no `keras.Input(...)` (nor is `model.build(...)` called)."
    )
    why = (
        "Without an input shape Keras cannot build the model: `summary()` shows nothing, "
        "`count_params()` and `model.output_shape` fail, and shape errors surface only later, "
        "inside `fit()`, with the data's shape instead of yours."
    )
    fix_doc = (
        "Start the model with `keras.Input(shape=...)`. When the `fit` data's shape is visible in "
        "the file, the message gives the exact shape to use.\n\n"
        "`--fix --unsafe-fixes` then inserts `keras.Input(shape=...)` as the first layer (a list "
        "element, or a `model.add(...)` line), spelled through the file's own Keras import "
        "(`keras.Input`, `tf.keras.Input`, `Input` when it is imported, or added to the "
        "`from ... import` of the first layer's class). The fix is unsafe: "
        "the shape comes from the data this file passes to `fit`, and other callers may differ."
    )
    fixable = True
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            '    layers.Dense(32, activation="relu"),\n'
            "    layers.Dense(1),\n])\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(8,)),\n"
            '    layers.Dense(32, activation="relu"),\n'
            "    layers.Dense(1),\n])\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            first = model.entries[0]
            if (
                shapes.input_source in ("input", "kwarg", "build")
                or model.uncertain
                or model.nested
                or model.called_functionally
                or first.uncertain
                or not isinstance(first.item, LayerCall)
                or first.item.definition is None  # Keras 1 Merge, hub layers: cannot tell
            ):
                continue
            if _built_by_inference_first(model) or model.calls_named("build"):
                # (``model.build(tf.TensorShape([1, 3]))``: built, whatever shape it was given)
                continue
            data = data_input(model)
            fix = None
            if data is not None and shapes.error is not None:
                # the data itself does not fit the stack (Conv2D fed images without a channel
                # axis): declaring its shape would not help; the shape rules say what is wrong
                suggestion = "start the model with `keras.Input(shape=...)`"
                message = (
                    f"{label(first.item)} is the first layer but the model declares no input "
                    f"shape; the `{data_method(model)}` data {format_shape(data)} does not fit "
                    "the layers either (see the shape finding): reshape it and declare the input "
                    "with `keras.Input(shape=...)`"
                )
            elif data is not None:
                dims = ", ".join("None" if d is None else str(d) for d in data[1:])
                shape_text = f"shape=({dims},)" if len(data) == 2 else f"shape=({dims})"
                batch = _stateful_batch(model)
                if batch is not None:  # a stateful RNN needs the batch size (Keras's SEQ104)
                    shape_text = f"batch_shape=({batch or 'batch_size'}, {dims})"
                suggestion = f"add `keras.Input({shape_text})` as the first layer"
                message = (
                    f"{label(first.item)} is the first layer but the model declares no input "
                    f"shape; `{data_method(model)}` feeds it {format_shape(data)}: start the "
                    f"model with `keras.Input({shape_text})`"
                )
                fix = None if batch == 0 else _fix(analysis, model, data, shape_text)
            else:
                suggestion = "start the model with `keras.Input(shape=...)`"
                message = (
                    f"{label(first.item)} is the first layer but the model declares no input "
                    "shape: start it with `keras.Input(shape=...)` so Keras can build it"
                )
            yield self.diagnostic(first.loc, message, suggestion=suggestion, fix=fix)
