"""The analysis engine under budgets: long loops, huge literals, growing values, deep nesting.

Each case must finish (a generous alarm guards against hangs; no correct run comes near it)
and must not lose what comes before or after the costly code.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest
from helpers import lint, summary

import seqlint.rules  # noqa: F401  (registers the rules)
from seqlint.check import check_source
from seqlint.sources import SourceFile

HEADER = "import keras\nfrom keras import layers\n"
SOFTMAX_ONE_UNIT = (
    "model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation='relu'),\n"
    "                          layers.Dense(1, activation='softmax')])\n"
    "model.compile(loss='binary_crossentropy', optimizer='adam')\n"
)


@pytest.fixture(autouse=True)
def alarm() -> Iterator[None]:
    """Fail (instead of hanging the suite) if a case takes minutes."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("the analysis did not finish in 60 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def codes(text: str) -> list[str]:
    return [d.code for d in check_source(SourceFile("model.py", text))]


def test_a_model_after_a_loop_of_a_million_iterations_is_found() -> None:
    text = HEADER + "total = 0\nfor i in range(10**6):\n    total += i\n" + SOFTMAX_ONE_UNIT
    assert "SEQ201" in codes(text)


def test_a_model_after_nested_loops_that_call_its_functions_is_found() -> None:
    text = (
        HEADER
        + "def step(x):\n    return x + 1\n\n"
        + "for epoch in range(500):\n    for batch in range(100):\n        step(batch)\n"
        + SOFTMAX_ONE_UNIT
    )
    found = codes(text)
    assert "SEQ201" in found
    assert "SEQ002" not in found  # the loops never touched a model: nothing was hidden


def test_a_huge_list_literal_after_the_model_keeps_its_finding() -> None:
    items = ", ".join(["0"] * 200_000)
    text = HEADER + SOFTMAX_ONE_UNIT + f"table = [{items}]\nprint(table[3])\n"
    assert "SEQ201" in codes(text)


def test_many_assignments_before_the_model_keep_its_finding() -> None:
    text = HEADER + "".join(f"v{i} = {i}\n" for i in range(50_000)) + SOFTMAX_ONE_UNIT
    assert "SEQ201" in codes(text)


def test_a_statement_over_budget_is_reported_and_the_rest_is_checked() -> None:
    # a model grown by a loop far longer than the loop budget: the model is uncertain (no
    # finding is guessed about it), the place is reported, and the next model is checked
    text = (
        HEADER
        + "grown = keras.Sequential([keras.Input((4,))])\n"
        + "for i in range(500):\n    grown.add(layers.Dense(4 + i % 3))\n"
        + SOFTMAX_ONE_UNIT
    )
    found = lint(text)
    incomplete = [d for d in found if d.code == "SEQ002"]
    assert [(d.span.line, d.severity) for d in incomplete] == [(4, "warning")]
    assert "of its 500 iterations" in incomplete[0].message
    assert "SEQ201" in [d.code for d in found]
    grown = summary(text)[0]
    assert grown.uncertain


def test_a_short_loop_that_builds_a_model_is_followed_exactly() -> None:
    text = (
        HEADER
        + "model = keras.Sequential([keras.Input((4,))])\n"
        + "for units in [16, 8, 4]:\n    model.add(layers.Dense(units, activation='relu'))\n"
        + "model.add(layers.Dense(1, activation='softmax'))\n"
        + "model.compile(loss='binary_crossentropy')\n"
    )
    (model,) = summary(text)
    assert [layer.output_shape for layer in model.layers] == [
        [None, 16],
        [None, 8],
        [None, 4],
        [None, 1],
    ]
    assert not model.uncertain
    assert "SEQ002" not in codes(text)


@pytest.mark.parametrize(
    "growth",
    [
        "x = [layers.Dense(1)]\nfor i in range(18):\n    x = x + x\n",
        "x = 3\nfor i in range(60):\n    x = x * x\n",
        "x = 'ab'\nfor i in range(40):\n    x = x + x\n",
        "x = (1, 2)\nfor i in range(40):\n    x = x * 2\n",
        "x = [0]\nfor i in range(40):\n    x += x\n",
        "x = 7 ** 64\nfor i in range(12):\n    x = x ** 60\n",
    ],
)
def test_values_that_grow_without_bound_become_unknown(growth: str) -> None:
    assert "SEQ201" in codes(HEADER + growth + SOFTMAX_ONE_UNIT)


