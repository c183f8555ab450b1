"""benchmarks/lint_speed.py keeps working: a tiny tree, every timing printed."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from conftest import ROOT


def test_the_benchmark_runs_on_a_tiny_tree(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("lint_speed", ROOT / "benchmarks/lint_speed.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    status = bench.main(["--files", "30", "--repeat", "1", "--no-pylint", "--jobs", "1"])
    out = capsys.readouterr().out
    assert status in (0, 1)  # a tiny tree measures start-up more than checking
    for label in ("seqlint cold", "seqlint --no-cache", "seqlint warm"):
        assert label in out
    if bench._tool("ruff"):
        assert "seqlint cold / ruff" in out


def test_the_tree_is_what_it_says(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("lint_speed", ROOT / "benchmarks/lint_speed.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    root = tmp_path
    stats = bench.build_tree(root, n_files=50, keras_fraction=0.2, seed=1)
    assert stats["files"] == 50 and stats["keras_py"] + stats["keras_ipynb"] == 10
    for nb in root.rglob("*.ipynb"):
        assert json.loads(nb.read_text())["nbformat"] == 4
    for py in root.rglob("*.py"):
        compile(py.read_text(), str(py), "exec")
