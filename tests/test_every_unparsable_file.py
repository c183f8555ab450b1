"""The README's promise: every file that cannot be parsed is reported (as ruff does), also
files the Keras pre-filter does not analyse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from seqlint.cli import cli


def check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", "--output-format", "concise", *args])
    return result.exit_code, result.stdout


def test_files_that_never_mention_keras_are_still_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "py2.py").write_text("import os\nprint 'hi'\n")
    (tmp_path / "fine.py").write_text("import os\nprint('hi')\n")
    cells = [
        {"cell_type": "code", "metadata": {}, "source": s, "outputs": []}
        for s in ("%matplotlib inline", "def f(:\n    pass", "x = 1")
    ]
    (tmp_path / "nb.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}}))
    monkeypatch.chdir(tmp_path)
    for extra in (["--no-cache"], [], []):  # cold, then filling and reading the cache
        code, out = check(".", *extra)
        assert code == 1
        lines = out.splitlines()
        assert lines[:2] == [
            "nb.ipynb:cell 2:1:7: SEQ001 cannot parse this cell as Python 3: invalid syntax",
            "py2.py:2:1: SEQ001 cannot parse the file as Python 3: Missing parentheses in call to "
            "'print'. Did you mean print(...)?",
        ]
        assert "fine.py" not in out
    assert any((tmp_path / ".seqlint_cache").iterdir())
