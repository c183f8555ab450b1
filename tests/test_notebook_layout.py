"""``--fix`` on a notebook changes only the JSON tokens of the fixed source lines: every other
byte (line endings, escapes, numbers, indentation, duplicated keys) stays as it was."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlint.check import check_source
from seqlint.diagnostics import Edit, Span
from seqlint.fix import NotebookDocument, fix_bytes

BAD = r'"opt = keras.optimizers.Adam(lr=0.1)\n"'
GOOD = r'"opt = keras.optimizers.Adam(learning_rate=0.1)\n"'


def fixed(raw: str) -> str:
    result = fix_bytes("nb.ipynb", raw.encode(), lambda s: check_source(s, select={"SEQ401"}))
    assert result.error is None and result.fixed == 1, result.error
    return (result.data or b"").decode()


NOTEBOOK = (
    "{\n"
    ' "cells": [\n'
    "  {\n"
    '   "cell_type": "markdown", "metadata": {"w": 1.0e5, "h": 1E-3, "x": 10.50},\n'
    '   "source": ["caf\\u00e9 \\/ path"]\n'
    "  },\n"
    "  {\n"
    '      "cell_type": "code",\n'
    '   "execution_count": null, "metadata": {"tags": []},\n'
    '   "outputs": [],\n'
    '   "source": [\n'
    '    "import keras  # caf\\u00e9 \\/\\n",\n'
    f"    {BAD},\n"
    '    "x = 1"\n'
    "   ]\n"
    "  }\n"
    " ],\n"
    ' "metadata": {"kernelspec": {"language": "python"}, "kernelspec": {"language": "python"}},\n'
    ' "nbformat": 4,\n'
    ' "nbformat_minor": 5\n'
    "}"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_only_the_fixed_line_changes(newline: str) -> None:
    """CRLF, ``\\u00e9``, ``\\/``, ``1.0e5``, uneven indentation, a duplicated key: all kept."""
    raw = NOTEBOOK.replace("\n", newline)
    assert fixed(raw) == raw.replace(BAD, GOOD)


def test_a_source_given_as_one_string() -> None:
    cell = {"cell_type": "code", "source": "import keras\nopt = keras.optimizers.Adam(lr=0.1)\n"}
    raw = '{"cells": [' + json.dumps(cell) + '], "metadata": {"a": 1.5E+3}}\n'
    out = fixed(raw)
    assert out == raw.replace("Adam(lr=", "Adam(learning_rate=")


def test_a_one_element_source_and_nbformat_3() -> None:
    raw = (
        '{"nbformat": 3, "worksheets": [{"cells": [\n'
        '  {"cell_type": "code", "input": ["import keras\\n"]},\n'
        '  {"cell_type": "code", "input": [' + BAD + "]}\n"
        "]}]}"
    )
    assert fixed(raw) == raw.replace(BAD, GOOD)


def test_non_ascii_is_written_as_the_file_writes_it() -> None:
    """A file with raw UTF-8 gets raw UTF-8 in the new line; an ASCII-only one gets escapes."""
    line = "opt = keras.optimizers.Adam(lr=0.1)  # é\n"
    for ensure_ascii in (True, False):
        cell = {"cell_type": "code", "source": ["import keras\n", line]}
        raw = json.dumps({"cells": [cell]}, indent=1, ensure_ascii=ensure_ascii)
        new_line = json.dumps(line.replace("lr=", "learning_rate="), ensure_ascii=ensure_ascii)
        assert fixed(raw) == raw.replace(json.dumps(line, ensure_ascii=ensure_ascii), new_line)


TEXT = st.text(st.sampled_from('ab é/\\"\t€'), max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    before=st.lists(TEXT, max_size=3),
    indent=st.sampled_from([None, 1, 2, 4, "\t"]),
    ensure_ascii=st.booleans(),
    crlf=st.booleans(),
    as_list=st.booleans(),
    number=st.sampled_from([1.0e5, 0.1, 12, -3.5e-7]),
)
def test_any_layout_is_kept(
    before: list[str],
    indent: int | str | None,
    ensure_ascii: bool,
    crlf: bool,
    as_list: bool,
    number: float,
) -> None:
    lines = ["import keras\n", *(f"s = {t!r}\n" for t in before)]
    bad = "opt = keras.optimizers.Adam(lr=0.1)\n"
    source: str | list[str] = [*lines, bad] if as_list else "".join([*lines, bad])
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {"n": number}, "source": before},
            {"cell_type": "code", "metadata": {}, "outputs": [], "source": source},
        ],
        "metadata": {"note": "".join(before)},
    }
    raw = json.dumps(nb, indent=indent, ensure_ascii=ensure_ascii)
    if crlf:
        raw = raw.replace("\n", "\r\n")
    good = bad.replace("lr=", "learning_rate=")
    if as_list:
        want = raw.replace(json.dumps(bad), json.dumps(good))
    else:
        old = json.dumps("".join([*lines, bad]), ensure_ascii=ensure_ascii)
        new = json.dumps("".join([*lines, good]), ensure_ascii=raw.isascii())
        want = raw.replace(old, new)
    assert fixed(raw) == want


def test_a_lone_surrogate_on_the_fixed_line_stays_an_escape() -> None:
    raw = (
        '{"cells": [{"cell_type": "code", "source": ["import keras  # \u00e9\\n", '
        '"opt = keras.optimizers.Adam(lr=0.1)  # \\ud800\\n"]}]}'
    )
    doc = NotebookDocument.from_bytes("nb.ipynb", raw.encode())
    new = doc.apply([Edit(Span(2, 29, 2, 31, cell=1), "learning_rate")])
    assert new.to_bytes().decode() == raw.replace("lr=", "learning_rate=")
