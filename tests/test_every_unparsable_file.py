"""The README's rule for unparsable files, exactly: a file that mentions keras and cannot be
parsed is SEQ001 (a notebook: in each cell that does not compile), and so is every file that
cannot be read; a file that never mentions keras is not parsed (unlike ruff)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from seqlint.cli import cli


def test_which_unparsable_files_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "py2_keras.py").write_text("import keras\nprint 'hi'\n")
    (tmp_path / "py2_plain.py").write_text("import os\nprint 'hi'\n")
    (tmp_path / "binary.py").write_bytes(b"x = 1\x00\n")
    cells = [
        {"cell_type": "code", "metadata": {}, "source": s, "outputs": []}
        for s in ("import keras\n%matplotlib inline", "def f(:\n    pass", "x = 1")
    ]
    (tmp_path / "nb.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}}))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--output-format", "concise", "."])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        "binary.py:1:6: SEQ001 binary file (contains NUL bytes), not Python source",
        "nb.ipynb:cell 2:1:7: SEQ001 cannot parse this cell as Python 3: invalid syntax",
        "py2_keras.py:2:1: SEQ001 cannot parse the file as Python 3: Missing parentheses in call "
        "to 'print'. Did you mean print(...)?",
    ]
    assert "py2_plain.py" not in result.stdout
