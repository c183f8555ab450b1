"""Checking many files: the pre-filter on raw bytes, --jobs and the process pool."""

from __future__ import annotations

import concurrent.futures
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Collection
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT

import seqlint.check
import seqlint.parallel as parallel
from seqlint.cli import cli
from seqlint.config import Settings
from seqlint.diagnostics import Diagnostic
from seqlint.sources import SourceFile

needs_fork = pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="monkeypatched engines reach the workers only through fork",
)


def run(*args: str) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, ["check", "--no-cache", *args])


def load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lint_speed", ROOT / "benchmarks/lint_speed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small synthetic repository: half Keras scripts and notebooks, half plain modules."""
    load_benchmark().build_tree(tmp_path, n_files=40, keras_fraction=0.5, seed=3)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


@pytest.fixture
def pool_always(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Use the pool for any run with two files or more; records the worker counts used."""
    used: list[int] = []
    real = parallel._run_pool

    def spy(todo: Any, jobs: int) -> Any:
        used.append(jobs)
        return real(todo, jobs)

    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "_run_pool", spy)
    return used


def engine_that(monkeypatch: pytest.MonkeyPatch, word: str, action: Any) -> None:
    real = seqlint.check.check_source

    def patched(src: SourceFile, select: Collection[str] | None = None) -> list[Diagnostic]:
        if word in src.text:
            action()
        return real(src, select)

    monkeypatch.setattr(seqlint.check, "check_source", patched)


@needs_fork
def test_the_pool_gives_the_same_report_as_one_process(tree: Path, pool_always: list[int]) -> None:
    for fmt in ("full", "json"):
        alone = run("--jobs", "1", "--output-format", fmt)
        assert pool_always == []
        pooled = run("--jobs", "2", "--output-format", fmt)
        assert pool_always == [2]
        pool_always.clear()
        assert (pooled.exit_code, pooled.stdout, pooled.stderr) == (
            alone.exit_code,
            alone.stdout,
            alone.stderr,
        )
    found = json.loads(alone.stdout)
    assert found, "the synthetic tree has buggy models"
    assert any(d["path"].endswith(".ipynb") for d in found)


