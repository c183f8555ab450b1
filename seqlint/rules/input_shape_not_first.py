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


def _add_depth(lines: list[str], entry: Entry) -> int | None:
    """The indentation of ``entry``'s line when that line is a ``model.add(...)``, else None."""
    depth = _indent(lines, entry.loc.line)
    if depth is None or ".add(" not in lines[entry.loc.line - 1]:
        return None
    return depth


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
            # the deepest ``model.add(...)`` line so far: an earlier layer added by a
            # ``model.add(...)`` nested deeper than this layer's line (``if variation !=
            # "static": model.add(Embedding(...))``) means that in the code's other
            # configurations this layer comes first, and its ``input_shape`` builds the model
            # (kept as a running maximum: a chain of 20,000 ``add`` calls stays linear)
            deepest: int | None = None
            for index, entry in enumerate(model.entries):
                if entry.uncertain:
                    break
                item = entry.item
                if index > 0 and isinstance(item, LayerCall) and item is not first:
                    own = _indent(lines, entry.loc.line)
                    if own is not None and deepest is not None and deepest > own:
                        break
                    used = input_kwargs(item)
                    if used:
                        yield self.diagnostic(
                            item.loc,
                            f"`{used[0]}` on {label(item)} is ignored: only the first layer of "
                            "a Sequential sets the input shape",
                            suggestion=f"remove `{used[0]}=`",
                        )
                depth = _add_depth(lines, entry)
                if depth is not None and (deepest is None or depth > deepest):
                    deepest = depth
