"""Fix builders specific to removed-api (SEQ401) that rewrite more than one place of a file.

- :func:`batch_input_shape_edits`: ``LSTM(4, batch_input_shape=(None, 5, 3))`` ->
  ``LSTM(4, input_shape=(5, 3))``; a fixed batch size becomes a ``keras.Input(batch_shape=...)``
  inserted before the first layer of the Sequential.

Each builder returns edits (text coordinates, see :mod:`seqlint.fixes`) or None when it cannot
produce code that real Keras 3 accepts with the meaning Keras 2 gave the original.
"""

from __future__ import annotations

import ast

from seqlint import fixes
from seqlint.diagnostics import Edit
from seqlint.ir import Loc

# What Keras 2 read as the input shape of a layer: only one of them may be given.
_INPUT_KEYWORDS = ("input_shape", "input_dim", "batch_size", "batch_input_shape")


def _plain(node: ast.expr) -> bool:
    return not isinstance(node, ast.Starred)


def batch_input_shape_edits(
    text: str,
    snip: fixes._Snippet,
    args: list[ast.AST],
    like: Loc,
    first: Loc | None,
) -> list[Edit] | None:
    """Keras 3 layers reject ``batch_input_shape=`` (only ``InputLayer`` keeps it). A literal
    shape whose batch size is ``None`` becomes ``input_shape=`` without it (what Keras 2 made
    of it); any other shape (``(32, 5, 3)``, a variable) becomes ``keras.Input(batch_shape=...)``
    before the layer, which keeps the fixed batch size stateful RNNs need. That needs the layer
    to be the first of a Sequential (``first``: its entry) and a spelling of ``Input`` the file
    has or can import next to the layer's class. None if the layer also has another input
    keyword. ``like``: the layer call."""
    keyed = {k.arg: i for i, k in enumerate(args) if isinstance(k, ast.keyword)}
    if sum(k in keyed for k in _INPUT_KEYWORDS) != 1 or "batch_input_shape" not in keyed:
        return None
    index = keyed["batch_input_shape"]
    node = args[index]
    assert isinstance(node, ast.keyword)
    value = node.value
    if (
        isinstance(value, (ast.Tuple, ast.List))
        and len(value.elts) >= 2
        and all(_plain(e) for e in value.elts)
        and isinstance(value.elts[0], ast.Constant)
        and value.elts[0].value is None
    ):
        rest = [snip.source(e) for e in value.elts[1:]]
        shape = "(" + ", ".join(rest) + ("," if len(rest) == 1 else "") + ")"
        return [fixes.replace_in_call(text, snip, node, node, f"input_shape={shape}")]
    if first is None:
        return None
    edits: list[Edit] = []
    spelled = fixes.keras_name(text, "keras.Input", like=like)
    if spelled is None:
        found = fixes.import_keras_name(text, "keras.layers.Input", like=like)
        if found is None:
            return None
        spelled, imported = found
        edits.append(imported)
    insert = fixes.insert_layer_before(text, first, f"{spelled}(batch_shape={snip.source(value)})")
    if insert is None:
        return None
    edits.append(insert)
    edits.append(fixes.delete_argument(text, snip, args, index))
    return edits
