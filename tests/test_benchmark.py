"""The benchmarks keep working: lint_speed on a tiny tree with every timing printed;
train_speed builds the issue's models and names the BLAS it ran on."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT


def _bench(name: str) -> Any:
    """A script under benchmarks/ as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_the_benchmark_runs_on_a_tiny_tree(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _bench("lint_speed")
    status = bench.main(["--files", "30", "--repeat", "1", "--no-pylint", "--jobs", "1"])
    out = capsys.readouterr().out
    assert status in (0, 1)  # a tiny tree measures start-up more than checking
    for label in ("seqlint cold", "seqlint --no-cache", "seqlint warm"):
        assert label in out
    if bench._tool("ruff"):
        assert "seqlint cold / ruff" in out


def test_the_tree_is_what_it_says(tmp_path: Path) -> None:
    bench = _bench("lint_speed")
    root = tmp_path
    stats = bench.build_tree(root, n_files=50, keras_fraction=0.2, seed=1)
    assert stats["files"] == 50 and stats["keras_py"] + stats["keras_ipynb"] == 10
    for nb in root.rglob("*.ipynb"):
        assert json.loads(nb.read_text())["nbformat"] == 4
    for py in root.rglob("*.py"):
        compile(py.read_text(), str(py), "exec")


def test_train_speed_builds_the_issue_models_in_the_runtime() -> None:
    from seqlint import runtime

    bench = _bench("train_speed")
    params = {"mlp": 101_770, "cnn": 225_034, "lstm": 21_386}  # Keras model.summary()
    for model, count in params.items():
        net = bench.keras_like(runtime, model)
        assert net.count_params() == count, model
        assert net.optimizer.name == "adam"


def test_train_speed_names_the_blas_kernels_it_ran_on() -> None:
    bench = _bench("train_speed")
    assert bench.blas_kernels().split()[0] in ("OpenBLAS", "MKL", "blis", "unknown")
