from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.infer import input_kwargs
from seqlint.ir import Entry, LayerCall
from seqlint.rules.base import Example, Rule, register
from seqlint.rules.common import label


def _indent(lines: list[str], line: int) -> int | None:
    if not 0 < line <= len(lines):
        return None
    text = lines[line - 1]
    return len(text) - len(text.lstrip())


def _added_in_a_block_before(lines: list[str], before: list[Entry], entry: Entry) -> bool:
    """An earlier layer was added by a ``model.add(...)`` nested deeper than this layer's line
    (``if variation != "static": model.add(Embedding(...))``): in the code's other
    configurations this layer comes first, and its ``input_shape`` is what builds the model."""
    own = _indent(lines, entry.loc.line)
    if own is None:
        return False
    for earlier in before:
        depth = _indent(lines, earlier.loc.line)
        if depth is not None and depth > own and ".add(" in lines[earlier.loc.line - 1]:
            return True
    return False


@register
class InputShapeNotFirst(Rule):
    code = "SEQ106"
    name = "input-shape-not-first"
    severity = "warning"
    summary = "`input_shape` / `input_dim` is given to a layer that is not the first of the model."
    why = (
        "Keras reads the input shape from the first layer only: on any later layer the argument "
        "is silently ignored, even when it contradicts the real shape, so it documents something "
        "false."
    )
    fix_doc = "Remove the argument; declare the input once, with `keras.Input(shape=...)`."
    examples = (
        Example(
            "from keras.layers import Dense\nfrom keras.models import Sequential\n\n"
            "model = Sequential()\n"
            "model.add(Dense(64, input_dim=20))\n"
            "model.add(Dense(32, input_dim=64))\n",
            bad=True,
        ),
        Example(
            "from keras.layers import Dense\nfrom keras.models import Sequential\n\n"
            "model = Sequential()\n"
            "model.add(Dense(64, input_dim=20))\n"
            "model.add(Dense(32))\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        lines = analysis.text.splitlines()
        for model, _shapes in analysis.models():
            first = model.entries[0].item
            for index, entry in enumerate(model.entries):
                if entry.uncertain:
                    break
                item = entry.item
                if index == 0 or not isinstance(item, LayerCall) or item is first:
                    continue
                if _added_in_a_block_before(lines, model.entries[:index], entry):
                    break
                used = input_kwargs(item)
                if used:
                    yield self.diagnostic(
                        item.loc,
                        f"`{used[0]}` on {label(item)} is ignored: only the first layer of a "
                        "Sequential sets the input shape",
                        suggestion=f"remove `{used[0]}=`",
                    )
