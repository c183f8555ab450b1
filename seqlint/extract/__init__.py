"""From source text to :class:`~seqlint.ir.FileIR`, without importing or running anything."""

from __future__ import annotations

import libcst as cst

from seqlint.extract.interp import Interpreter
from seqlint.extract.positions import positions
from seqlint.ir import FileIR


def parse(text: str) -> cst.Module:
    """Parse Python source; raises :class:`libcst.ParserSyntaxError` on invalid code."""
    return cst.parse_module(text)


def extract(module: cst.Module) -> FileIR:
    """Every Sequential model of a parsed module, with its compile/fit calls and data."""
    try:
        ranges = positions(module)
    except RecursionError:
        # the position pass recurses once per nesting level; a generated file with
        # thousands of nested nodes is nothing we can analyse, and no reason to crash
        return FileIR()
    return Interpreter(module, ranges).run()


def extract_text(text: str) -> FileIR:
    return extract(parse(text))
