"""Building fixes: edits located exactly in the analysed text, for rules to attach to findings.

Every builder takes the analysed text (:attr:`seqlint.analysis.Analysis.text`) and the
:class:`~seqlint.ir.Loc` of a node the extractor recorded, and returns an
:class:`~seqlint.diagnostics.Edit` in text coordinates, or ``None`` when the place cannot be
located with certainty (then the rule offers no fix). Edits touch only the characters they
replace: comments and formatting around them are kept.

- :func:`rename_keyword`: ``Adam(lr=0.01)`` -> ``Adam(learning_rate=0.01)``
- :func:`rename_method`: ``model.fit_generator(...)`` -> ``model.fit(...)``
- :func:`replace_string`: ``activation="softmax"`` -> ``activation="sigmoid"`` (quotes kept)
- :func:`insert_layer_before`: a new layer before a list element or a ``model.add(...)`` line
- :func:`keras_name`: how the file can spell a Keras object (``layers.Flatten``, ``keras.Input``)
- :func:`import_keras_name`: else, add the name to the ``from ... import`` of a neighbour
- :func:`guarded`: decorate a rule's fix builder so that a failure costs the fix, not the finding

Call-local edits parse just the slice of text that covers the call; the module structure
(enclosing lists and statements, import bindings) comes from a parse of the whole text. Both
use :mod:`ast` (libcst is only needed to apply and verify fixes, in :mod:`seqlint.fix`).
"""

from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, NamedTuple, ParamSpec, TypeVar

from seqlint.diagnostics import Edit, Span
from seqlint.extract.names import canonical
from seqlint.extract.positions import Locator, PositionsUnavailable
from seqlint.ir import Loc

if TYPE_CHECKING:
    from seqlint.analysis import Analysis

P = ParamSpec("P")
T = TypeVar("T")


def guarded(build: Callable[P, T | None]) -> Callable[P, T | None]:
    """Decorate a rule's fix builder: whatever goes wrong while building a fix, the finding
    is still reported, without a fix (nothing is located: :class:`PositionsUnavailable` goes
    through, as everywhere)."""

    @functools.wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T | None:
        try:
            return build(*args, **kwargs)
        except PositionsUnavailable:
            raise
        except Exception:
            return None

    return wrapper


# --------------------------------------------------------------------------------------------
# Coordinates


@lru_cache(maxsize=8)
def _line_starts(text: str) -> tuple[int, ...]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return tuple(starts)


def offset(text: str, line: int, column: int) -> int | None:
    """The offset of a 1-based (line, column) of ``text``; None when outside it."""
    starts = _line_starts(text)
    if not 1 <= line <= len(starts) or column < 1:
        return None
    start = starts[line - 1]
    end = starts[line] - 1 if line < len(starts) else len(text)
    if start + column - 1 > end:
        return None
    return start + column - 1


def span_at(text: str, start: int, end: int | None = None) -> Span:
    """The :class:`Span` (text coordinates) of ``text[start:end]`` (an insertion point when
    ``end`` is None)."""
    starts = _line_starts(text)

    def pos(off: int) -> tuple[int, int]:
        lo, hi = 0, len(starts) - 1
        while lo < hi:  # the last line start <= off
            mid = (lo + hi + 1) // 2
            if starts[mid] <= off:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, off - starts[lo] + 1

    line, column = pos(start)
    end_line, end_column = pos(start if end is None else end)
    return Span(line, column, end_line, end_column)


def _edit(text: str, start: int, end: int, content: str) -> Edit:
    return Edit(span_at(text, start, end), content)


def _valid(loc: Loc) -> bool:
    try:
        return loc.line >= 1 and loc.column >= 1 and loc.end_line >= loc.line
    except Exception:  # a lazy location whose position pass failed
        return False


# --------------------------------------------------------------------------------------------
# A call, parsed from its slice of text


@dataclass
class _Snippet:
    """A call parsed alone: its node, and text offsets for the nodes in it."""

    node: ast.Call
    base: int  # text offset of the snippet's first character
    code: str  # the parsed (wrapped) code
    locator: Locator
    starts: tuple[int, ...]  # line starts of the parsed (wrapped) code

    def _offset(self, line: int, byte_col: int) -> int:
        # - 1: the wrapping "("
        return self.base + self.starts[line - 1] + self.locator.column(line, byte_col) - 1

    def start(self, node: ast.AST) -> int:
        return self._offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> int:
        return self._offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]

    def source(self, node: ast.AST) -> str:
        return self.code[self.start(node) - self.base + 1 : self.end(node) - self.base + 1]


