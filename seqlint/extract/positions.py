"""Source positions of :mod:`ast` nodes, in characters.

CPython records ``lineno``/``end_lineno`` (1-based) and ``col_offset``/``end_col_offset``
(0-based, **UTF-8 bytes**) on every expression and statement. Findings, fixes and editors
count characters, so a column is converted to characters on lines that are not ASCII; on
ASCII text (nearly all source) bytes are characters and nothing is converted.
"""

from __future__ import annotations

import ast
import re

from seqlint.ir import NOWHERE, Loc

_NEWLINE = re.compile(r"\r\n?|\n")


class PositionsUnavailable(Exception):
    """Nothing can be located (kept for callers that guard against it; the ``ast`` positions
    are always there)."""


class Locator:
    """``loc(node)``: a node's :class:`~seqlint.ir.Loc` (1-based lines and character
    columns, end exclusive + 1 as everywhere in seqlint)."""

    __slots__ = ("text", "ascii", "_lines", "_text_lines")

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        self._lines: list[bytes] | None = None
        self._text_lines: list[str] | None = None

    def column(self, line: int, byte_col: int) -> int:
        """The 0-based character column of a 0-based UTF-8 byte column of ``line``."""
        if self.ascii:
            return byte_col
        if self._lines is None:
            # the tokenizer's own line breaks (\r\n, \r, \n), as ast counts lines
            self._lines = [s.encode("utf-8", "surrogatepass") for s in _NEWLINE.split(self.text)]
        if not 1 <= line <= len(self._lines):
            return byte_col
        raw = self._lines[line - 1]
        if raw.isascii():
            return byte_col
        return len(raw[:byte_col].decode("utf-8", "replace"))

    def loc(self, node: ast.AST) -> Loc:
        line = getattr(node, "lineno", None)
        if line is None:
            return NOWHERE
        end_line = node.end_lineno or line  # type: ignore[attr-defined]
        col, end_col = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
        if end_col is None:
            end_col = col
        if not self.ascii:
            col, end_col = self.column(line, col), self.column(end_line, end_col)
        return Loc(line, col + 1, end_line, end_col + 1)

    def _split(self) -> list[str]:
        if self._text_lines is None:
            self._text_lines = _NEWLINE.split(self.text)
        return self._text_lines

    def source(self, node: ast.AST) -> str:
        """The lines ``node`` spans (whole lines: enough to look for a word in)."""
        line = getattr(node, "lineno", 0)
        end = getattr(node, "end_lineno", None) or line
        return "\n".join(self._split()[max(line - 1, 0) : end])

    def head(self, node: ast.AST) -> Loc:
        """The first line of ``node`` (a statement's header: ``for x in y:``), where a
        finding about the whole statement is reported."""
        loc = self.loc(node)
        if loc.end_line == loc.line:
            return loc
        lines = self._split()
        line = lines[loc.line - 1] if loc.line <= len(lines) else ""
        return Loc(loc.line, loc.column, loc.line, max(len(line.rstrip()) + 1, loc.column))
