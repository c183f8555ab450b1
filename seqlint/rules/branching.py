from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.ir import Entry, LayerCall, LayerShape, TensorCall
from seqlint.layers.base import Shape
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import label


@register
class BranchingInSequential(Rule):
    code = "SEQ105"
    name = "branching-in-sequential"
    summary = (
        "A Sequential model holds something that needs a graph: a merge layer (Add, Concatenate, "
        "...), the same layer instance twice, a layer already called on a tensor "
        "(`Dense(8)(x)`), or a layer after an RNN that returns its states (`return_state=True`)."
    )
    why = (
        "A Sequential is a single chain. Merge layers need several inputs and fail to build; "
        "`model.add(Dense(8)(x))` adds a tensor, not a layer. A layer instance used twice shares "
        "its weights between both positions: when the widths match Keras builds it (deliberate "
        "in some code, accidental in most), so it is a warning; when the instance was built "
        "for another width Keras rejects the model, an error. A weightless layer (Dropout) "
        "used twice is not reported."
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
        for model, shapes in analysis.models():
            by_entry = {id(ls.entry): ls for ls in shapes.layers}
            first: dict[int, LayerShape | None] = {}
            seen: set[int] = set()
            shared: set[int] = set()
            several: LayerCall | None = None  # the previous layer, when it returns states too
            for entry in model.entries:
                item = entry.item
                if several is not None and isinstance(item, LayerCall):
                    yield self._after_states(several, item, entry)
                several = item if isinstance(item, LayerCall) and _returns_states(item) else None
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
                        diag = self._reused(item, entry, first[item.uid], by_entry.get(id(entry)))
                        # weight sharing is said once per instance (ageron's `block1` x 4)
                        if diag is not None and not (
                            diag.severity == "warning" and item.uid in shared
                        ):
                            yield diag
                        if diag is not None and diag.severity == "warning":
                            shared.add(item.uid)
                    if item.uid not in seen:
                        first[item.uid] = by_entry.get(id(entry))
                    seen.add(item.uid)

    def _after_states(self, before: LayerCall, item: LayerCall, entry: Entry) -> Diagnostic:
        """The layer after ``return_state=True`` receives a list of tensors, which Keras 3
        refuses when it builds the model."""
        count = _tensors_returned(before)
        name = label(item)
        return self.diagnostic(
            entry.loc,
            f"{name} receives the {count} tensors that {label(before)} returns with "
            f"return_state=True (its output and its states); Keras fails: expects 1 input(s), "
            f"but it received {count} input tensors. Drop return_state=True, or use the "
            "functional API to use the states",
        )

    def _reused(
        self, item: LayerCall, entry: Entry, before: LayerShape | None, now: LayerShape | None
    ) -> Diagnostic | None:
        """A second use of one instance: an error when Keras rejects it (its weights were built
        for another input width), a warning when it builds and shares them, nothing when the
        layer has no weights to share (a Dropout used twice behaves as two Dropouts)."""
        if before is not None and before.trainable == 0 and before.non_trainable == 0:
            return None
        old = _last_axis(before.input_shape if before is not None else None)
        new = _last_axis(now.input_shape if now is not None else None)
        if old is not None and new is not None and old != new:
            return self.diagnostic(
                entry.loc,
                f"the same {label(item)} instance is used twice in this Sequential, but its "
                f"weights were built for inputs of width {old} and here it receives width {new}, "
                "which Keras rejects: create a new layer for this position",
            )
        diag = self.diagnostic(
            entry.loc,
            f"the same {label(item)} instance is used twice in this Sequential: Keras builds "
            "it, and both positions share one set of weights (trained together). If two "
            "layers were meant, create a new layer object for each position",
        )
        diag.severity = "warning"
        return diag


def _returns_states(item: LayerCall) -> bool:
    """``LSTM/GRU/SimpleRNN(return_state=True)``: the layer returns its output and states."""
    return (
        item.definition is not None
        and item.definition.role == "recurrent"
        and isinstance(getattr(item.definition, "states", None), int)
        and item.bound is not None
        and item.bound.values.get("return_state") is True
    )


def _tensors_returned(item: LayerCall) -> int:
    return 1 + int(getattr(item.definition, "states", 1))


def _last_axis(shape: Shape | None) -> int | None:
    if not shape:
        return None
    last = shape[-1]
    return last if isinstance(last, int) else None