def _call(text: str, call: Loc) -> _Snippet | None:
    """The call that ``call`` locates, parsed from its slice of ``text``."""
    if not _valid(call):
        return None
    start = offset(text, call.line, call.column)
    end = offset(text, call.end_line, call.end_column)
    if start is None or end is None or end <= start:
        return None
    code = "(" + text[start:end] + "\n)\n"
    try:
        module = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    stmt = module.body[0] if len(module.body) == 1 else None
    if not isinstance(stmt, ast.Expr) or not isinstance(stmt.value, ast.Call):
        return None
    snip = _Snippet(stmt.value, start, code, Locator(code), _line_starts(code))
    # only the wrapping parenthesis: the slice is exactly the call
    if snip.start(snip.node) != start or snip.end(snip.node) != end:
        return None
    return snip


def rename_keyword(text: str, call: Loc, old: str, new: str) -> Edit | None:
    """Rename the keyword argument ``old=`` of the call at ``call`` to ``new=``."""
    snip = _call(text, call)
    if snip is None:
        return None
    keywords = snip.node.keywords
    found = [k for k in keywords if k.arg == old]
    if len(found) != 1 or any(k.arg == new for k in keywords):
        return None
    at = snip.start(found[0])  # a keyword's range starts at its name
    return _edit(text, at, at + len(old), new)


def rename_method(text: str, call: Loc, old: str, new: str) -> Edit | None:
    """Rename the method of ``obj.old(...)`` (the call at ``call``) to ``obj.new(...)``."""
    snip = _call(text, call)
    if snip is None:
        return None
    func = snip.node.func
    if not isinstance(func, ast.Attribute) or func.attr != old:
        return None
    at = snip.end(func)  # an attribute's range ends with its name
    return _edit(text, at - len(old), at, new)


def replace_string(
    text: str,
    call: Loc,
    old_value: str,
    new_value: str,
    *,
    keyword: str | None = None,
    position: int | None = None,
) -> Edit | None:
    """Replace the string literal whose value is ``old_value`` among the arguments of the call
    at ``call`` by ``new_value``, in the same quotes.

    With ``keyword`` and/or ``position``, only that argument is searched (``activation=`` or
    the second positional argument); else every argument. Literals inside list, tuple, set and
    dict arguments count (``metrics=["acc"]``), those inside nested calls do not. None unless
    exactly one literal matches.
    """
    snip = _call(text, call)
    if snip is None:
        return None
    values: list[ast.expr] = []
    for index, arg in enumerate(snip.node.args):
        if isinstance(arg, ast.Starred):
            if position is not None:
                return None  # *args: positions after it are unknown
            continue
        if (keyword is None and position is None) or index == position:
            values.append(arg)
    for kw in snip.node.keywords:
        if kw.arg is None:  # **kwargs
            if position is not None:
                return None
            continue
        if (keyword is None and position is None) or kw.arg == keyword:
            values.append(kw.value)
    found = [
        (node, style)
        for v in values
        for node in _strings(v)
        if node.value == old_value and (style := _literal(snip.source(node))) is not None
    ]
    if len(found) != 1:
        return None
    node, (prefix, quote) = found[0]
    literal = _requote(prefix, quote, new_value)
    if literal is None:
        return None
    return _edit(text, snip.start(node), snip.end(node), literal)


def argument_position(definition: object, name: str) -> int | None:
    """The positional index of the parameter ``name`` in a layer definition's signature
    (``activation`` is 1 for ``Dense``), for :func:`replace_string`'s ``position``."""
    params = getattr(definition, "params", ())
    positional = [p.name for p in params if not getattr(p, "keyword_only", False)]
    return positional.index(name) if name in positional else None


def _strings(node: ast.expr) -> Iterator[ast.Constant]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for el in node.elts:
            yield from _strings(el)
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if key is not None:
                yield from _strings(value)


_STRING_START = re.compile(r"([rRuU]?)('{3}|\"{3}|'|\")")


