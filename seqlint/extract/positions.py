"""Source positions of libcst nodes, computed in one code-generation pass.

libcst's ``MetadataWrapper(...).resolve(PositionProvider)`` gives the same ranges, but it
first runs a full visitor pass over the tree and then a code-generation pass with a
generator-based context manager per statement; on a typical file that costs 2-3x the parse
itself. This module runs the code-generation pass alone, with a state that records the
ranges as plain tuples keyed by ``id(node)`` (the caller keeps the module alive). The ranges
are those of :class:`libcst.metadata.PositionProvider`: syntactic, 1-based lines, 0-based
columns, end exclusive.
"""

from __future__ import annotations

import re
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

from seqlint.ir import NOWHERE, Loc

# (start line, start column, end line, end column): lines 1-based, columns 0-based
Range = tuple[int, int, int, int]

_NEWLINE = re.compile(r"\r\n?|\n")


class _Recorder:
    """The context manager of ``record_syntactic_position`` (a plain class: cheaper than
    :func:`contextlib.contextmanager`)."""

    __slots__ = ("state", "node", "start_node", "end_node", "line", "column")

    def __init__(
        self,
        state: _PositionState,
        node: cst.CSTNode,
        start_node: cst.CSTNode | None,
        end_node: cst.CSTNode | None,
    ) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node

    def __enter__(self) -> None:
        self.line = self.state.line
        self.column = self.state.column

    def __exit__(self, *exc: object) -> None:
        state = self.state
        computed = state.computed
        if self.start_node is not None:
            start = computed[id(self.start_node)]
            sl, sc = start[0], start[1]
        else:
            sl, sc = self.line, self.column
        if self.end_node is not None:
            end = computed[id(self.end_node)]
            el, ec = end[2], end[3]
        else:
            el, ec = state.line, state.column
        computed[id(self.node)] = (sl, sc, el, ec)


class _PositionState(CodegenState):
    """Tracks the line and column of the generated code and records each node's range."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.line = 1
        self.column = 0
        self.stack: list[tuple[int, int]] = []
        self.computed: dict[int, Range] = {}

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.stack.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        line, column = self.stack.pop()
        key = id(node)
        if key not in self.computed:  # a syntactic position recorded inside wins
            self.computed[key] = (line, column, self.line, self.column)

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Any:
        return _Recorder(self, node, start_node, end_node)


def positions(module: cst.Module) -> dict[int, Range]:
    """``id(node) -> (line, column, end_line, end_column)`` for every node of ``module``.

    May raise :class:`RecursionError` on absurdly nested code, like libcst's provider.
    """
    state = _PositionState(module)
    module._codegen(state)
    return state.computed


# --------------------------------------------------------------------------------------------
# Locating nodes for the interpreter


class PositionsUnavailable(Exception):
    """The position pass failed (code nested too deeply for it); nothing can be located."""


class Locator:
    """``loc(node)``: a node's :class:`~seqlint.ir.Loc`, from ranges computed up front."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._ranges: dict[int, Range] | None = None

    @property
    def ranges(self) -> dict[int, Range]:
        if self._ranges is None:
            try:
                self._ranges = positions(self.module)
            except RecursionError:
                raise PositionsUnavailable from None
        return self._ranges

    def loc(self, node: cst.CSTNode) -> Loc:
        return _loc(self.ranges.get(id(node)))


class LazyLocator(Locator):
    """Like :class:`Locator`, but the ranges are only computed when a location is first read:
    most files report nothing, and the position pass costs a third of a parse."""

    def loc(self, node: cst.CSTNode) -> Loc:
        return LazyLoc(self, id(node))


def _loc(r: Range | None) -> Loc:
    return NOWHERE if r is None else Loc(r[0], r[1] + 1, r[2], r[3] + 1)


class LazyLoc(Loc):
    """A :class:`~seqlint.ir.Loc` whose numbers are looked up when read. Reading one may
    raise :class:`PositionsUnavailable`."""

    __slots__ = ("_locator", "_key")
    _locator: Locator
    _key: int

    def __init__(self, locator: Locator, key: int) -> None:  # no Loc.__init__: nothing known
        object.__setattr__(self, "_locator", locator)
        object.__setattr__(self, "_key", key)

    def resolved(self) -> Loc:
        return _loc(self._locator.ranges.get(self._key))

    @property  # type: ignore[misc]
    def line(self) -> int:
        return self.resolved().line

    @property  # type: ignore[misc]
    def column(self) -> int:
        return self.resolved().column

    @property  # type: ignore[misc]
    def end_line(self) -> int:
        return self.resolved().end_line

    @property  # type: ignore[misc]
    def end_column(self) -> int:
        return self.resolved().end_column

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyLoc):
            other = other.resolved()
        return self.resolved() == other

    def __hash__(self) -> int:
        return hash(self.resolved())

    def __repr__(self) -> str:
        return f"Lazy{self.resolved()!r}"
