"""# noqa on a line, # seqlint: noqa for a file, in .py files and notebooks."""

from __future__ import annotations

import json

import pytest

from seqlint.diagnostics import Diagnostic, Span
from seqlint.noqa import apply_noqa, build_index, comments
from seqlint.sources import SourceFile, notebook_from_json, source_from_text

NAMES = {"missing-flatten": "SEQ102", "missing-input-shape": "SEQ101"}


def resolve(token: str) -> str | None:
    if token.lower() in NAMES:
        return NAMES[token.lower()]
    return token.upper() if token[:3].upper() == "SEQ" else None


def diag(code: str, line: int, end_line: int | None = None, cell: int | None = None) -> Diagnostic:
    return Diagnostic(
        code=code,
        name="x",
        message="m",
        severity="error",
        span=Span(line, 1, end_line or line, 5, cell=cell),
    )


def kept(src: SourceFile, diags: list[Diagnostic]) -> list[tuple[str, int]]:
    return [(d.code, d.span.line) for d in apply_noqa(src, diags, resolve)]


TEXT = """\
import keras
a = 1  # noqa
b = 2  # noqa: SEQ101
c = 3  # NOQA:SEQ101,SEQ102
d = 4  # noqa: missing-flatten explained here
e = "# noqa"
f = 5  # noqa: E501
g = 6
"""


@pytest.mark.parametrize(
    ("code", "line", "suppressed"),
    [
        ("SEQ101", 2, True),
        ("SEQ102", 2, True),
        ("SEQ101", 3, True),
        ("SEQ102", 3, False),
        ("SEQ102", 4, True),
        ("SEQ102", 5, True),
        ("SEQ101", 5, False),
        ("SEQ101", 6, False),  # inside a string, not a comment
        ("SEQ101", 7, False),  # another tool's code
        ("SEQ101", 8, False),
        ("SEQ001", 2, False),  # syntax errors cannot be silenced
    ],
)
def test_line_noqa(code: str, line: int, suppressed: bool) -> None:
    src = source_from_text("m.py", TEXT)
    assert (kept(src, [diag(code, line)]) == []) is suppressed


def test_noqa_on_last_line_of_a_multiline_finding() -> None:
    src = source_from_text("m.py", "model = Sequential([\n    Dense(3),\n])  # noqa: SEQ101\n")
    assert kept(src, [diag("SEQ101", 1, end_line=3)]) == []
    assert kept(src, [diag("SEQ102", 1, end_line=3)]) == [("SEQ102", 1)]


def test_file_level_noqa() -> None:
    src = source_from_text("m.py", "import keras\n# seqlint: noqa\nx = 1\n")
    assert kept(src, [diag("SEQ101", 1), diag("SEQ102", 3), diag("SEQ001", 3)]) == [("SEQ001", 3)]
    src = source_from_text("m.py", "import keras\n  #  SEQLINT: NOQA: SEQ102\nx = 1\n")
    assert kept(src, [diag("SEQ101", 1), diag("SEQ102", 3)]) == [("SEQ101", 1)]


def test_file_level_noqa_must_be_on_its_own_line() -> None:
    src = source_from_text("m.py", "x = 1  # seqlint: noqa\ny = 2\n")
    assert kept(src, [diag("SEQ101", 2)]) == [("SEQ101", 2)]


def test_noqa_in_notebook_cell() -> None:
    nb = {
        "nbformat": 4,
        "metadata": {},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# t"},
            {"cell_type": "code", "metadata": {}, "source": "import keras\nx = 1"},
            {"cell_type": "code", "metadata": {}, "source": "%time y = 2\nz = 3  # noqa: SEQ101"},
        ],
    }
    src = notebook_from_json("nb.ipynb", json.dumps(nb))
    diags = [diag("SEQ101", 2, cell=2), diag("SEQ101", 2, cell=3)]
    assert [(d.span.cell, d.span.line) for d in apply_noqa(src, diags, resolve)] == [(2, 2)]


def test_untokenizable_text_falls_back_to_line_scan() -> None:
    text = 'x = (1,  # noqa: SEQ101\ns = "#"  # noqa\n'  # unclosed bracket
    assert [(n, c) for n, c, _ in comments(text)] == [(1, "# noqa: SEQ101"), (2, "# noqa")]
    index = build_index(text, resolve)
    assert index.lines == {1: frozenset({"SEQ101"}), 2: None}


def test_no_noqa_is_cheap() -> None:
    index = build_index("x = 1\n" * 1000, resolve)
    assert not index.lines and not index.file_all
