"""Robustness: seqlint never crashes, whatever Sequential code (or broken code) it is given.

Hypothesis writes random Sequential stacks: random layers from the registry with random
arguments (wrong types included), every import style, the list, ``add``, loop, function and
comprehension forms, compile/fit calls, broken fragments and notebooks. The interpreter runs
with ``SEQLINT_STRICT=1``, so an exception it would normally swallow fails the test, and the
command line must always exit 0 or 1 with valid JSON.

A second test runs ``seqlint check`` over a deterministic sample of the Python standard
library with the Keras pre-filter switched off, so every file goes through the interpreter.
"""

from __future__ import annotations

import json
import os
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import seqlint.check
from seqlint.check import check_source
from seqlint.cli import cli
from seqlint.layers import all_layers
from seqlint.layers.base import BASE_LAYER_KWARGS
from seqlint.noqa import apply_noqa
from seqlint.sources import SourceError, source_from_text
from seqlint.summary import summarize_source

LAYERS = sorted(all_layers().items())

# (import lines, the Sequential class as written, the prefix of layer classes, Input or None)
IMPORTS: list[tuple[str, str, str, str | None]] = [
    ("from tensorflow import keras\nfrom tensorflow.keras import layers", "keras.Sequential",
     "layers.", "keras.Input"),
    ("import tensorflow as tf", "tf.keras.Sequential", "tf.keras.layers.", "tf.keras.Input"),
    ("import keras", "keras.Sequential", "keras.layers.", "keras.Input"),
    ("import keras\nfrom keras import layers as L", "keras.models.Sequential", "L.", None),
    ("from keras.models import Sequential\nfrom keras.layers import *", "Sequential", "", "Input"),
    ("from tensorflow.keras.models import Sequential\nfrom tensorflow.keras.layers import *",
     "Sequential", "", None),
    ("import tensorflow.keras as K", "K.Sequential", "K.layers.", "K.Input"),
    ("import tf_keras as keras", "keras.Sequential", "keras.layers.", "keras.Input"),
    ("try:\n    from tensorflow import keras\nexcept ImportError:\n    import keras",
     "keras.Sequential", "keras.layers.", "keras.Input"),
    ("from keras import Sequential, layers, Input", "Sequential", "layers.", "Input"),
    ("", "Sequential", "", None),  # no import at all
]  # fmt: skip

ATOMS = st.one_of(
    st.integers(-3, 300).map(str),
    st.floats(allow_nan=True, allow_infinity=True, width=32).map(repr),
    st.sampled_from(
        [
            '"relu"', '"softmax"', '"sigmoid"', '"same"', '"valid"', '"causal"', '"channels_first"',
            '"glorot_uniform"', '""', '"nonsense"', "None", "True", "False", "...", "units",
            "INPUT_SHAPE", "x_train.shape[1:]", "x_train.shape[-1]", "undefined_name", "n",
            "np.random.rand(10, 4)", "lambda t: t", "keras.activations.relu", "len(x_train)",
            "2 ** 40", "-1", "0", "1e-3", "(None,)", "()", "[]", "{}", "b'bytes'", "f'{n}'",
            "n // 0", "tf.nn.relu", "'relu' if n else 'tanh'", "x_train", "model",
        ]
    ),
)  # fmt: skip
SANE = st.one_of(
    st.integers(1, 64).map(str),
    st.lists(st.integers(1, 32), min_size=1, max_size=3).map(lambda xs: repr(tuple(xs))),
    st.sampled_from(['"relu"', '"softmax"', '"same"', "0.5", "True", "INPUT_SHAPE"]),
)
WILD = st.recursive(
    ATOMS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "(" + ", ".join(xs) + ",)" if xs else "()"),
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.tuples(inner, inner).map(lambda kv: "{" + kv[0] + ": " + kv[1] + "}"),
    ),
    max_leaves=6,
)
VALUES = st.one_of(SANE, WILD)


