from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.ir import LayerCall, TensorCall
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import label


@register
class BranchingInSequential(Rule):
    code = "SEQ105"
    name = "branching-in-sequential"
    summary = (
        "A Sequential model holds something that needs a graph: a merge layer (Add, Concatenate, "
        "...), the same layer instance twice, or a layer already called on a tensor "
        "(`Dense(8)(x)`)."
    )
    why = (
        "A Sequential is a single chain. Merge layers need several inputs and fail to build; "
        "`model.add(Dense(8)(x))` adds a tensor, not a layer; a layer used twice silently shares "
        "its weights between both positions."
    )
    fix_doc = (
        "Use the functional API (`keras.Model(inputs, outputs)`) for models that branch or "
        "merge, and create a new layer object for each position of a Sequential."
    )
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "hidden = layers.Dense(64)\n"
            "model = keras.Sequential(\n"
            "    [keras.Input(shape=(64,)), hidden, hidden, layers.Dense(1)]\n"
            ")\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential(\n"
            "    [keras.Input(shape=(64,)), layers.Dense(64), layers.Dense(64), layers.Dense(1)]\n"
            ")\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for model, _shapes in analysis.models():
            seen: set[int] = set()
            for entry in model.entries:
                item = entry.item
                if isinstance(item, TensorCall):
                    callee = label(item.callee)
                    yield self.diagnostic(
                        entry.loc,
                        f"{callee} is called on a tensor and the result is added to a Sequential:"
                        " add the layer itself, or build this model with the functional API",
                    )
                elif isinstance(item, LayerCall):
                    definition = item.definition
                    merges = (
                        definition.merge if definition is not None else item.class_name == "Merge"
                    )
                    if merges and not item.custom:
                        yield self.diagnostic(
                            entry.loc,
                            f"{label(item)} merges several inputs and cannot be part of a "
                            "Sequential model: use the functional API",
                        )
                    elif item.uid in seen:
                        yield self.diagnostic(
                            entry.loc,
                            f"the same {label(item)} instance is used twice in this Sequential, "
                            "so both positions share weights: create a new layer for each",
                        )
                    seen.add(item.uid)