@needs_fork
def test_files_streamed_to_the_pool_in_small_chunks_give_the_same_report(
    tree: Path, pool_always: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool takes files while the others are still read, a chunk at a time: results
    come back for every file, in order, whatever the chunk size."""
    alone = run("--jobs", "1", "--output-format", "json")
    sent: list[int] = []
    real = parallel._cost

    def cost(task: Any) -> int:
        sent.append(task.index)
        return real(task)

    monkeypatch.setattr(parallel, "CHUNK_LINES", 1)  # a chunk per file
    monkeypatch.setattr(parallel, "_cost", cost)
    pooled = run("--jobs", "2", "--output-format", "json")
    assert pool_always == [2]
    assert len(sent) > 2 and sent == sorted(sent)
    assert (pooled.exit_code, pooled.stdout, pooled.stderr) == (
        alone.exit_code,
        alone.stdout,
        alone.stderr,
    )


@needs_fork
def test_an_internal_error_in_a_worker_is_one_line_and_the_run_goes_on(
    tree: Path, pool_always: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = sorted(tree.glob("models/*.py"))[0]
    victim.write_text(victim.read_text() + "\n# CRASH\n")

    def explode() -> None:
        raise RuntimeError("engine exploded\non two lines")

    engine_that(monkeypatch, "CRASH", explode)
    result = run("--jobs", "2", "--output-format", "concise")
    assert pool_always == [2]
    rel = os.path.relpath(victim, tree)
    assert result.stderr == (
        f"seqlint: internal error in {rel}: RuntimeError: engine exploded on two lines\n"
    )
    assert result.exit_code == 2
    assert "1 file could not be checked.\n" in result.stdout
    assert "Found" in result.stdout and "SEQ" in result.stdout


@needs_fork
def test_a_worker_that_dies_takes_only_its_file(
    tree: Path, pool_always: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = run("--jobs", "1", "--output-format", "json")
    victim = tree / "models" / "dies.py"
    victim.write_text("import keras\n# DIE\n")
    engine_that(monkeypatch, "DIE", lambda: os._exit(3))
    result = run("--jobs", "2", "--output-format", "json")
    assert pool_always == [2]
    assert result.stderr == (f"seqlint: internal error in models/dies.py: {parallel.WORKER_DIED}\n")
    assert result.exit_code == 2
    assert result.stdout == expected.stdout


def test_small_runs_stay_in_process(
    tree: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    os.chdir(ROOT / "fixtures")
    result = run("--jobs", "8")
    assert result.exit_code == 1 and result.stderr == ""
    os.chdir(tree)
    assert run("--jobs", "1").exit_code == 1  # --jobs 1: never a pool


def test_files_without_keras_are_not_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.py").write_text("def f():\n    return 1\n")
    (tmp_path / "b.py").write_bytes(b"x = 1\r\ny = 2\r\n")
    (tmp_path / "utf8.py").write_text("s = 'caf\u00e9'\n", encoding="utf-8")
    (tmp_path / "latin.py").write_bytes(b"s = 'caf\xe9'\n")
    (tmp_path / "cookie.py").write_bytes(b"# -*- coding: latin-1 -*-\ns = 'caf\xe9'\n")
    (tmp_path / "bad_cookie.py").write_bytes(b"# coding: no-such-codec\nx = 1\n")
    (tmp_path / "nul.py").write_bytes(b"x = 1\x00\n")
    (tmp_path / "nb.ipynb").write_text('{"cells": []}')
    (tmp_path / "broken.ipynb").write_text('{"cells": [')
    decoded: list[str] = []
    real = parallel.source_from_bytes

    def spy(path: str, data: bytes) -> SourceFile:
        decoded.append(os.path.basename(path))
        return real(path, data)

    monkeypatch.setattr(parallel, "source_from_bytes", spy)
    results = parallel.check_files(
        sorted(str(p) for p in tmp_path.iterdir()), Settings(frozenset({"SEQ101"}))
    )
    got = {os.path.basename(r.path): [d.code for d in r.diagnostics] for r in results}
    assert got == {
        "a.py": [],
        "b.py": [],
        "bad_cookie.py": ["SEQ001"],
        "broken.ipynb": ["SEQ001"],
        "cookie.py": [],
        "latin.py": ["SEQ001"],
        "nb.ipynb": [],
        "nul.py": ["SEQ001"],
        "utf8.py": [],
    }
    assert "a.py" not in decoded and "b.py" not in decoded
    assert all(r.error is None for r in results)


def test_the_byte_filter_agrees_with_the_text_filter() -> None:
    for text in ["import keras\n", "from tensorflow import keras", "x = Sequential()", "x = 1"]:
        assert seqlint.check.relevant(text) == seqlint.check.relevant(text.encode())


def test_the_pre_filter_keeps_every_keras_spelling_and_skips_pytorch() -> None:
    keras_files = [
        "import tensorflow as tf\nm = tf.keras.Sequential()\n",
        "from tensorflow.keras.models import Sequential\n",
        "from keras.models import Sequential\n",
        "import tf_keras as K\n",
    ]
    assert all(seqlint.check.relevant(t) for t in keras_files)
    torch = "import torch.nn as nn\nnet = nn.Sequential(nn.Linear(4, 2), nn.ReLU())\n"
    assert not seqlint.check.relevant(torch)


def test_results_keep_the_input_order(tree: Path) -> None:
    paths = sorted(str(p.relative_to(tree)) for p in tree.rglob("*.py"))[::-1]
    results = parallel.check_files(paths, Settings(frozenset({"SEQ102", "SEQ201"})), jobs=1)
    assert [r.path for r in results] == paths


def test_jobs_option_validates() -> None:
    result = run("--jobs", "0")
    assert result.exit_code == 2
    assert "--jobs" in result.stderr
    assert parallel.default_jobs() >= 1


def test_one_file_starts_no_pool_machinery(tmp_path: Path) -> None:
    """Checking one file must not pay for importing the pool or the cache (start-up time)."""
    (tmp_path / "m.py").write_text(
        "from keras import Sequential, layers\nm = Sequential([layers.Dense(3)])\n"
        "from keras.optimizers import SGD\nopt = SGD(lr=0.1)\n"  # a finding with a fix
    )
    probe = (
        "import sys\n"
        "from seqlint.cli import main\n"
        "try:\n"
        "    main(['check', '--no-cache', '--exit-zero', 'm.py'])\n"
        "except SystemExit:\n"
        "    pass\n"
        # libcst only applies fixes: reporting that a fix exists must not load it
        "mods = ('concurrent.futures', 'multiprocessing', 'hashlib', 'libcst')\n"
        "print(sorted(m for m in mods if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


SOFTMAX_ON_ONE = (
    "import keras\nfrom keras import layers\n"
    "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1, activation='softmax')])\n"
)


def out_of_memory_on(monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    """The interpreter runs out of memory computing ``marker * n`` (as it would on a huge
    value under ``ulimit -v``); its broad handlers must not turn that into "clean"."""
    import seqlint.extract.interp as interp

    real = interp._PY_OPS["*"]

    def times(a: Any, b: Any) -> Any:
        if a == marker:
            raise MemoryError
        return real(a, b)

    monkeypatch.setitem(interp._PY_OPS, "*", times)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_out_of_memory_is_an_error_never_clean_and_never_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool_always: list[int], jobs: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "big.py").write_text(SOFTMAX_ON_ONE + "s = 'BOOM' * 3\n")
    (tmp_path / "other.py").write_text(SOFTMAX_ON_ONE)
    out_of_memory_on(monkeypatch, "BOOM")
    runner = CliRunner()
    first = runner.invoke(cli, ["check", "--jobs", jobs, "--output-format", "concise"])
    assert first.exit_code == 2
    assert f"seqlint: internal error in big.py: {parallel.OUT_OF_MEMORY}" in first.stderr
    assert "other.py:3:" in first.stdout and "big.py" not in first.stdout
    monkeypatch.undo()  # memory is back: the next run analyses the file again, from scratch
    monkeypatch.chdir(tmp_path)
    again = runner.invoke(cli, ["check", "--jobs", "1", "--output-format", "concise"])
    assert again.exit_code == 1, again.stderr
    assert "big.py:3:" in again.stdout and "SEQ201" in again.stdout


@needs_fork
def test_a_worker_killed_twice_is_an_error_and_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool_always: list[int]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(SOFTMAX_ON_ONE + "# KILL\n")
    (tmp_path / "b.py").write_text(SOFTMAX_ON_ONE)
    engine_that(monkeypatch, "KILL", lambda: os.kill(os.getpid(), 9))
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "--jobs", "2", "--output-format", "concise"])
    assert pool_always == [2]
    assert result.exit_code == 2
    assert f"internal error in a.py: {parallel.WORKER_DIED}" in result.stderr
    assert "b.py:3:" in result.stdout
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    again = runner.invoke(cli, ["check", "--jobs", "1", "--output-format", "concise"])
    assert "a.py:3:" in again.stdout, "a result of the killed run was cached"


def _notebook(*cells: str) -> str:
    return json.dumps(
        {
            "cells": [{"cell_type": "code", "source": c, "metadata": {}} for c in cells],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def test_notebooks_are_settled_on_their_cells_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notebook whose bytes never say ``keras`` is cleared without its IPython
    transformation, unless its cells name Keras through a JSON escape or name
    ``Sequential`` (removing a ``!pip install torch`` line can make that count)."""
    softmax_one = (
        "model = Sequential([Dense(8, input_shape=(4,)), Dense(1, activation='softmax')])\n"
    )
    (tmp_path / "plain.ipynb").write_text(_notebook("import numpy as np\n", "%time x = 1\n"))
    (tmp_path / "escaped.ipynb").write_text(
        _notebook("from keras.models import Sequential\n").replace("keras", "\\u006beras")
    )
    (tmp_path / "pip_torch.ipynb").write_text(_notebook("!pip install torch\n", softmax_one))
    (tmp_path / "torch.ipynb").write_text(_notebook("import torch\n", softmax_one))
    (tmp_path / "snippet.ipynb").write_text(_notebook(softmax_one))  # no import at all
    (tmp_path / "broken.ipynb").write_text('{"cells": [{"cell_type": "code", "source": 3}]}')
    decoded: list[str] = []
    real = parallel.source_from_bytes

    def spy(path: str, data: bytes) -> SourceFile:
        decoded.append(os.path.basename(path))
        return real(path, data)

    monkeypatch.setattr(parallel, "source_from_bytes", spy)
    results = parallel.check_files(
        sorted(str(p) for p in tmp_path.iterdir()), Settings(frozenset({"SEQ001", "SEQ201"}))
    )
    got = {os.path.basename(r.path): [d.code for d in r.diagnostics] for r in results}
    assert got == {
        "broken.ipynb": ["SEQ001"],
        "escaped.ipynb": [],
        "pip_torch.ipynb": ["SEQ201"],  # IPython never sees `torch`: a Keras snippet
        "plain.ipynb": [],
        "snippet.ipynb": ["SEQ201"],
        "torch.ipynb": [],
    }
    assert "plain.ipynb" not in decoded and "broken.ipynb" not in decoded
    assert "escaped.ipynb" in decoded  # analysed: its code does mention Keras


def test_a_warm_concise_run_decodes_no_cached_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cached findings are listed without decoding their files again; a code frame decodes
    the file when it is printed."""
    model = tmp_path / "m.py"
    model.write_text(
        "from keras import Sequential, layers\n"
        "model = Sequential([layers.Dense(1, activation='softmax', input_shape=(4,))])\n"
    )
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    cold = runner.invoke(cli, ["check", "--output-format", "concise", "m.py"])
    assert cold.exit_code == 1, cold.output
    decoded: list[str] = []
    real = parallel.source_from_bytes

    def spy(path: str, data: bytes) -> SourceFile:
        decoded.append(os.path.basename(path))
        return real(path, data)

    monkeypatch.setattr(parallel, "source_from_bytes", spy)
    warm = runner.invoke(cli, ["check", "--output-format", "concise", "m.py"])
    assert (warm.exit_code, warm.output) == (cold.exit_code, cold.output)
    assert decoded == []
    full = runner.invoke(cli, ["check", "m.py"])
    assert decoded == ["m.py"]
    assert "activation='softmax'" in full.output  # the code frame
