"""Notebooks read as IPython runs them: magics, shell escapes, automagic, %%writefile cells,
and cells that do not compile reported alone, in their own cell."""

from __future__ import annotations

import ast
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlint.check import check_source
from seqlint.ipython_syntax import transform_cell
from seqlint.sources import source_from_bytes

SOFTMAX_1 = "model = keras.Sequential([keras.Input((4,)), layers.Dense(1, activation='softmax')])"


def notebook(*sources: str) -> bytes:
    cells = [{"cell_type": "code", "metadata": {}, "source": s, "outputs": []} for s in sources]
    nb: dict[str, Any] = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb).encode()


def found(*sources: str) -> list[tuple[str, int | None, int, int]]:
    src = source_from_bytes("nb.ipynb", notebook(*sources))
    got = check_source(src, select=SELECT)
    return [(d.code, d.span.cell, d.span.line, d.span.column) for d in got]


SELECT = {"SEQ001", "SEQ201", "SEQ401"}
IMPORTS = "import keras\nfrom keras import layers\n"


@pytest.mark.parametrize(
    "cell",
    [
        "try:\n    %load_ext autoreload\nexcept Exception:\n    pass\n",
        "if IN_COLAB:\n    %pip install -q keras\n",
        "if IN_COLAB:\n    !pip install -q \\\n        keras\nx = 1\n",
        "for f in files:\n    !!cat $f\n",
        "ls ./data/",
        "pip install keras-tuner",
        "files = !ls data\nn = %who_ls\n",
        "keras.Sequential?\n??keras.layers.Dense\n",
        "%%bash\nfor f in *; do echo $f; done\n",
        ">>> x = 1\n>>> if x:\n...     y = 2\n",
        "In [1]: x = 1\n   ...: y = 2\n",
        "\n\n    x = 1\n    y = 2\n",
    ],
)
def test_cells_ipython_runs_are_not_syntax_errors(cell: str) -> None:
    """Each of these runs in IPython; the model cell after it keeps its finding, in place."""
    assert found(IMPORTS, cell, SOFTMAX_1) == [("SEQ201", 3, 1, 46)]


def test_automagic_needs_a_cell_of_one_line() -> None:
    """IPython's prefilter (automagic) only applies to one-line cells: in a longer cell
    ``ls ./data/`` is a syntax error, reported in its own cell with cell-relative lines."""
    got = found(IMPORTS, "x = 1\nls ./data/\n", SOFTMAX_1)
    assert got == [("SEQ001", 2, 2, 5), ("SEQ201", 3, 1, 46)]
    # a name the notebook binds is not automagic
    assert found("import keras, time", "time sleep(1)")[0][:3] == ("SEQ001", 2, 1)


def test_a_broken_cell_is_reported_once_in_its_own_cell() -> None:
    """A cell that does not compile fails alone (as when the notebook runs); the cells after
    it keep their findings, positions and fixes."""
    src = source_from_bytes(
        "nb.ipynb",
        notebook(IMPORTS, "print 'hello'\n", "x = (1,\n", SOFTMAX_1, "model.fit(x, y, nb_epoch=2)"),
    )
    got = check_source(src, select={"SEQ001", "SEQ201", "SEQ401"})
    assert [(d.code, d.span.cell, d.span.line) for d in got] == [
        ("SEQ001", 2, 1),
        ("SEQ001", 3, 1),
        ("SEQ201", 4, 1),
        ("SEQ401", 5, 1),
    ]
    assert got[0].message.startswith("cannot parse this cell as Python 3: Missing parentheses")
    assert got[3].fix is not None


def test_errors_keep_the_columns_of_a_cell_ipython_dedents() -> None:
    got = found("import keras", "  x = 1\n  y = (\n")
    assert got[0][:3] == ("SEQ001", 2, 2)


def test_writefile_cells_are_checked_as_the_file_they_write() -> None:
    """The body of ``%%writefile model.py`` is another module: its findings are in its cell,
    its names stay out of the notebook, and its own noqa comments apply."""
    body = f"%%writefile model.py\n{IMPORTS}{SOFTMAX_1}\n"
    assert found(body) == [("SEQ201", 1, 4, 46)]
    assert found(body.replace("model.py", "notes.txt")) == []
    assert found(body + "  # noqa: SEQ201\n".replace("\n", "", 1)) == [("SEQ201", 1, 4, 46)]
    assert found(body.rstrip("\n") + "  # noqa: SEQ201\n") == []
    # -a appends to the file: the chunks are one module
    parts = found("%%writefile m.py\n" + IMPORTS, "%%writefile -a m.py\n" + SOFTMAX_1)
    assert parts == [("SEQ201", 2, 2, 46)]
    # the notebook's own code does not see the file's names
    assert found(body, "model.fit(x, y)\n") == [("SEQ201", 1, 4, 46)]