def _literal(source: str) -> tuple[str, str] | None:
    """(prefix, quote) of ``source`` when it is one plain string literal (not bytes, not an
    f-string, not several literals concatenated)."""
    match = _STRING_START.match(source)
    if match is None or not source.endswith(match.group(2)):
        return None
    try:
        tokens = [
            t
            for t in tokenize.generate_tokens(io.StringIO(source).readline)
            if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER)
        ]
    except (tokenize.TokenError, SyntaxError):
        return None
    if len(tokens) != 1 or tokens[0].type != tokenize.STRING:
        return None
    return match.group(1), match.group(2)


def _requote(prefix: str, quote: str, value: str) -> str | None:
    """``value`` as a literal with ``prefix`` and ``quote``; None when it would need escapes
    that the literal's style cannot hold."""
    if any(c in value for c in ("\\", "\n", "\r", quote[0])):
        return None
    return f"{prefix}{quote}{value}{quote}"


# --------------------------------------------------------------------------------------------
# The module's structure, from ast


@dataclass
class _Module:
    """A module's tree. Builders run once per finding, so they find nodes by descending only
    into the nodes whose lines hold the place they look for (:meth:`spanning`), and what
    needs the whole tree is computed once per module, on first use."""

    tree: ast.Module
    text: str
    # bare name -> attributes read on it; how often it is read as ``name.attr``; as a Name
    _attrs: dict[str, set[str]] | None = None
    _attr_uses: dict[str, int] | None = None
    _name_uses: dict[str, int] | None = None
    _globals: set[str] | None = None

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def spanning(self, loc: Loc) -> list[tuple[ast.AST, tuple[ast.AST, ...]]]:
        """The nodes that span exactly ``loc``, each with its ancestors (the module first),
        in ``ast.walk`` order."""
        found: list[tuple[ast.AST, tuple[ast.AST, ...]]] = []
        todo: deque[tuple[ast.AST, tuple[ast.AST, ...]]] = deque([(self.tree, ())])
        while todo:  # breadth first, as ast.walk, skipping what cannot hold ``loc``
            node, above = todo.popleft()
            chain = (*above, node)
            for child in ast.iter_child_nodes(node):
                line = getattr(child, "lineno", None)
                if line is None:  # (arguments, comprehension, ...: no position of their own)
                    todo.append((child, chain))
                    continue
                end = getattr(child, "end_lineno", None) or line
                if line <= loc.line and end >= loc.end_line:
                    if line == loc.line and end == loc.end_line and _at(self, child, loc):
                        found.append((child, chain))
                    todo.append((child, chain))
        return found

    def attributes_read(self, name: str) -> frozenset[str] | None:
        """See :func:`attributes_read`."""
        if self._attrs is None or self._attr_uses is None or self._name_uses is None:
            attrs: dict[str, set[str]] = {}
            attr_uses: dict[str, int] = {}
            name_uses: dict[str, int] = {}
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Name):
                    name_uses[node.id] = name_uses.get(node.id, 0) + 1
                elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                    attrs.setdefault(node.value.id, set()).add(node.attr)
                    attr_uses[node.value.id] = attr_uses.get(node.value.id, 0) + 1
            self._attrs, self._attr_uses, self._name_uses = attrs, attr_uses, name_uses
        if self._name_uses.get(name, 0) != self._attr_uses.get(name, 0):
            return None  # a use of the name that is not ``name.attr``
        return frozenset(self._attrs.get(name, ()))

    @property
    def global_names(self) -> set[str]:
        """Names declared ``global`` anywhere."""
        if self._globals is None:
            self._globals = set()
            if "global" in self.text:  # (else no walk: the statement needs the word)
                for node in ast.walk(self.tree):
                    if isinstance(node, ast.Global):
                        self._globals.update(node.names)
        return self._globals


#: The last modules parsed (or shared by the analysis, see :func:`share_tree`), by text.
_MODULES: dict[str, _Module] = {}
_MODULES_KEPT = 2


@contextmanager
def shared_tree(analysis: Analysis) -> Iterator[None]:
    """While the rules run on ``analysis``, fix builders use its parse of the text instead of
    parsing it again (builders never change a tree); afterwards the tree is let go, so a
    file's tree never outlives its analysis."""
    if analysis.tree is None or analysis.text in _MODULES:
        yield
        return
    _keep(analysis.text, _Module(analysis.tree, analysis.text))
    try:
        yield
    finally:
        _MODULES.pop(analysis.text, None)