def rarely(n: int) -> st.SearchStrategy[bool]:
    """True about once in ``n`` draws (not at either end: Hypothesis favours those)."""
    return st.integers(0, n + 1).map(lambda k: k == n // 2 + 1)


KWARG_NAMES = (*BASE_LAYER_KWARGS, "input_shape", "input_dim", "bogus_kwarg")


@st.composite
def layer_call(draw: st.DrawFn, prefix: str) -> str:
    name, definition = draw(st.sampled_from(LAYERS))
    params = [p.name for p in definition.params]
    n_pos = draw(st.integers(0, min(3, len(params) + 1)))
    args = [draw(VALUES) for _ in range(n_pos)]
    if draw(rarely(10)):
        args.append(draw(st.sampled_from(["*dims", "**opts", "*[]", "**{}"])))
    names = draw(st.lists(st.sampled_from([*params, *KWARG_NAMES]), max_size=3, unique=True))
    args += [f"{k}={draw(VALUES)}" for k in names if k not in params[:n_pos]]
    if definition.wraps_layer and draw(st.booleans()):
        inner = draw(st.sampled_from(LAYERS))[0]
        args.insert(0, f"{prefix}{inner}({draw(VALUES)})")
    call = f"{prefix}{name}({', '.join(args)})"
    if draw(rarely(10)):
        call += f"({draw(VALUES)})"  # called on a tensor: functional style inside Sequential
    return call


@st.composite
def model_source(draw: st.DrawFn) -> str:
    header, seq, prefix, input_fn = draw(st.sampled_from(IMPORTS))
    calls = draw(st.lists(layer_call(prefix), min_size=1, max_size=6))
    if input_fn and draw(st.booleans()):
        calls.insert(0, f"{input_fn}(shape={draw(VALUES)})")
    lines = ["import numpy as np", header, ""]
    lines.append(f"n = {draw(st.integers(-2, 64))}")
    lines.append(f"INPUT_SHAPE = {draw(VALUES)}")
    lines.append(f"x_train = np.random.rand({draw(st.integers(0, 50))}, {draw(VALUES)})")
    lines.append(f"y_train = np.random.randint(0, {draw(st.integers(0, 12))}, size=(32,))")
    form = draw(st.sampled_from(["list", "add", "loop", "function", "comprehension", "branch"]))
    if form == "list":
        lines.append(f"model = {seq}([" + ", ".join(calls) + "])")
    elif form == "add":
        lines.append(f"model = {seq}()")
        lines += [f"model.add({c})" for c in calls]
    elif form == "loop":
        lines.append(f"model = {seq}(name={draw(VALUES)})")
        lines.append(f"for units in {draw(VALUES)}:")
        lines += [f"    model.add({c})" for c in calls] or ["    pass"]
    elif form == "function":
        lines.append("def build(n=3, *dims, **opts):")
        lines.append(f"    m = {seq}()")
        lines += [f"    m.add({c})" for c in calls]
        lines.append("    return m")
        lines.append(f"model = build({draw(VALUES)})")
    elif form == "comprehension":
        body = calls[0] if calls else f"{prefix}Dense(n)"
        lines.append(f"model = {seq}([{body} for _ in range({draw(VALUES)})])")
    else:
        lines.append(f"model = {seq}()")
        lines.append("if x_train.mean() > 0.5:")
        lines += [f"    model.add({c})" for c in calls] or ["    pass"]
        lines.append("else:")
        lines.append("    model.pop()")
    for extra in draw(
        st.lists(
            st.sampled_from(
                [
                    "model.compile(optimizer={v}, loss={v}, metrics=[{v}])",
                    "model.compile(loss='sparse_categorical_crossentropy', optimizer='adam')",
                    "model.fit(x_train, y_train, epochs={v}, batch_size={v})",
                    "model.fit({v}, {v})",
                    "model.build({v})",
                    "model.summary()",
                    "model.layers[{v}].trainable = False",
                    "model.add(model)",
                    "del model",
                    "model = {v}",
                    "model.pop()",
                    "model.add({v})",
                ]
            ),
            max_size=4,
        )
    ):
        while "{v}" in extra:
            extra = extra.replace("{v}", draw(VALUES), 1)
        lines.append(extra)
    return "\n".join(lines) + "\n"


JUNK = ["(", ")", "[", "]", ":", "\n    ", "\n", ",", "lambda", "**", "print 'x'", "def", "'''",
        "\\", "@", "=", "async ", "yield", "\t", "\x0c", "\u00e9", "#", "if"]  # fmt: skip


@st.composite
def broken(draw: st.DrawFn, text: str) -> str:
    """Mutate ``text``: truncate it, insert junk, drop or repeat a line."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "insert", "drop", "repeat"]))
        if kind == "truncate" and text:
            text = text[: draw(st.integers(0, len(text)))]
        elif kind == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(JUNK)) + text[at:]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, max(0, len(lines) - 1)))
            if kind == "drop":
                del lines[i]
            elif lines:
                lines.insert(i, lines[i])
            text = "\n".join(lines)
    return text


@st.composite
def notebook(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    cuts = sorted(draw(st.lists(st.integers(0, len(lines)), max_size=4)))
    cells: list[dict[str, object]] = []
    start = 0
    for cut in [*cuts, len(lines)]:
        chunk = lines[start:cut]
        start = cut
        if draw(st.booleans()):
            magic = draw(st.sampled_from(["%matplotlib inline", "!pip install x", "%%time"]))
            chunk.insert(0, magic)
        kind = draw(st.sampled_from(["code", "code", "code", "markdown", "raw"]))
        source: object = [ln + "\n" for ln in chunk]
        if draw(rarely(20)):
            source = draw(st.sampled_from([None, 3, "".join(chunk), ["a", 1]]))
        cells.append({"cell_type": kind, "metadata": {}, "source": source, "outputs": []})
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    out = json.dumps(nb)
    if draw(rarely(20)):
        out = out[: draw(st.integers(0, len(out)))]  # a truncated notebook
    return out


@st.composite
def inputs(draw: st.DrawFn) -> tuple[str, str]:
    """(file name, text): a model script, maybe broken, maybe as a notebook."""
    text = draw(model_source())
    if draw(rarely(5)):
        text = draw(broken(text))
    if draw(rarely(5)):
        return "model.ipynb", draw(notebook(text))
    return "model.py", text


FUZZ = settings(
    max_examples=int(os.environ.get("SEQLINT_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(autouse=True)
def strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEQLINT_STRICT", "1")


@FUZZ
@given(inputs())
def test_the_engine_never_crashes(case: tuple[str, str]) -> None:
    name, text = case
    try:
        src = source_from_text(name, text)
    except SourceError:
        return  # reported as SEQ001 by the command line (the next test)
    found = check_source(src)
    assert all(d.code.startswith("SEQ") for d in found)
    apply_noqa(src, found)
    try:
        summarize_source(src)
    except SyntaxError:
        assert any(d.code == "SEQ001" for d in found)


def run_cli(*args: str) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, list(args))


KEYS = {"code", "name", "message", "severity", "path", "line", "column", "end_line", "end_column"}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(case=inputs())
def test_the_command_line_always_emits_valid_json(workdir: Path, case: tuple[str, str]) -> None:
    name, text = case
    path = workdir / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = run_cli("check", "--no-cache", "--jobs", "1", "--output-format", "json", str(path))
    assert result.exit_code in (0, 1), result.stderr
    found = json.loads(result.stdout)
    assert isinstance(found, list)
    for d in found:
        assert d.keys() >= KEYS
        assert d["line"] >= 1 and d["column"] >= 1
    assert (result.exit_code == 1) == any(d["severity"] == "error" for d in found)


def stdlib_files() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    skip = {"site-packages", "__pycache__"}
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip)
        found += [Path(dirpath) / f for f in sorted(filenames) if f.endswith(".py")]
    return found


def test_stdlib_sample_without_the_prefilter(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    files = stdlib_files()
    if len(files) < 100:
        pytest.skip("the standard library sources are not installed")
    step = len(files) // 60
    sample = [str(p) for p in files[::step][:60]]
    monkeypatch.setattr(seqlint.check, "relevant", lambda text: True)
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--no-cache", "--jobs", "1", "--output-format", "json", *sample)
    assert "internal error" not in result.stderr
    assert result.exit_code in (0, 1), result.stderr
    json.loads(result.stdout)


# --- hostile shapes (issue 16): nesting, chains, growth loops, broken cells -------------------
#
# Each generated prefix is followed by a real bug (softmax on one unit). Whatever the prefix
# does to the engine, the file must be checked without a crash, within a generous time
# limit, and never pass silently: the bug is reported, or the file (or cell) is reported as
# not parsed (SEQ001) or not fully analysed (SEQ002).

HOSTILE_HEAD = "import keras\nfrom keras import layers\n"
HOSTILE_BUG = (
    "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1, activation='softmax')])\n"
)
LOUD = {"SEQ201", "SEQ001", "SEQ002"}
#: Far above any correct run of these inputs (each is checked in well under a second).
HANG_GUARD_S = 60


@st.composite
def nesting(draw: st.DrawFn) -> str:
    depth = draw(st.integers(1, 150))
    kind = draw(st.sampled_from(["()", "[]", "{}", "call", "lambda", "sub", "not", "if", "def"]))
    if kind in ("()", "[]", "{}"):
        return f"x = {kind[0] * depth}{kind[1] * depth}\n"
    if kind == "call":
        return "x = " + "f(" * depth + ")" * depth + "\n"
    if kind == "lambda":
        return "f = " + "lambda: " * depth + "1\n"
    if kind == "sub":
        return "x = " + "y[" * depth + "0" + "]" * depth + "\n"
    if kind == "not":
        return "x = " + "not " * depth + "1\n"
    depth = min(depth, 60)  # CPython refuses more than 100 indentation levels
    head = "if x:" if kind == "if" else "def f():"
    return "".join("    " * i + head + "\n" for i in range(depth)) + "    " * depth + "pass\n"


@st.composite
def chain(draw: st.DrawFn) -> str:
    n = draw(st.integers(1, 3000))
    piece = draw(st.sampled_from([" and 1", " + 1", "[0]", ".a", "()", " < 1", " if 1 else 1"]))
    return "x = 1" + piece * n + "\n"


@st.composite
def growth_loop(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["list", "int", "str", "add", "tuple"]))
    if kind == "add":
        n, m = draw(st.integers(1, 24)), draw(st.integers(1, 24))
        return (
            f"m = keras.Sequential()\nfor i in range({n}):\n    for j in range({m}):\n"
            "        m.add(layers.Dense(2))\n"
        )
    n = draw(st.integers(1, {"list": 12, "int": 20, "str": 20, "tuple": 12}[kind]))
    start = {"list": "[layers.Dense(1)]", "int": "3", "str": "'ab'", "tuple": "(1, 2)"}[kind]
    op = draw(st.sampled_from(["x + x", "x * 2", "x * x"] if kind == "int" else ["x + x", "x * 2"]))
    loop = draw(st.sampled_from(["for", "while"]))
    if loop == "for":
        return f"x = {start}\nfor i in range({n}):\n    x = {op}\n"
    return f"x = {start}\ni = 0\nwhile i < {n}:\n    x = {op}\n    i += 1\n"


@st.composite
def broken_cells(draw: st.DrawFn) -> str:
    """A notebook whose bug sits in a good cell among broken ones (which Jupyter would
    still run around)."""
    bad = st.sampled_from(
        ["def (:\n", "x = (\n", "print 'py2'\n", "  indented = 1\n", "%%time\nx = (\n",
         "\x00\n", "class:\n", "async = 1\n", "x = [" * 30 + "\n", "else:\n"]
    )  # fmt: skip
    cells = [HOSTILE_HEAD, *draw(st.lists(bad, min_size=1, max_size=4))]
    cells.insert(draw(st.integers(1, len(cells))), HOSTILE_BUG)
    nb = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": c} for c in cells],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb)


HOSTILE = settings(
    max_examples=int(os.environ.get("SEQLINT_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _never_silent(name: str, text: str) -> None:
    import signal

    def hang(signum: int, frame: object) -> None:
        raise TimeoutError(f"checking took over {HANG_GUARD_S} s")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(HANG_GUARD_S)
    try:
        try:
            src = source_from_text(name, text)
        except SourceError:
            return  # the whole file is SEQ001 (tested on the command line)
        codes = {d.code for d in check_source(src)}
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert codes & LOUD, f"silently clean: {sorted(codes)}"


needs_alarm = pytest.mark.skipif(not hasattr(os, "fork"), reason="the hang guard uses SIGALRM")


def _has_rule(code: str) -> bool:
    from seqlint.rules import all_rules

    return any(r.code == code for r in all_rules())


needs_seq002 = pytest.mark.skipif(
    not _has_rule("SEQ002"),
    reason="needs the engine's analysis-incomplete finding (issue 16 item 6): without it a "
    "deep chain or nesting cuts the analysis short silently",
)


def hostile(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """1 to 3 hostile prefixes, then the bug."""
    pieces = st.lists(st.one_of(*parts), min_size=1, max_size=3)
    return pieces.map(lambda p: HOSTILE_HEAD + "".join(p) + HOSTILE_BUG)


@needs_alarm
@HOSTILE
@given(hostile(growth_loop()))
def test_growth_loops_are_never_silently_clean(text: str) -> None:
    _never_silent("model.py", text)


@needs_alarm
@needs_seq002
@HOSTILE
@given(hostile(nesting(), chain(), growth_loop()))
def test_nesting_and_chains_are_never_silently_clean(text: str) -> None:
    _never_silent("model.py", text)


@needs_alarm
@HOSTILE
@given(broken_cells())
def test_broken_cells_never_hide_the_bug(text: str) -> None:
    _never_silent("model.ipynb", text)


def test_a_cell_with_a_stray_return_does_not_hide_the_bug() -> None:
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "outputs": [], "source": src}
            for src in (HOSTILE_HEAD, HOSTILE_BUG, "return 1\n")
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    _never_silent("model.ipynb", json.dumps(nb))
