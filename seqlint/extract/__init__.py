"""From source text to :class:`~seqlint.ir.FileIR`, without importing or running anything."""

from __future__ import annotations

import libcst as cst

from seqlint.extract.interp import Interpreter
from seqlint.extract.names import mark_guessed
from seqlint.extract.positions import LazyLocator, Locator, PositionsUnavailable
from seqlint.ir import FileIR


def parse(text: str) -> cst.Module:
    """Parse Python source; raises :class:`libcst.ParserSyntaxError` on invalid code."""
    return cst.parse_module(text)


def extract(module: cst.Module, lazy_positions: bool = False) -> FileIR:
    """Every Sequential model of a parsed module, with its compile/fit calls and data.

    With ``lazy_positions`` source positions are computed when a location is first read
    (reading one may then raise :class:`PositionsUnavailable`); otherwise up front.
    """
    if lazy_positions:
        return mark_guessed(Interpreter(module, LazyLocator(module)).run())
    locator = Locator(module)
    try:
        locator.ranges  # noqa: B018  (computed now)
    except PositionsUnavailable:
        # the position pass recurses once per nesting level; a generated file with
        # thousands of nested nodes is nothing we can analyse, and no reason to crash
        return FileIR()
    return mark_guessed(Interpreter(module, locator).run())


def extract_text(text: str) -> FileIR:
    return extract(parse(text))
