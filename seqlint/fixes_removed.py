"""Fix builders specific to removed-api (SEQ401) that rewrite more than one place of a file.

- :func:`batch_size_edits`: ``batch_size=32`` next to ``input_shape=`` -> a ``keras.Input(shape=...,
  batch_size=32)`` before the first layer.
- :func:`batch_input_shape_edits`: ``LSTM(4, batch_input_shape=(None, 5, 3))`` ->
  ``LSTM(4, input_shape=(5, 3))``; a fixed batch size becomes a ``keras.Input(batch_shape=...)``
  inserted before the first layer of the Sequential.

Each builder returns edits (text coordinates, see :mod:`seqlint.fixes`) or None when it cannot
produce code that real Keras 3 accepts with the meaning Keras 2 gave the original.
"""

from __future__ import annotations

import ast
from typing import cast

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
    return _input_before(
        text, snip, args, like, first, f"batch_shape={snip.source(value)}", [index]
    )


def batch_size_edits(
    text: str,
    snip: fixes._Snippet,
    args: list[ast.AST],
    like: Loc,
    first: Loc | None,
) -> list[Edit] | None:
    """``LSTM(4, input_shape=(5, 3), batch_size=32)``: Keras 3 layers reject ``batch_size=``;
    ``keras.Input(shape=(5, 3), batch_size=32)`` before the first layer of the Sequential
    says the same (``input_dim=4`` is ``shape=(4,)``). None without exactly one of them."""
    keyed = {k.arg: i for i, k in enumerate(args) if isinstance(k, ast.keyword)}
    given = [k for k in _INPUT_KEYWORDS if k in keyed]
    if len(given) != 2 or "batch_size" not in given or "batch_input_shape" in given:
        return None
    shape_key = given[0]
    shape = cast(ast.keyword, args[keyed[shape_key]]).value
    size = cast(ast.keyword, args[keyed["batch_size"]]).value
    source = snip.source(shape)
    if shape_key == "input_dim":
        source = f"({source},)"
    content = f"shape={source}, batch_size={snip.source(size)}"
    return _input_before(
        text, snip, args, like, first, content, [keyed[shape_key], keyed["batch_size"]]
    )


def _input_before(
    text: str,
    snip: fixes._Snippet,
    args: list[ast.AST],
    like: Loc,
    first: Loc | None,
    content: str,
    drop: list[int],
) -> list[Edit] | None:
    """``keras.Input(<content>)`` inserted before the first layer of the Sequential (its entry:
    ``first``), spelled as the file can, and the arguments ``drop`` removed from the layer."""
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
    insert = fixes.insert_layer_before(text, first, f"{spelled}({content})")
    if insert is None:
        return None
    edits.append(insert)
    edits.extend(fixes.delete_argument(text, snip, args, i) for i in sorted(drop))
    return edits


# Keras 1's dilated convolutions: the Keras 3 class and how many kernel sizes come positionally
# after ``nb_filter`` (``AtrousConvolution2D(nb_filter, nb_row, nb_col, ...)``).
ATROUS: dict[str, tuple[str, int]] = {
    "AtrousConvolution1D": ("Conv1D", 1),
    "AtrousConvolution2D": ("Conv2D", 2),
}
# Keras 1 keywords of the atrous layers -> Keras 3's (same meaning, same defaults).
_ATROUS_KEYWORDS = {
    "nb_filter": "filters",
    "filter_length": "kernel_size",
    "atrous_rate": "dilation_rate",
    "border_mode": "padding",
    "subsample": "strides",
    "subsample_length": "strides",
    "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint",
    "bias": "use_bias",
}
# Keywords both accept as they are.
_ATROUS_KEPT = frozenset(
    {"activation", "activity_regularizer", "input_shape", "input_dim", "name", "trainable"}
)
_ORDERINGS = {"th": "channels_first", "tf": "channels_last"}


