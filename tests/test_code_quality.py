"""The project's own standards as tests, so CI enforces them: mypy-clean and ruff-clean."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    pytest.importorskip("mypy", reason="mypy is in the test extra: pip install -e '.[test]'")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "seqlint"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-4000:]


@pytest.mark.slow
def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is in the test extra: pip install -e '.[test]'")
    paths = ["seqlint", "tests", "benchmarks", "scripts"]
    for args in (["check", *paths], ["format", "--check", *paths]):
        proc = subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout[-4000:]