def _keep(text: str, mod: _Module) -> None:
    _MODULES.pop(text, None)
    while len(_MODULES) >= _MODULES_KEPT:
        del _MODULES[next(iter(_MODULES))]  # the oldest
    _MODULES[text] = mod


def _module(text: str) -> _Module | None:
    mod = _MODULES.get(text)
    if mod is not None:
        return mod
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    mod = _Module(tree, text)
    _keep(text, mod)
    return mod


def _column(mod: _Module, line: int, byte_col: int) -> int:
    """The 1-based character column of an ast (UTF-8 byte) column."""
    src = mod.lines[line - 1] if 0 < line <= len(mod.lines) else ""
    if src.isascii():
        return byte_col + 1
    return len(src.encode("utf-8")[:byte_col].decode("utf-8", "replace")) + 1


def _at(mod: _Module, node: ast.AST, loc: Loc) -> bool:
    """``node`` spans exactly ``loc``."""
    line, col = getattr(node, "lineno", None), getattr(node, "col_offset", None)
    end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
    if line != loc.line or end_line != loc.end_line or col is None or end_col is None:
        return False
    return (
        _column(mod, line, col) == loc.column and _column(mod, end_line, end_col) == loc.end_column
    )


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of names, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def insert_layer_before(text: str, entry: Loc, layer_src: str) -> Edit | None:
    """Insert the layer ``layer_src`` (code such as ``layers.Flatten()``) into a Sequential
    stack just before the entry at ``entry`` (a list element, or the argument of ``add()``).

    List form: ``Flatten(), `` before the element, or a line of its own, indented like it,
    when the elements are one per line. Add form: a ``model.add(Flatten())`` line above the
    ``model.add(...)`` statement, indented the same; not when that statement sits in a loop
    (the new layer would be added on every turn) or shares its line with other code.
    """
    mod = _module(text) if _valid(entry) else None
    if mod is None:
        return None
    for node, above in mod.spanning(entry):
        parent = above[-1]
        if isinstance(parent, (ast.List, ast.Tuple)):
            for index, elt in enumerate(parent.elts):
                if elt is node:
                    return _insert_in_list(text, mod, parent, index, entry, layer_src)
        elif (
            isinstance(parent, ast.Call)
            and isinstance(parent.func, ast.Attribute)
            and parent.func.attr == "add"
            and len(parent.args) == 1
            and parent.args[0] is node
            and not parent.keywords
            and len(above) >= 2
            and isinstance(above[-2], ast.Expr)
        ):
            return _insert_add(text, mod, above[-2], above[:-2], parent.func.value, layer_src)
    return None


def _insert_in_list(
    text: str, mod: _Module, node: ast.List | ast.Tuple, index: int, entry: Loc, layer_src: str
) -> Edit | None:
    at = offset(text, entry.line, entry.column)
    if at is None:
        return None
    before = mod.lines[entry.line - 1][: entry.column - 1]
    elt = node.elts[index]
    own_line = not before.strip()
    if own_line and index > 0:
        prev_end = getattr(node.elts[index - 1], "end_lineno", None)
        own_line = prev_end is not None and prev_end < elt.lineno
    if own_line:
        return _edit(text, at, at, f"{layer_src},\n{before}")
    return _edit(text, at, at, f"{layer_src}, ")


def _insert_add(
    text: str,
    mod: _Module,
    stmt: ast.Expr,
    above: tuple[ast.AST, ...],
    receiver: ast.expr,
    layer_src: str,
) -> Edit | None:
    """``above``: the statement's ancestors, the module first."""
    name = _dotted(receiver)
    if name is None:
        return None  # ``get_model().add(...)``: repeating the receiver would call it again
    line = mod.lines[stmt.lineno - 1]
    indent = line[: _column(mod, stmt.lineno, stmt.col_offset) - 1]
    if indent.strip():
        return None  # ``x = 1; model.add(...)`` or ``if c: model.add(...)``
    for parent in reversed(above):
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            break
        if isinstance(parent, (ast.For, ast.AsyncFor, ast.While)):
            return None
    at = offset(text, stmt.lineno, 1)
    if at is None:
        return None
    return _edit(text, at, at, f"{indent}{name}.add({layer_src})\n")