@pytest.mark.parametrize(
    ("nesting", "message"),
    [
        ("x = " + "(" * 1300 + "1" + ")" * 1300, "too many nested parentheses"),
        ("x = " + "[" * 1500 + "]" * 1500, "too many nested parentheses"),
        ("x = " + "lambda: " * 5000 + "1", "too deeply nested"),
        ("x = " + "not " * 100_000 + "1", "too deeply nested"),
        ("x = " + " + ".join(["1"] * 5_000), "maximum recursion depth exceeded"),
        ("x = 1" + "[0]" * 20_000, "maximum recursion depth exceeded"),
    ],
)
def test_nesting_cpython_refuses_is_a_syntax_error_with_its_message(
    nesting: str, message: str
) -> None:
    found = check_source(SourceFile("deep.py", HEADER + nesting + "\n"))
    assert [d.code for d in found] == ["SEQ001"]
    assert message in found[0].message


@pytest.mark.parametrize(
    "deep",
    [
        "x = " + " and ".join(["1"] * 20_000),
        "x = " + " + ".join(["1"] * 900),
        "x = " + "-" * 2_000 + "1",
    ],
)
def test_code_that_parses_but_nests_deeply_does_not_hide_the_model(deep: str) -> None:
    found = codes(HEADER + SOFTMAX_ONE_UNIT + deep + "\n" + SOFTMAX_ONE_UNIT.replace("model", "m2"))
    assert found.count("SEQ201") == 2


def test_a_model_in_the_branch_not_taken_is_extracted_too() -> None:
    text = (
        HEADER
        + "STATELESS = True\nmodel = None\n"
        + "if STATELESS:\n"
        + "    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation='relu')])\n"
        + "else:\n"
        + "    model = keras.Sequential([keras.Input((4,)), layers.Dense(1, activation='softmax')]"
        + ")\n"
        + "    model.compile(loss='binary_crossentropy')\n"
        + "model.add(layers.Dense(2))\n"
    )
    taken, other = summary(text)
    assert [layer.output_shape for layer in taken.layers] == [[None, 3], [None, 2]]
    assert [layer.output_shape for layer in other.layers] == [[None, 1]]
    assert not taken.uncertain  # the branch not taken leaves the model of the taken one alone
    assert [(d.code, d.span.line) for d in lint(text) if d.code == "SEQ201"] == [("SEQ201", 8)]


@pytest.mark.parametrize(
    "look",
    [
        "print(analyzer.check(model))\n",
        "plot(model)\n",
        "from reporting import show\nshow(model, to_file='model.png')\n",
    ],
)
def test_code_that_only_looks_at_a_compiled_model_keeps_its_findings(look: str) -> None:
    assert "SEQ201" in codes(HEADER + SOFTMAX_ONE_UNIT + look)
    # handed over before compile, the model may have been changed there: no guess
    built, compiled = SOFTMAX_ONE_UNIT.rsplit("model.compile", 1)
    assert "SEQ201" not in codes(HEADER + built + look + "model.compile" + compiled)


@pytest.mark.parametrize(
    "setting",
    [
        "from keras import backend as K\nK.set_image_dim_ordering('th')\n",
        "keras.config.set_image_data_format('channels_first')\n",
        "import tensorflow as tf\ntf.keras.backend.set_image_data_format('channels_first')\n",
    ],
)
def test_the_global_image_data_format_set_before_the_model_governs_its_shapes(
    setting: str,
) -> None:
    build = (
        "def build():\n"
        "    return keras.Sequential([keras.Input((1, 28, 28)), layers.Conv2D(8, 3),\n"
        "                             layers.MaxPooling2D(2), layers.Flatten(),\n"
        "                             layers.Dense(10)])\n"
    )
    # the building function is defined before the setting, called after it
    (model,) = summary(HEADER + build + setting + "model = build()\n")
    assert [layer.output_shape for layer in model.layers][:2] == [
        [None, 8, 26, 26],
        [None, 8, 13, 13],
    ]
    (default,) = summary(HEADER + build + "model = build()\n")
    assert default.layers[0].output_shape is None or default.layers[0].output_shape[-1] != 26


