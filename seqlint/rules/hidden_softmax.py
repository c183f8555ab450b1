"""SEQ107 hidden-softmax: a softmax inside the stack, before the real output layer."""

from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.ir import LayerCall
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import activation_of, computes, label


@register
class HiddenSoftmax(Rule):
    code = "SEQ107"
    name = "hidden-softmax"
    summary = "A softmax activation on a layer that is not the output layer."
    why = (
        "Softmax turns a layer's features into one probability vector that sums to 1: in a "
        "hidden layer it throws away the scale of every feature and its gradients vanish as "
        "soon as one unit dominates, so the layers after it learn from almost nothing. Keras "
        "runs it without a word."
    )
    fix_doc = (
        "Use a hidden activation such as `relu` (or none), and keep softmax for the output "
        "layer only."
    )
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(784,)),\n"
            '    layers.Dense(128, activation="softmax"),\n'
            '    layers.Dense(10, activation="softmax"),\n'
            "])\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(784,)),\n"
            '    layers.Dense(128, activation="relu"),\n'
            '    layers.Dense(10, activation="softmax"),\n'
            "])\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, _shapes in analysis.models():
            if model.uncertain:
                continue
            softmax: LayerCall | None = None
            for entry in model.entries:
                if entry.uncertain:
                    break
                item = entry.item
                if softmax is not None and computes(item):
                    yield self.diagnostic(
                        softmax.loc,
                        f"{label(softmax)} applies softmax but {label(item)} comes after it: "
                        "softmax belongs on the output layer only",
                        suggestion='use a hidden activation such as "relu"',
                    )
                    break
                if isinstance(item, LayerCall) and activation_of(item) == "softmax":
                    softmax = item
