from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.infer import data_input, format_shape
from seqlint.ir import LayerCall
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import label


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
        "the file, the message gives the exact shape to use."
    )
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
            data = data_input(model)
            if data is not None:
                dims = ", ".join("None" if d is None else str(d) for d in data[1:])
                shape_text = f"({dims},)" if len(data) == 2 else f"({dims})"
                suggestion = f"add `keras.Input(shape={shape_text})` as the first layer"
                message = (
                    f"{label(first.item)} is the first layer but the model declares no input "
                    f"shape; `fit` feeds it {format_shape(data)}: start the model with "
                    f"`keras.Input(shape={shape_text})`"
                )
            else:
                suggestion = "start the model with `keras.Input(shape=...)`"
                message = (
                    f"{label(first.item)} is the first layer but the model declares no input "
                    "shape: start it with `keras.Input(shape=...)` so Keras can build it"
                )
            yield self.diagnostic(first.loc, message, suggestion=suggestion)