# --------------------------------------------------------------------------------------------
# Spelling Keras names the way the file does


# The canonical names each target can be reached by.
_SAME = {
    "keras.Input": ("keras.Input", "keras.layers.Input"),
}


class _Binding(NamedTuple):
    qualname: str  # canonical
    line: int
    once: bool = True  # bound by one import statement only


@lru_cache(maxsize=2)
def _bindings(text: str) -> tuple[dict[str, _Binding], dict[str, int]] | None:
    """Module-level names bound by imports (name -> canonical qualname, line), and the
    modules star-imported (module -> line). A name that is also bound otherwise at module
    level (assigned, defined, imported twice differently) is left out."""
    mod = _module(text)
    if mod is None:
        return None
    bound: dict[str, _Binding] = {}
    stars: dict[str, int] = {}
    other: set[str] = set()

    def bind(name: str, qualname: str, line: int) -> None:
        old = bound.get(name)
        if old is not None and old.qualname != qualname:
            other.add(name)
        elif old is None:
            bound[name] = _Binding(qualname, line)
        else:
            bound[name] = _Binding(qualname, old.line, once=False)

    def stored(node: ast.AST) -> None:
        """Names that ``node`` binds, without entering function and class bodies."""
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
                other.add(n.id)
            elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                other.add(n.name)
                stack.extend(n.decorator_list)
                continue
            elif isinstance(n, (ast.Import, ast.ImportFrom)):
                other.update((a.asname or a.name).split(".", 1)[0] for a in n.names)
            elif isinstance(n, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and n.name:
                other.add(n.name)
            stack.extend(ast.iter_child_nodes(n))

    def visit(stmts: list[ast.stmt]) -> None:
        for stmt in stmts:
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname:
                        bind(alias.asname, canonical(alias.name), stmt.lineno)
                    else:
                        top = alias.name.split(".", 1)[0]
                        bind(top, canonical(top), stmt.lineno)
            elif isinstance(stmt, ast.ImportFrom):
                if stmt.level or not stmt.module:
                    other.update(a.asname or a.name for a in stmt.names)
                    continue
                module = canonical(stmt.module)
                for alias in stmt.names:
                    if alias.name == "*":
                        stars.setdefault(module, stmt.lineno)
                    else:
                        bind(alias.asname or alias.name, f"{module}.{alias.name}", stmt.lineno)
            elif isinstance(stmt, ast.If):
                stored(stmt.test)
                visit(stmt.body)
                visit(stmt.orelse)
            elif isinstance(stmt, ast.Try):
                visit(stmt.body)
                visit(stmt.orelse)
                visit(stmt.finalbody)
                for handler in stmt.handlers:
                    if handler.name:
                        other.add(handler.name)
                    visit(handler.body)
            else:
                stored(stmt)

    visit(mod.tree.body)
    # ``global NAME`` in a function may rebind a module-level name
    if "global" in text:
        other.update(mod.global_names)
    return {k: v for k, v in bound.items() if k not in other}, stars


def keras_name(text: str, target: str, like: Loc | None = None, before: int = 0) -> str | None:
    """How the file can spell the Keras object ``target`` (a canonical name such as
    ``keras.layers.Flatten`` or ``keras.Input``) in code inserted at line ``before``.

    The prefix of the neighbouring call at ``like`` comes first (``layers.Dense`` ->
    ``layers.Flatten``, ``tf.keras.layers.Dense`` -> ``tf.keras.layers.Flatten``), then a
    name imported at module level: the object itself (``Flatten``), or a module it lives in
    (``keras.layers.Flatten``, ``tf.keras.Input``). None when nothing in the file binds it:
    a fix must never produce a NameError.
    """
    found = _bindings(text)
    if found is None:
        return None
    bound, stars = found
    if before:
        bound = {k: v for k, v in bound.items() if v.line < before}
        stars = {k: v for k, v in stars.items() if v < before}
    aliases = _SAME.get(target, (target,))
    last = target.rsplit(".", 1)[1]

    def resolve(dotted: str) -> str | None:
        head, _, rest = dotted.partition(".")
        b = bound.get(head)
        if b is None:
            return None
        return canonical(f"{b.qualname}.{rest}") if rest else b.qualname

    if like is not None:
        prefix = _callee_prefix(text, like)
        if prefix is not None and resolve(f"{prefix}.{last}") in aliases:
            return f"{prefix}.{last}"
    options: list[tuple[int, int, str]] = []
    for name, b in bound.items():
        for rank, alias in enumerate(aliases):
            spelled = None
            if b.qualname == alias:
                spelled = name
            elif alias.startswith(b.qualname + "."):
                spelled = name + alias[len(b.qualname) :]
            elif b.qualname == "tensorflow" and alias.startswith("keras."):
                spelled = f"{name}.{alias}"
            if spelled is not None and resolve(spelled) in aliases:
                options.append((spelled.count("."), rank, spelled))
    for rank, alias in enumerate(aliases):
        module, _, short = alias.rpartition(".")
        if module in stars and short not in bound:
            options.append((0, rank, short))
    return min(options)[2] if options else None


def _callee_prefix(text: str, call: Loc) -> str | None:
    """``layers`` for ``layers.Dense(...)``, ``tf.keras.layers`` for
    ``tf.keras.layers.Dense(...)``; None for a bare name or anything else."""
    snip = _call(text, call)
    if snip is None:
        return None
    func = snip.node.func
    if not isinstance(func, ast.Attribute):
        return None
    return _dotted(func.value)


@lru_cache(maxsize=2)
def _names(text: str) -> frozenset[str] | None:
    """Every name the module binds or reads anywhere (``*`` when it star-imports)."""
    mod = _module(text)
    if mod is None:
        return None
    names: set[str] = set()
    for node in ast.walk(mod.tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".", 1)[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
    return frozenset(names)


def import_keras_name(
    text: str, target: str, like: Loc, before: int = 0
) -> tuple[str, Edit] | None:
    """Make ``target`` (a canonical name such as ``keras.layers.Flatten``) usable by its bare
    name, for a file that imports the neighbouring call's class by its bare name: the name is
    added to that ``from ... import`` statement (``from keras.layers import Conv2D, Dense``
    -> ``..., Dense, Flatten``). Returns (the name, the edit), or None when that import is not
    a plain module-level one of the same module, or the name is used in the file already.
    """
    snip = _call(text, like)
    found = _bindings(text)
    mod = _module(text)
    if snip is None or found is None or mod is None or not isinstance(snip.node.func, ast.Name):
        return None
    binding = found[0].get(snip.node.func.id)
    module, _, short = target.rpartition(".")
    if (
        binding is None
        or not binding.once
        or (before and binding.line >= before)
        or binding.qualname.rpartition(".")[0] != module
    ):
        return None
    names = _names(text)
    if names is None or short in names or "*" in names:
        return None
    for stmt in mod.tree.body:  # module level, not under a condition
        if (
            isinstance(stmt, ast.ImportFrom)
            and stmt.lineno == binding.line
            and not stmt.level
            and stmt.module
            and canonical(stmt.module) == module
            and any((a.asname or a.name) == snip.node.func.id for a in stmt.names)
        ):
            last = stmt.names[-1]
            if last.end_lineno is None or last.end_col_offset is None:
                return None
            at = offset(text, last.end_lineno, _column(mod, last.end_lineno, last.end_col_offset))
            if at is None:
                return None
            return short, _edit(text, at, at, f", {short}")
    return None


# --------------------------------------------------------------------------------------------
# Import statements and names, for rewriting removed modules


def statement_at(text: str, loc: Loc) -> ast.Import | ast.ImportFrom | None:
    """The import statement that spans exactly ``loc``."""
    mod = _module(text) if _valid(loc) else None
    if mod is None:
        return None
    for node, _ in mod.spanning(loc):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return node
    return None


def call_at(text: str, loc: Loc) -> tuple[ast.Call, tuple[ast.AST, ...]] | None:
    """The call of the whole-text parse that spans exactly ``loc``, with its ancestors (the
    module first)."""
    mod = _module(text) if _valid(loc) else None
    if mod is None:
        return None
    for node, above in mod.spanning(loc):
        if isinstance(node, ast.Call):
            return node, above
    return None


def node_offsets(text: str, node: ast.AST) -> tuple[int, int] | None:
    """Text offsets of a node of the whole-text parse (an import alias, an expression)."""
    mod = _module(text)
    line, col = getattr(node, "lineno", None), getattr(node, "col_offset", None)
    end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
    if mod is None or line is None or col is None or end_line is None or end_col is None:
        return None
    start = offset(text, line, _column(mod, line, col))
    end = offset(text, end_line, _column(mod, end_line, end_col))
    return None if start is None or end is None else (start, end)


def replace_node(text: str, node: ast.AST, content: str) -> Edit | None:
    """Replace the source of ``node`` (of the whole-text parse) by ``content``."""
    found = node_offsets(text, node)
    return None if found is None else _edit(text, found[0], found[1], content)


_FROM = re.compile(r"from[ \t]+")


def replace_from_module(text: str, stmt: ast.ImportFrom, module: str) -> Edit | None:
    """``from old import x`` -> ``from module import x``: only the module's text changes
    (None when it is not written plainly, e.g. split over lines)."""
    found = node_offsets(text, stmt)
    if found is None or not stmt.module:
        return None
    start = found[0]
    match = _FROM.match(text, start)
    if match is None or not text.startswith(stmt.module, match.end()):
        return None
    after = match.end() + len(stmt.module)
    if after >= len(text) or text[after] not in " \t":
        return None
    return _edit(text, match.end(), after, module)


def attributes_read(text: str, name: str) -> frozenset[str] | None:
    """The attributes read on the bare name ``name`` anywhere in the module (``np_utils.
    to_categorical`` -> ``to_categorical``); None when ``name`` is also used otherwise than
    by attribute (passed, rebound, deleted), so its uses cannot all be judged."""
    mod = _module(text)
    return None if mod is None else mod.attributes_read(name)


def call_arguments(text: str, call: Loc) -> tuple[_Snippet, list[ast.AST]] | None:
    """The call at ``call`` and its arguments (positional ones, then keywords) in source
    order; None when it passes ``*args`` / ``**kwargs``."""
    snip = _call(text, call)
    if snip is None:
        return None
    node = snip.node
    if any(isinstance(a, ast.Starred) for a in node.args) or any(
        k.arg is None for k in node.keywords
    ):
        return None
    args: list[ast.AST] = [*node.args, *node.keywords]
    args.sort(key=lambda a: (a.lineno, a.col_offset))  # type: ignore[attr-defined]
    return snip, args


def delete_argument(text: str, snip: _Snippet, args: list[ast.AST], index: int) -> Edit:
    """Remove ``args[index]`` and the comma that separates it from its neighbour."""
    if index > 0:
        start, end = snip.end(args[index - 1]), snip.end(args[index])
    elif len(args) > 1:
        start, end = snip.start(args[0]), snip.start(args[1])
    else:
        start, end = snip.start(args[0]), snip.end(args[0])
    return _edit(text, start, end, "")


def replace_in_call(text: str, snip: _Snippet, first: ast.AST, last: ast.AST, new: str) -> Edit:
    """Replace the source from ``first`` to ``last`` (arguments of the call) by ``new``."""
    return _edit(text, snip.start(first), snip.end(last), new)


def comparison_with(text: str, call: Loc) -> ast.expr | None:
    """The other operand of ``call == X`` / ``X != call`` (a one-operator comparison whose
    one side is the call at ``call``), else None."""
    mod = _module(text) if _valid(call) else None
    if mod is None:
        return None
    for node, above in mod.spanning(call):
        parent = above[-1]
        if (
            isinstance(parent, ast.Compare)
            and len(parent.ops) == 1
            and isinstance(parent.ops[0], (ast.Eq, ast.NotEq))
        ):
            if parent.left is node:
                return parent.comparators[0]
            if parent.comparators[0] is node:
                return parent.left
    return None


def literal_with(
    text: str, node: ast.Constant, value: str, snip: _Snippet | None = None
) -> Edit | None:
    """Replace the string literal ``node`` (of the whole-text parse, or of ``snip``) by
    ``value`` in the same quotes."""
    if snip is not None:
        start, end = snip.start(node), snip.end(node)
    else:
        found = node_offsets(text, node)
        if found is None:
            return None
        start, end = found
    style = _literal(text[start:end])
    if style is None:
        return None
    literal = _requote(style[0], style[1], value)
    return None if literal is None else _edit(text, start, end, literal)
