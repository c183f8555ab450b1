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

import libcst
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import seqlint.check
from seqlint.check import check_source, summarize_source
from seqlint.cli import cli
from seqlint.layers import all_layers
from seqlint.layers.base import BASE_LAYER_KWARGS
from seqlint.noqa import apply_noqa
from seqlint.sources import SourceError, source_from_text

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
    except libcst.ParserSyntaxError:
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
