from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import (
    compiled_loss,
    fit_targets,
    label,
    last_dim,
    output_activation,
)

_CROSSENTROPY = ("binary", "categorical", "sparse")


@register
class OutputActivationMismatch(Rule):
    code = "SEQ201"
    name = "output-activation-mismatch"
    summary = (
        "The output activation does not fit the loss: softmax on one unit, sigmoid with "
        "categorical cross-entropy, a linear output with a cross-entropy loss that expects "
        "probabilities, `from_logits=True` after softmax/sigmoid, or softmax/sigmoid squashing "
        "regression targets that lie outside [0, 1]."
    )
    why = (
        "Keras trains these models without an error, but they cannot learn what is asked: a "
        "softmax over one unit is always 1, a sigmoid per class does not give a distribution for "
        "categorical cross-entropy, raw logits fed to a loss that expects probabilities are "
        "clipped, and probabilities fed to a loss that expects logits are squashed twice."
    )
    fix_doc = (
        "Pair them: `sigmoid` + `binary_crossentropy` (one unit), `softmax` + "
        "(sparse_)categorical_crossentropy (one unit per class), or no activation + "
        "`from_logits=True`; a linear output for regression."
    )
    examples = (
        Example(
            "from keras.layers import Dense\nfrom keras.models import Sequential\n\n"
            "model = Sequential()\n"
            'model.add(Dense(16, activation="relu", input_dim=8))\n'
            'model.add(Dense(1, activation="softmax"))\n'
            'model.compile(loss="binary_crossentropy", optimizer="adam")\n',
            bad=True,
        ),
        Example(
            "from keras.layers import Dense\nfrom keras.models import Sequential\n\n"
            "model = Sequential()\n"
            'model.add(Dense(16, activation="relu", input_dim=8))\n'
            'model.add(Dense(1, activation="sigmoid"))\n'
            'model.compile(loss="binary_crossentropy", optimizer="adam")\n',
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            if model.uncertain:
                continue
            found = output_activation(shapes)
            if found is None:
                continue
            act, ls = found
            units = last_dim(shapes)
            loss = compiled_loss(model)
            where = label(ls.entry.item)
            message = None
            if act == "softmax" and units == 1:
                message = (
                    f"{where} applies softmax over a single unit, so it always outputs 1.0: use "
                    "sigmoid for a binary output, or one unit per class"
                )
            elif loss is None:
                continue
            elif loss.from_logits is True and act in ("softmax", "sigmoid"):
                message = (
                    f"{where} already applies {act}, but the loss {loss.name} is told "
                    "`from_logits=True`: drop the activation or set `from_logits=False`"
                )
            elif act == "sigmoid" and loss.kind == "categorical" and (units or 0) > 1:
                message = (
                    f"{where} uses sigmoid with {loss.name}, which expects a probability "
                    "distribution over classes: use softmax"
                )
            elif act == "linear" and loss.kind in _CROSSENTROPY and loss.from_logits is False:
                message = (
                    f"{where} has no activation (linear logits) but {loss.name} expects "
                    "probabilities: add "
                    f"{'sigmoid' if loss.kind == 'binary' else 'softmax'} or use the loss with "
                    "`from_logits=True`"
                )
            elif act in ("softmax", "sigmoid") and loss.kind == "regression":
                y = fit_targets(model)
                outside = (
                    y is not None
                    and y.low is not None
                    and y.high is not None
                    and (y.low < 0.0 or y.high > 1.0)
                )
                if outside:
                    assert y is not None
                    message = (
                        f"{where} squashes the output into [0, 1] with {act}, but the "
                        f"regression targets range over [{y.low:g}, {y.high:g}]: use a "
                        "linear output"
                    )
            if message:
                yield self.diagnostic(ls.entry.loc, message)
