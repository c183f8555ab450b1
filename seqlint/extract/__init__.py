"""From source text to :class:`~seqlint.ir.FileIR`, without importing or running anything."""

from __future__ import annotations

import ast

from seqlint.extract.interp import Interpreter
from seqlint.extract.names import mark_guessed
from seqlint.extract.positions import Locator
from seqlint.ir import FileIR


class Parsed:
    """A parsed module together with the text its positions refer to."""

    __slots__ = ("tree", "text")

    def __init__(self, tree: ast.Module, text: str) -> None:
        self.tree = tree
        self.text = text


def parse(text: str) -> Parsed:
    """Parse Python source with CPython's parser; raises :class:`SyntaxError` on invalid
    code (also for nesting CPython refuses, see :func:`seqlint.extract.guard.parse`)."""
    from seqlint.extract.guard import parse as guarded_parse

    return Parsed(guarded_parse(text), text)


def extract(parsed: Parsed, lazy_positions: bool = False) -> FileIR:
    """Every Sequential model of a parsed module, with its compile/fit calls and data.

    (``lazy_positions`` is accepted for compatibility: ``ast`` positions cost nothing.)
    """
    return mark_guessed(Interpreter(parsed.tree, Locator(parsed.text)).run())


def extract_text(text: str) -> FileIR:
    return extract(parse(text))
