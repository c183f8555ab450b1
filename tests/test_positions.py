"""Source positions: CPython's ``ast`` ranges, with byte columns turned into characters."""

from __future__ import annotations

import ast
import re
import sysconfig
from pathlib import Path

from conftest import ROOT

import seqlint.rules  # noqa: F401  (registers the rules)
from seqlint.check import check_source
from seqlint.extract.positions import Locator
from seqlint.ir import Loc
from seqlint.sources import SourceFile, read_source


def sample_texts() -> list[str]:
    stdlib = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[::30]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in stdlib]
    texts += [read_source(p).text for p in sorted((ROOT / "fixtures").rglob("*.*"))]
    texts += [
        "x = 1\r\ny = (\n  2,\n)\n",
        "def f():\n\tif x:\n\t\treturn {'a': [1, 2]}\n",
        "s = 'é€𝄞'; t = [s, 'ü' + s]\nu = f'{s!r:>{len(t)}}' + \"ß\"\n",
        "",
    ]
    return texts


def _slice(lines: list[str], loc: Loc) -> str:
    if loc.line == loc.end_line:
        return lines[loc.line - 1][loc.column - 1 : loc.end_column - 1]
    parts = [lines[loc.line - 1][loc.column - 1 :], *lines[loc.line : loc.end_line - 1]]
    return "\n".join([*parts, lines[loc.end_line - 1][: loc.end_column - 1]])


def test_every_expression_location_slices_out_that_expression() -> None:
    """For every expression of many files (non-ASCII ones included), the text at its location
    parses back to the same expression: the columns count characters exactly."""
    checked = 0
    for text in sample_texts():
        locator = Locator(text)
        lines = re.split(r"\r\n?|\n", text)
        tree = ast.parse(text)
        # (the parts of an f-string have no exact positions before Python 3.12)
        inside = {
            id(n)
            for f in ast.walk(tree)
            if isinstance(f, ast.JoinedStr)
            for n in ast.walk(f)
            if n is not f
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.expr) or isinstance(node, (ast.Starred, ast.Slice)):
                continue
            if id(node) in inside:
                continue
            piece = _slice(lines, locator.loc(node))
            try:
                parsed = ast.parse("(" + piece + "\n)", mode="eval").body
            except SyntaxError:  # (a generator expression's own parentheses are outside it)
                parsed = ast.parse("(" + piece + ")", mode="eval").body
            assert ast.unparse(parsed) == ast.unparse(node), piece
            checked += 1
    assert checked > 10_000


def test_columns_count_characters_not_bytes() -> None:
    text = 'name = "é€"; model = keras.Sequential()\n'
    node = ast.parse(text).body[1].value  # type: ignore[attr-defined]
    assert Locator(text).loc(node) == Loc(1, 22, 1, 40)
    assert text[21:39] == "keras.Sequential()"


def test_a_finding_after_non_ascii_text_is_at_its_character_column() -> None:
    def found(note: str) -> list[tuple[str, int, int]]:
        text = (
            "from keras import Sequential\nfrom keras.layers import Dense\n"
            f'note = "{note}"; model = Sequential([Dense(1, activation="softmax")])\n'
            'model.compile(loss="binary_crossentropy")\n'
        )
        return [
            (d.code, d.span.line, d.span.column) for d in check_source(SourceFile("a.py", text))
        ]

    plain = found("ab")
    assert "SEQ201" in [code for code, _, _ in plain]
    assert found("é𝄞") == plain  # same characters, 5 bytes more: columns count characters