def _steps(text: str) -> int:
    import ast

    from seqlint.extract.interp import Interpreter
    from seqlint.extract.positions import Locator

    interp = Interpreter(ast.parse(text), Locator(text))
    interp.run()
    return interp.steps


def test_a_loop_that_changes_no_model_is_widened_early() -> None:
    # a training loop: concrete iterations would only compute numbers nobody checks, so it
    # stops at the quiet cap (and its body is followed once more, widened), not LOOP_STEPS
    from seqlint.extract.interp import LOOP_STEPS, QUIET_LOOP_STEPS

    loop = "for epoch in range(400):\n    total = 0\n    for k in range(20):\n        total += k\n"
    text = HEADER + SOFTMAX_ONE_UNIT + loop
    assert _steps(text) < 2 * QUIET_LOOP_STEPS + 300 < LOOP_STEPS
    assert "SEQ201" in codes(text) and "SEQ002" not in codes(text)


def test_a_loop_that_grows_a_model_past_the_quiet_cap_is_followed_exactly() -> None:
    from seqlint.extract.interp import LOOP_STEPS, QUIET_LOOP_STEPS

    text = (
        HEADER
        + "model = keras.Sequential([keras.Input((4,))])\n"
        + "for i in range(150):\n    model.add(layers.Dense(4))\n"
    )
    assert QUIET_LOOP_STEPS < _steps(text) < LOOP_STEPS
    (model,) = summary(text)
    assert not model.uncertain and len(model.layers) == 150
    assert "SEQ002" not in codes(text)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("x = 1\nif x:\n    return x\n", "'return' outside function"),
        ("for i in range(2):\n    pass\nelse:\n    break\n", "'break' outside loop"),
        ("while True:\n    def f():\n        continue\n", "'continue' not properly in loop"),
        ("class A:\n    yield 1\n", "'yield' outside function"),
    ],
)
def test_what_only_the_compiler_refuses_is_a_syntax_error(code: str, message: str) -> None:
    # ast.parse accepts these, CPython's compile (and IPython, cell by cell) does not
    with pytest.raises(SyntaxError):
        compile(code, "m.py", "exec")
    text = "import keras\nm = keras.Sequential([keras.layers.Dense(1)])\n" + code
    found = [d for d in lint(text) if d.code == "SEQ001"]
    assert [d.message for d in found] == [f"cannot parse the file as Python 3: {message}"]


def test_a_script_only_ipython_runs_is_checked_as_ipython_runs_it() -> None:
    """A notebook saved as ``.py`` keeps its ``!pip`` and ``%%time`` lines: Python cannot run
    it (SEQ001 at the first one), but the models after them are still checked, without a fix
    that could not be validated by parsing the file."""
    text = HEADER + "!pip install keras\n" + SOFTMAX_ONE_UNIT + "%%time\n" + "model.fit(x, y)\n"
    found = lint(text)
    assert [(d.code, d.span.line) for d in found] == [("SEQ001", 3), ("SEQ201", 5)]
    assert "IPython syntax" in found[0].message
    assert all(d.fix is None for d in found)
    # any other syntax error still stops the file: nothing is guessed past it
    broken = text.replace("model.fit(x, y)", "model.fit(x, y")
    assert [d.code for d in lint(broken)] == ["SEQ001"]
    assert "IPython" not in lint(broken)[0].message


def test_a_function_or_loop_keeps_its_statements_valid() -> None:
    code = (
        "import keras\n"
        "def f():\n    for i in range(2):\n        if i:\n            continue\n    return 1\n"
        "while True:\n    try:\n        break\n    finally:\n        pass\n"
        "m = keras.Sequential([keras.layers.Dense(1)])\n"
    )
    assert [d.code for d in lint(code) if d.code == "SEQ001"] == []