def atrous_edits(text: str, alias: ast.alias) -> tuple[str, list[Edit]] | None:
    """``from keras.layers import AtrousConvolution2D`` (gone from Keras 3) -> ``Conv2D``, and
    every call of it rewritten with Keras 3's arguments: ``AtrousConvolution2D(16, 3, 3,
    atrous_rate=(2, 2), border_mode="same")`` -> ``Conv2D(16, (3, 3), dilation_rate=(2, 2),
    padding="same")``. The class is imported under its Keras 3 name when the file does not
    use that name, else under the old one (``Conv2D as AtrousConvolution2D``). None when the
    old name is used otherwise than called (subclassed, passed around) or a call has an
    argument with no exact Keras 3 twin (``weights=``, a fourth positional argument)."""
    if alias.name not in ATROUS:
        return None
    new, sizes = ATROUS[alias.name]
    bound = alias.asname or alias.name
    mod = fixes._module(text)
    names = fixes._names(text)
    if mod is None or names is None:
        return None
    calls: list[ast.Call] = []
    callees: set[int] = set()
    for node in ast.walk(mod.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == bound:
            calls.append(node)
            callees.add(id(node.func))
    for node in ast.walk(mod.tree):
        if isinstance(node, ast.Name) and node.id == bound and id(node) not in callees:
            return None
    rename = new not in names and not alias.asname
    edits: list[Edit] = []
    for call in calls:
        found = _atrous_call(text, call, sizes, new if rename else None)
        if found is None:
            return None
        edits.extend(found)
    return (new if rename else f"{new} as {bound}"), edits


def import_names_edits(
    text: str, stmt: ast.ImportFrom, names: dict[int, str | None], after: list[str]
) -> list[Edit] | None:
    """Edits of a ``from ... import`` statement's names: ``names`` maps an alias's index to its
    new text (None: dropped); ``after`` are statements to add on the lines after it (a name
    that moved elsewhere). With nothing dropped each alias is edited in place; else the name
    list is written anew (its layout is lost, its meaning kept). None when the statement does
    not start its line (``import os; from ...``) and statements must be added."""
    mod = fixes._module(text)
    if mod is None:
        return None
    if not after:
        in_place = [
            fixes.replace_node(text, stmt.names[i], new)
            for i, new in names.items()
            if new is not None
        ]
        kept = [e for e in in_place if e is not None]
        return kept if len(kept) == len(names) else None
    sources = []
    for i, alias in enumerate(stmt.names):
        span = fixes.node_offsets(text, alias)
        if span is None:
            return None
        new = names.get(i, text[span[0] : span[1]])
        if new is not None:
            sources.append(new)
    first = fixes.node_offsets(text, stmt.names[0])
    last = fixes.node_offsets(text, stmt.names[-1])
    whole = fixes.node_offsets(text, stmt)
    if first is None or last is None or whole is None or not sources:
        return None
    line_start = text.rfind("\n", 0, whole[0]) + 1
    indent = text[line_start : whole[0]]
    if indent.strip():
        return None
    added = "".join(f"\n{indent}{a}" for a in after)
    edits: list[Edit] = [fixes._edit(text, first[0], last[1], ", ".join(sources))]
    if added:
        # after the statement's line, so that a trailing comment stays with it
        line_end = text.find("\n", whole[1])
        line_end = len(text) if line_end < 0 else line_end
        rest = text[whole[1] : line_end].strip()
        if rest and not rest.startswith("#"):
            return None  # (``from ... import a; other()``)
        at = line_end - 1 if text[line_end - 1 : line_end] == "\r" else line_end
        edits.append(fixes._edit(text, at, at, added))
    return edits


def _atrous_call(text: str, call: ast.Call, sizes: int, callee: str | None) -> list[Edit] | None:
    """The edits that give one atrous call Keras 3's arguments (and callee, if renamed)."""
    if len(call.args) > sizes + 1 or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    keys = {k.arg: k for k in call.keywords}
    if None in keys:
        return None
    edits: list[Edit] = []

    def replace(node: ast.AST, content: str) -> bool:
        edit = fixes.replace_node(text, node, content)
        if edit is not None:
            edits.append(edit)
        return edit is not None

    if callee is not None and not replace(call.func, callee):
        return None
    if sizes == 2 and len(call.args) == 3:
        first = fixes.node_offsets(text, call.args[1])
        last = fixes.node_offsets(text, call.args[2])
        if first is None or last is None:
            return None
        inner = f"{text[first[0] : first[1]]}, {text[last[0] : last[1]]}"
        edits.append(fixes._edit(text, first[0], last[1], f"({inner})"))
    elif sizes == 2 and len(call.args) == 2:
        return None  # (nb_filter, nb_row) and nb_col by keyword: rare, left to the user
    ordered: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    ordered.sort(key=lambda a: (a.lineno, a.col_offset))
    for key, node in keys.items():
        assert key is not None
        value = fixes.node_offsets(text, node.value)
        if value is None:
            return None
        source = text[value[0] : value[1]]
        if key in _ATROUS_KEPT:
            continue
        if key in _ATROUS_KEYWORDS:
            if _ATROUS_KEYWORDS[key] in keys:
                return None
            ok = replace(node, f"{_ATROUS_KEYWORDS[key]}={source}")
        elif key == "nb_row" and sizes == 2 and "nb_col" in keys and not call.args[1:]:
            col = fixes.node_offsets(text, keys["nb_col"].value)
            if col is None or "kernel_size" in keys:
                return None
            ok = replace(node, f"kernel_size=({source}, {text[col[0] : col[1]]})")
        elif key == "nb_col" and "nb_row" in keys:
            index = ordered.index(node)
            span = fixes.node_offsets(text, ordered[index - 1]) if index else None
            end = fixes.node_offsets(text, node)
            if span is None or end is None:
                return None
            edits.append(fixes._edit(text, span[1], end[1], ""))
            ok = True
        elif key == "dim_ordering":
            literal = node.value
            if not (isinstance(literal, ast.Constant) and literal.value in _ORDERINGS):
                return None
            quoted = source.replace(literal.value, _ORDERINGS[literal.value])
            ok = "data_format" not in keys and replace(node, f"data_format={quoted}")
        else:
            return None
        if not ok:
            return None
    return edits