def test_time_magics_run_their_python() -> None:
    """``%time stmt`` runs ``stmt`` in the notebook: its model is analysed, at its own columns."""
    timed = "%time " + SOFTMAX_1
    assert found(IMPORTS, timed) == [("SEQ201", 2, 1, 52)]
    assert found(IMPORTS, "if True:\n    " + timed) == [("SEQ201", 2, 2, 56)]
    # %timeit runs an expression in a function of its own: options are skipped, bindings are not
    assert found(IMPORTS, "%timeit -n 1 -r 1 " + SOFTMAX_1.split(" = ")[1]) == [
        ("SEQ201", 2, 1, 56)
    ]
    assert found(IMPORTS, "%timeit " + SOFTMAX_1) == []
    # not one simple statement: the magic is a no-op, as before
    assert found(IMPORTS, "%time for i in x: " + SOFTMAX_1) == []


def test_magics_keep_indentation_and_line_count() -> None:
    lines = ["if a:", "    %time f()", "    x = %env HOME", "    !echo \\", "      b", "y = 1"]
    assert transform_cell(lines).lines == [
        "if a:",
        "    pass; f()",
        "    x = get_ipython()",
        "    pass",
        "",
        "y = 1",
    ]
    # not magics: operators, strings, comments
    code = ["y = (a", "  % b)", 'd = "%d?" % 3', "z = a != b  # why?", "w = x % y"]
    assert transform_cell(code).lines == code


CELLS = [
    "x = 1\n%matplotlib inline\n",
    "if x:\n    %pip install y\n",
    "ls ./data/",
    "ls ./data/\n\n",
    "\n\nls ./data/",
    "x = 1\nls ./data/",
    "a = !ls\nb = %pwd\nc == !x\n",
    "f(x)?\n",
    "f?\n",
    "x = a.b?  # c\n",
    "/f a b\n",
    ",f a b\n",
    "%%time\nx = 1\n%ls\n",
    "%%time\n  x = 1\n",
    "%%capture out\nprint 'x'\n",
    "    x = 1\n  y = 2\n",
    "if x:\n    # comment?\n",
    "print 'x'",
    "cd ..",
    "cd = 3",
    "cat , x",
]


def ipython_accepts(cell: str) -> bool:
    """IPython's verdict on ``cell`` (installed IPython, with IPython 8's dedent rule)."""
    tm = pytest.importorskip("IPython.core.interactiveshell")
    # IPython 9 removes the indentation common to all lines; IPython 8 (Colab's, and
    # seqlint's rule) removes the first line's from the lines that start with it, so it runs
    # a few cells IPython 9 refuses. Applying IPython 8's rule first makes 9's a no-op.
    lines = cell.split("\n")
    first = next((ln for ln in lines if ln.strip()), "")
    indent = first[: len(first) - len(first.lstrip(" \t"))]
    if indent:
        lines = [ln[len(indent) :] if ln.startswith(indent) else ln for ln in lines]
    try:
        code = tm.InteractiveShell.instance().transform_cell("\n".join(lines))
        compile(code, "cell", "exec", ast.PyCF_ONLY_AST)
    except SyntaxError:
        return False
    return True


@pytest.mark.parametrize("cell", CELLS)
def test_same_verdict_as_ipython(cell: str) -> None:
    """Where IPython is installed, seqlint accepts exactly the cells IPython compiles."""
    run = cell.split("\n", 1)[1] if cell.startswith(("%%time", "%%capture")) else cell
    ipython_ok = ipython_accepts(run)  # a %%time cell runs its body as a cell
    src = source_from_bytes("nb.ipynb", notebook(cell))
    assert (src.cell_errors() == []) is ipython_ok


PIECES = [
    "x = 1",
    "if x:",
    "    y = '%d' % x",
    "    %pip install z",
    "s = '''",
    "%not a magic?",
    "'''",
    "t = (a,",
    "     !b)",
    "z = a != b  # why?",
    "!ls \\",
    "  more",
    "w = f(x) / 2",
    "  q = %env",
    "ls ./data/",
    "",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=8))
def test_transform_keeps_lines_and_valid_code(lines: list[str]) -> None:
    """Any cell: as many lines after as before; code that compiled still compiles."""
    out = transform_cell(lines).lines
    assert len(out) == len(lines)
    try:
        compile("\n".join(lines), "cell", "exec", ast.PyCF_ONLY_AST)
    except SyntaxError:
        return
    compile("\n".join(out), "cell", "exec", ast.PyCF_ONLY_AST)


# IPython finds a help request (``x?``) at the end of whatever its tokenizer groups as one
# logical line, even one a shell escape's backslash opened into a bracket: that corner differs
NO_HELP = [p for p in PIECES if "?" not in p]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(NO_HELP), max_size=6))
def test_random_cells_get_ipython_s_verdict(lines: list[str]) -> None:
    cell = "\n".join(lines)
    ipython_ok = ipython_accepts(cell)
    src = source_from_bytes("nb.ipynb", notebook(cell))
    assert (src.cell_errors() == []) is ipython_ok, cell
