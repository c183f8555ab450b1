"""SEQ108 layer-after-output: Dropout / BatchNormalization after the prediction layer."""

from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.infer import ModelShapes
from seqlint.ir import Entry, LayerCall
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import activation_of, computes, label, role_of

# Roles of the layers that change values without predicting anything (dropout, noise,
# normalisation): after a softmax/sigmoid output they turn the probabilities into something else.
_AFTER = frozenset({"regularization", "normalization"})
_PROBABILITIES = ("softmax", "sigmoid")


def _width(shapes: ModelShapes, entry: Entry) -> int | None:
    """The last axis of what ``entry`` outputs, when inferred."""
    for ls in shapes.layers:
        if ls.entry is entry and ls.output_shape:
            last = ls.output_shape[-1]
            return last if isinstance(last, int) else None
    return None


def _marks_output(act: str | None, width: int | None) -> bool:
    """In an uncompiled fragment only the activation says which layer is the output: softmax
    (a distribution over classes), or sigmoid on one unit (a binary probability). A sigmoid
    on a wide Dense or an RNN (``LSTM(32, activation="sigmoid")``) may well be hidden."""
    return act == "softmax" or (act == "sigmoid" and width == 1)


@register
class LayerAfterOutput(Rule):
    code = "SEQ108"
    name = "layer-after-output"
    summary = (
        "A Dropout, BatchNormalization or other layer placed after the final prediction layer "
        "(the last Dense/conv/RNN of a compiled model; in an uncompiled fragment only a softmax "
        "output, or a sigmoid output on one unit)."
    )
    why = (
        "The model's output is what that layer makes of the probabilities: Dropout zeroes "
        "and rescales class probabilities during training, BatchNormalization shifts them out "
        "of [0, 1]. The loss then sees something that is no longer a probability."
    )
    fix_doc = "Move the layer before the output layer (or remove it)."
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(20,)),\n"
            '    layers.Dense(32, activation="relu"),\n'
            '    layers.Dense(3, activation="softmax"),\n'
            "    layers.Dropout(0.3),\n"
            "])\n"
            'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")\n',
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(20,)),\n"
            '    layers.Dense(32, activation="relu"),\n'
            "    layers.Dropout(0.3),\n"
            '    layers.Dense(3, activation="softmax"),\n'
            "])\n"
            'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")\n',
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, shapes in analysis.models():
            # a stack used as a part of a bigger model has no "output" of its own
            if model.uncertain or model.nested or model.called_functionally:
                continue
            items = [e.item for e in model.entries]
            if any(e.uncertain for e in model.entries) or not all(
                isinstance(i, LayerCall) for i in items[1:]
            ):
                continue
            last = max((i for i, item in enumerate(items) if computes(item)), default=None)
            if last is None:
                continue
            act = activation_of(items[last])
            compiled = model.compile_call is not None
            width = _width(shapes, model.entries[last])
            for item in items[last + 1 :]:
                assert isinstance(item, LayerCall)
                if item.definition is None or item.custom:
                    break
                if role_of(item) == "activation":
                    act = activation_of(item)
                    continue
                # the last Dense/conv/RNN is the prediction layer when its output is a
                # probability, or when the model is trained on it (compiled with a loss)
                if role_of(item) in _AFTER and (compiled or _marks_output(act, width)):
                    what = (
                        f"the {act} output of {label(items[last])}: the model no longer "
                        "outputs probabilities"
                        if act in _PROBABILITIES
                        else f"the prediction layer {label(items[last])}: the loss sees its "
                        "output changed at random or renormalised"
                    )
                    yield self.diagnostic(
                        item.loc,
                        f"{label(item)} comes after {what}",
                        suggestion="move it before the output layer",
                    )
                    break
