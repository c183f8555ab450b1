"""incompatible-rank and invalid-dimension: what Keras would refuse while building the model."""

from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.infer import data_method, format_shape
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import label, trace


class _ShapeErrorRule(Rule):
    kind = ""

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            if model.uncertain or shapes.input_shape is None:
                continue
            for index, ls in enumerate(shapes.layers):
                if ls.error is None:
                    continue
                kind, reason = ls.error
                if kind == self.kind:
                    where = ""
                    if shapes.input_source == "data":
                        where = f" (built from the {data_method(model)} data)"
                    message = (
                        f"{label(ls.entry.item)} receives {format_shape(ls.input_shape)}"
                        f"{where}: {reason}"
                    )
                    loc = ls.entry.loc
                    yield self.diagnostic(loc, message, trace=trace(shapes, index - 1))
                break


@register
class IncompatibleRank(_ShapeErrorRule):
    code = "SEQ103"
    name = "incompatible-rank"
    kind = "rank"
    summary = (
        "A layer receives a tensor with the wrong number of axes: Conv2D on a 2-D input, LSTM "
        "after Dense, an `input_shape` that misses the channel axis."
    )
    why = (
        "Keras refuses to build the model (`expected min_ndim=4, found ndim=3`), or, when the "
        "model has no input shape, fails only once `fit()` sees the data."
    )
    fix_doc = (
        "Give the layer the rank it expects: add the channel axis to `input_shape` (28, 28, 1), "
        "set `return_sequences=True` on the recurrent layer before another recurrent layer, or "
        "`Reshape` the tensor first."
    )
    examples = (
        Example(
            "from keras.layers import LSTM, Dense\nfrom keras.models import Sequential\n\n"
            "model = Sequential()\n"
            "model.add(LSTM(32, input_shape=(10, 4)))\n"
            "model.add(LSTM(16))\n"
            "model.add(Dense(1))\n",
            bad=True,
        ),
        Example(
            "from keras.layers import LSTM, Dense\nfrom keras.models import Sequential\n\n"
            "model = Sequential()\n"
            "model.add(LSTM(32, return_sequences=True, input_shape=(10, 4)))\n"
            "model.add(LSTM(16))\n"
            "model.add(Dense(1))\n",
            bad=False,
        ),
    )


@register
class InvalidDimension(_ShapeErrorRule):
    code = "SEQ104"
    name = "invalid-dimension"
    kind = "dimension"
    summary = (
        "A dimension becomes zero or negative, or does not divide: a kernel or pool larger than "
        "its input, a Reshape whose element count does not match."
    )
    why = (
        "Keras stops while building the model (`Computed output size would be zero or "
        "negative`, `total size of the tensor must be unchanged`)."
    )
    fix_doc = (
        'Use `padding="same"`, fewer pooling blocks or a smaller kernel, or a Reshape target '
        "with the same number of elements as its input."
    )
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(100,)),\n"
            "    layers.Dense(64),\n"
            "    layers.Reshape((8, 10)),\n])\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(100,)),\n"
            "    layers.Dense(80),\n"
            "    layers.Reshape((8, 10)),\n])\n",
            bad=False,
        ),
    )
