"""Reading .py files and notebooks into one Python text with a location map."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seqlint.ipython_syntax import transform_cell
from seqlint.sources import (
    SourceError,
    notebook_from_json,
    read_source,
    source_from_bytes,
    source_from_text,
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def notebook(cells: list[dict[str, Any]], **metadata: Any) -> dict[str, Any]:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells}


def code(source: str | list[str], **metadata: Any) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "metadata": metadata,
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


def markdown(source: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


# --- .py files -----------------------------------------------------------------------------


def test_utf8_default(tmp_path: Path) -> None:
    src = read_source(write(tmp_path, "a.py", "x = 'é'\n".encode()))
    assert src.text == "x = 'é'\n"
    assert not src.is_notebook
    assert src.encoding == "utf-8"


def test_bom_is_dropped(tmp_path: Path) -> None:
    src = read_source(write(tmp_path, "a.py", b"\xef\xbb\xbfimport keras\n"))
    assert src.text == "import keras\n"


def test_coding_cookie(tmp_path: Path) -> None:
    data = "# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1")
    src = read_source(write(tmp_path, "a.py", data))
    assert "café" in src.text
    assert src.encoding == "iso-8859-1"


def test_unknown_coding_is_source_error(tmp_path: Path) -> None:
    p = write(tmp_path, "a.py", b"#!/usr/bin/env python\n# coding: klingon\nx = 1\n")
    with pytest.raises(SourceError) as exc:
        read_source(p)
    assert "klingon" in exc.value.message
    assert exc.value.line == 2


def test_undecodable_bytes_give_location(tmp_path: Path) -> None:
    p = write(tmp_path, "a.py", b"x = 1\ny = '\xff'\n")
    with pytest.raises(SourceError) as exc:
        read_source(p)
    err = exc.value
    assert (err.line, err.column) == (2, 6)
    assert "0xff" in err.message
    assert "\n" not in err.message


def test_binary_file(tmp_path: Path) -> None:
    p = write(tmp_path, "a.py", b"\x7fELF\x02\x01\x00\x00")
    with pytest.raises(SourceError, match="binary"):
        read_source(p)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read"):
        read_source(tmp_path / "nope.py")
    with pytest.raises(SourceError, match="directory"):
        read_source(tmp_path)


def test_crlf_and_cr_are_normalised(tmp_path: Path) -> None:
    src = read_source(write(tmp_path, "a.py", b"a = 1\r\nb = 2\r\n"))
    assert src.text == "a = 1\nb = 2\n"
    assert src.newline == "\r\n"
    src = read_source(write(tmp_path, "b.py", b"a = 1\rb = 2\r"))
    assert src.text == "a = 1\nb = 2\n"
    assert src.newline == "\r"


def test_source_from_text() -> None:
    src = source_from_text("-", "import keras\n")
    assert src.path == "-"
    assert src.text == "import keras\n"
    assert src.line_text(1) == "import keras"
    assert src.line_text(99) == ""


# --- notebooks -----------------------------------------------------------------------------


def test_notebook_cells_and_numbers(tmp_path: Path) -> None:
    nb = notebook(
        [
            markdown("# Title"),
            code(["import keras\n", "from keras import layers\n"]),
            markdown("text"),
            code("model = keras.Sequential()\nmodel.add(layers.Dense(3))"),
            {"cell_type": "raw", "metadata": {}, "source": "raw"},
            code(""),
            code("x = 1\n"),
        ]
    )
    src = read_source(write(tmp_path, "nb.ipynb", json.dumps(nb).encode()))
    assert src.is_notebook
    assert src.cell_numbers == [2, 4, 6, 7]
    # A cell's source "a\n" is two lines in Jupyter (the second empty): kept so.
    assert src.cell_starts == [1, 4, 6, 7]
    assert src.text == (
        "import keras\nfrom keras import layers\n\n"
        "model = keras.Sequential()\nmodel.add(layers.Dense(3))\n\nx = 1\n\n"
    )
    assert src.locate(5) == (4, 2)
    assert src.text_line(2, cell=4) == 5
    assert src.line_text(2, cell=4) == "model.add(layers.Dense(3))"
    assert src.line_text(1, cell=7) == "x = 1"
    assert src.cell_lines(4) == (4, 5)
    span = src.span(5, 11, 5, 26)
    assert (span.cell, span.line, span.column) == (4, 2, 11)


def test_notebook_magics_keep_line_numbers() -> None:
    nb = notebook(
        [
            code("%matplotlib inline\n!pip install keras\nimport keras\nfiles = !ls\n"),
            code("%%bash\necho hi\nls\n"),
            code("%%time\nmodel.fit(x, y)\n"),
            code("model.summary?\n?keras.Sequential\ny = (a\n     % b)\nz = (c\n  != d)\n"),
        ]
    )
    src = notebook_from_json("nb.ipynb", json.dumps(nb))
    assert src.text.split("\n") == [
        *["pass", "pass", "import keras", "files = get_ipython()", ""],
        *["", "", "", ""],
        *["", "model.fit(x, y)", ""],
        *["pass", "pass", "y = (a", "     % b)", "z = (c", "  != d)", ""],
        "",
    ]
    assert src.cell_starts == [1, 6, 10, 13]
    compile(src.text, "nb", "exec")  # what remains is Python


def test_magic_continuation_and_strings() -> None:
    lines = ["!echo a \\", "  b", 'doc = """', "%not a magic", '"""', "%magic"]
    assert transform_cell(lines).lines == ["pass", "", 'doc = """', "%not a magic", '"""', "pass"]


def test_notebook_skips_non_python_cells_and_kernels() -> None:
    nb = notebook(
        [
            code("SELECT 1", vscode={"languageId": "sql"}),
            code("import keras"),
            code("#r nuget", dotnet_interactive={"language": "csharp"}),
            code("x", polyglot_notebook={"kernelName": "fsharp"}),
            code("SELECT 2", language="sql", collapsed=True),
            code("y = 1", language="python", scrolled=False),
        ]
    )
    src = notebook_from_json("nb.ipynb", json.dumps(nb))
    assert src.cell_numbers == [2, 6]
    assert src.text == "import keras\ny = 1\n"

    r_nb = notebook([code("library(keras)")], kernelspec={"language": "R", "name": "ir"})
    src = notebook_from_json("r.ipynb", json.dumps(r_nb))
    assert src.text == ""
    assert src.cell_starts == []


def test_nbformat3_notebook() -> None:
    nb = {
        "nbformat": 3,
        "metadata": {},
        "worksheets": [{"cells": [{"cell_type": "code", "input": ["a = 1\n", "b = 2"]}]}],
    }
    src = notebook_from_json("old.ipynb", json.dumps(nb))
    assert src.text == "a = 1\nb = 2\n"


def test_broken_notebook_json(tmp_path: Path) -> None:
    p = write(tmp_path, "nb.ipynb", b'{"cells": [\n  {"cell_type": "code",,}]}')
    with pytest.raises(SourceError) as exc:
        read_source(p)
    assert exc.value.message.startswith("invalid notebook JSON")
    assert exc.value.line == 2


@pytest.mark.parametrize(
    "data",
    [
        b"[]",
        b'{"metadata": {}}',
        b'{"cells": [1]}',
        b'{"cells": [{"cell_type": "code", "source": 3}]}',
        b'{"cells": [{"cell_type": "code", "source": ["a = 1\\n", 2]}]}',
    ],
)
def test_not_a_notebook(data: bytes) -> None:
    with pytest.raises(SourceError, match="not a Jupyter notebook"):
        source_from_bytes("x.ipynb", data)


def test_notebook_from_text_dispatches_on_name() -> None:
    src = source_from_text("x.ipynb", json.dumps(notebook([code("a = 1")])))
    assert src.is_notebook and src.text == "a = 1\n"


@given(
    st.lists(st.lists(st.sampled_from(["a = 1", "", "b = (2,", "  3)"]), max_size=5), max_size=6)
)
def test_cell_locations_round_trip(cells: list[list[str]]) -> None:
    nb = notebook([code("\n".join(lines)) for lines in cells])
    src = notebook_from_json("nb.ipynb", json.dumps(nb))
    for number, lines in enumerate(cells, start=1):
        for i, line in enumerate(lines or [""], start=1):
            n = src.text_line(i, cell=number)
            assert src.locate(n) == (number, i)
            assert src.display_line(n) == line


def test_automagic_lines_are_magics_but_python_using_the_same_names_is_not() -> None:
    """IPython runs ``pip install keras`` (no ``!``) as the ``%pip`` magic in notebooks."""
    for magic in ["pip install keras", "cd /content/drive", "matplotlib inline", "ls -la"]:
        assert transform_cell([magic, ""]).lines == ["pass", ""]
    # only a cell of one line is automagic (IPython's prefilter), and never an assignment
    for code in (["x = 1", "ls ./data/"], ["time = 3"], ["rm , 2"], ["print(x)"]):
        assert transform_cell(code).lines == code
    assert transform_cell(["ls ./data/"], shadowed=lambda name: name == "ls").lines == [
        "ls ./data/"
    ]


def test_a_cell_ipython_dedents_is_analysed_with_the_user_s_columns_and_no_fix() -> None:
    import json

    from seqlint.check import check_source
    from seqlint.sources import source_from_bytes

    cells = [
        [" from keras.models import Sequential\n", " from keras.layers import Dense, Conv2D\n"],
        [
            "  model = Sequential()\n",
            "  model.add(Conv2D(8, 3, input_shape=(28, 28, 1)))\n",
            "  model.add(Dense(10, activation='softmax'))\n",
        ],
    ]
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": c} for c in cells],
    }
    src = source_from_bytes("nb.ipynb", json.dumps(nb).encode())
    (diag,) = check_source(src, select={"SEQ102"})
    assert (diag.name, diag.span.cell, diag.span.line, diag.span.column) == (
        "missing-flatten",
        2,
        3,
        13,
    )
    assert diag.fix is None  # an edit written for the dedented text would not fit the cell


def test_a_notebook_cell_that_does_not_parse_hides_only_itself() -> None:
    """Running the notebook, a Python 2 cell fails alone; the other cells still run."""
    from seqlint.check import check_source
    from seqlint.sources import source_from_bytes

    cells = [
        "from keras.models import Sequential\nfrom keras.layers import Dense\n",
        "model = Sequential([Dense(4), Dense(1)])\nmodel.compile(optimizer='adam', loss='mse')\n",
        "print 'done'\n",
        "model.fit(x, y, nb_epoch=3)\n",
    ]
    nb = notebook([code(c) for c in cells])
    src = source_from_bytes("nb.ipynb", json.dumps(nb).encode())
    got = check_source(src, select={"SEQ001", "SEQ101", "SEQ401"})
    assert [(d.code, d.span.cell, d.span.line) for d in got] == [
        ("SEQ101", 2, 1),
        ("SEQ001", 3, 1),
        ("SEQ401", 4, 1),
    ]
    assert got[1].message.startswith("cannot parse this cell as Python 3")
    # the other cells keep their fixes, and --fix applies them around the broken cell
    assert got[2].fix is not None
    from seqlint.fix import fix_bytes

    result = fix_bytes(
        "nb.ipynb", json.dumps(nb).encode(), lambda s: check_source(s, select={"SEQ401"})
    )
    assert result.error is None and result.fixed == 1
    fixed = json.loads(result.data or b"")
    assert "".join(fixed["cells"][3]["source"]) == "model.fit(x, y, epochs=3)\n"
    assert "".join(fixed["cells"][2]["source"]) == "print 'done'\n"
    # a plain file stays one syntax error
    plain = "import keras\nprint 'x'\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"
    assert [d.code for d in check_source(source_from_bytes("a.py", plain.encode()))] == ["SEQ001"]
