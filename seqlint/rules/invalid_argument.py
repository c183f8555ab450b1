"""SEQ304 invalid-argument-value: a layer argument whose value Keras's constructor refuses."""

from __future__ import annotations

from collections.abc import Iterator

from seqlint import keras_api as api
from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.ir import LayerCall, Loc
from seqlint.layers._common import IdentifierError
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.removed_api import layer_calls
from seqlint.rules.unknown_identifier import find_unknown_identifiers


def argument_error(layer: LayerCall) -> str | None:
    """Keras's message when the layer's definition refuses its (statically known) arguments."""
    definition, bound = layer.definition, layer.bound
    if layer.custom or layer.opaque or definition is None or bound is None:
        return None
    if bound.opaque or not bound.ok:
        return None  # unknown-argument / removed-api say what is wrong with the call
    return definition.validate(bound)


@register
class InvalidArgumentValue(Rule):
    code = "SEQ304"
    name = "invalid-argument-value"
    severity = "error"
    summary = (
        "A layer argument has a value its constructor refuses: `Dense(0)`, `Dropout(1.5)`, "
        "`Conv2D(8, 3, strides=2, dilation_rate=2)`, `LSTM(0)`, a negative `ReLU(max_value)`, "
        "... The message is Keras's own."
    )
    why = (
        "Keras raises a ValueError when the line runs, before any model exists. The layer "
        "definitions hold Keras's checks, so `seqlint check` and `seqlint run` refuse the "
        "same arguments."
    )
    fix_doc = "Give the argument a value in the range the message states."
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(20,)),\n"
            '    layers.Dense(64, activation="relu"),\n'
            "    layers.Dropout(1.5),\n"
            '    layers.Dense(1, activation="sigmoid"),\n'
            "])\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input(shape=(20,)),\n"
            '    layers.Dense(64, activation="relu"),\n'
            "    layers.Dropout(0.5),\n"
            '    layers.Dense(1, activation="sigmoid"),\n'
            "])\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        file = analysis.file
        if api.uses_keras2(file.imports, analysis.text):
            return  # Keras 2's constructors check other things
        seen: set[int] = set()
        said: set[tuple[Loc, str]] | None = None  # what unknown-identifier reports
        for model in file.models:
            for entry in model.entries:
                for layer in layer_calls(entry.item):
                    if layer.uid in seen or layer.guarded:
                        continue
                    seen.add(layer.uid)
                    message = argument_error(layer)
                    if isinstance(message, IdentifierError):
                        if said is None:
                            said = {(f.loc, f.param) for f in find_unknown_identifiers(analysis)}
                        if (layer.loc, message.argument) in said:
                            continue  # SEQ301 reports it, with a did-you-mean
                    if message is not None:
                        name = layer.qualname.rsplit(".", 1)[-1] or layer.class_name
                        yield self.diagnostic(layer.loc, f"`{name}`: {message}")
