"""# noqa on a line, # seqlint: noqa for a file, in .py files and notebooks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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


# --- noqa hygiene: unknown codes, unused directives, --add-noqa ---------------------------------

HYGIENE = """\
import keras
from keras import layers

a = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])  # noqa: SEQ101
b = keras.Sequential([layers.Dense(1)])  # noqa: SEQ120, E501
c = keras.Sequential([layers.Dense(1)])  # keep this  # noqa: SEQ101, SEQ102 why
d = keras.Sequential([layers.Dense(1)])  # noqa
"""


def _cli(*args: str) -> Any:
    from click.testing import CliRunner

    from seqlint.cli import cli

    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, ["check", "--no-cache", *args])


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _codes(out: str) -> list[tuple[int, str]]:
    return [
        (int(line.split(":")[1]), line.split()[1]) for line in out.splitlines() if ": SEQ" in line
    ]


def test_unknown_codes_in_noqa_are_reported_with_a_hint(in_tmp: Path) -> None:
    (in_tmp / "m.py").write_text(HYGIENE)
    result = _cli("m.py", "--output-format", "concise")
    assert result.exit_code == 0  # SEQ901 is a warning
    # the typo is reported, and the finding it meant to silence is not silenced; E501 is
    # another tool's code and is left alone
    assert _codes(result.stdout) == [(5, "SEQ101"), (5, "SEQ901")]
    assert "names SEQ120, which is not a seqlint rule (did you mean SEQ102?)" in result.stdout


def test_unused_noqa_is_opt_in_and_its_fix_removes_what_is_unused(in_tmp: Path) -> None:
    path = in_tmp / "m.py"
    path.write_text(HYGIENE)
    assert "SEQ902" not in _cli("m.py").stdout
    result = _cli("m.py", "--extend-select", "SEQ902", "--output-format", "concise")
    assert [c for c in _codes(result.stdout) if c[1] == "SEQ902"] == [(4, "SEQ902"), (6, "SEQ902")]
    assert "SEQ902 [*] unused `noqa` directive (nothing reported here: SEQ101)" in result.stdout
    _cli("m.py", "--extend-select", "SEQ902", "--fix")
    lines = path.read_text().splitlines()
    assert lines[3] == "a = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])"
    assert lines[5] == "c = keras.Sequential([layers.Dense(1)])  # keep this  # noqa: SEQ101 why"
    assert lines[6].endswith("# noqa")  # blanket noqa: other linters read it too
    assert "SEQ902" not in _cli("m.py", "--extend-select", "SEQ902").stdout


def test_add_noqa_silences_every_current_finding(in_tmp: Path) -> None:
    path = in_tmp / "m.py"
    path.write_text(HYGIENE)
    (in_tmp / "cnn.py").write_text(
        "import keras\nfrom keras import layers\n\nm = keras.Sequential([\n"
        "    keras.Input(shape=(28, 28, 1)),\n    layers.Conv2D(8, 3),\n"
        '    layers.Dense(10, activation="softmax"),  # the head\n])\n'
    )
    assert _cli(".").exit_code == 1
    result = _cli(".", "--add-noqa")
    assert result.exit_code == 0
    assert result.stderr.strip().endswith("Added 2 noqa directives.")
    assert "# noqa: SEQ120, E501, SEQ101, SEQ901" in path.read_text()
    assert '"softmax"),  # the head  # noqa: SEQ102' in (in_tmp / "cnn.py").read_text()
    assert "All checks passed!" in _cli(".").stdout
    assert _cli(".", "--add-noqa").stderr.strip().endswith("Added 0 noqa directives.")


def test_add_noqa_in_a_notebook_and_not_inside_a_string(in_tmp: Path) -> None:
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"language_info": {"name": "python"}},
        "cells": [
            {"cell_type": "code", "metadata": {}, "source": ["import keras\n"]},
            {
                "cell_type": "code",
                "metadata": {},
                "source": ['s = """\n', 'x""" + str(keras.Sequential([keras.layers.Dense(1)]))'],
            },
        ],
    }
    path = in_tmp / "nb.ipynb"
    path.write_text(json.dumps(nb))
    assert _cli("nb.ipynb", "--add-noqa").exit_code == 0
    cell = json.loads(path.read_text())["cells"][1]["source"]
    assert cell[0] == 's = """\n'  # the string is untouched
    assert cell[1].endswith("# noqa: SEQ101")
    assert "All checks passed!" in _cli("nb.ipynb").stdout


def test_add_noqa_refuses_fix_and_stdin(in_tmp: Path) -> None:
    result = _cli("-", "--add-noqa")
    assert result.exit_code == 2 and "--add-noqa cannot be combined" in result.stderr


def test_add_noqa_in_a_notebook_with_a_broken_cell_elsewhere(in_tmp: Path) -> None:
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"language_info": {"name": "python"}},
        "cells": [
            {"cell_type": "code", "metadata": {}, "source": "import keras\n"},
            {"cell_type": "code", "metadata": {}, "source": 'print "python 2"\n'},
            {
                "cell_type": "code",
                "metadata": {},
                "source": "m = keras.Sequential([keras.layers.Dense(1)])",
            },
        ],
    }
    path = in_tmp / "nb.ipynb"
    path.write_text(json.dumps(nb))
    result = _cli("nb.ipynb", "--add-noqa")
    assert result.exit_code == 0, result.stderr
    assert json.loads(path.read_text())["cells"][2]["source"].endswith("# noqa: SEQ101")
