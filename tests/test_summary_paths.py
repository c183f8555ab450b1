"""``seqlint summary`` over paths as ``check`` takes them: cell numbers, broken cells, layers
Keras 3 rejects, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from seqlint.cli import cli

MODEL = (
    "import keras\nfrom keras import layers\n"
    "model = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.Dense(1)])\n"
)


def notebook(*sources: str) -> str:
    cells = [{"cell_type": "code", "metadata": {}, "source": s, "outputs": []} for s in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["summary", *args])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "a.py").write_text(MODEL)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "nb.ipynb").write_text(
        notebook("import numpy as np", "print 'py2'", MODEL, "x = 1\nls data/\n")
    )
    (tmp_path / "plain.py").write_text("x = 1\n")
    return tmp_path


def test_directories_and_notebooks_with_cell_numbers(tree: Path) -> None:
    result = run(str(tree), "--output-format", "json")
    assert result.exit_code == 1  # two notebook cells do not parse: reported as check does
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)}
    assert set(files) == {"a.py", "nb.ipynb"}
    model = files["nb.ipynb"]["models"][0]
    assert (model["cell"], model["line"]) == (3, 3)
    assert [(layer["cell"], layer["params"]) for layer in model["layers"]] == [(3, 40), (3, 9)]
    assert "nb.ipynb:cell 2:1:1: SEQ001" in result.stderr
    assert "nb.ipynb:cell 4:2:" in result.stderr

    text = run(str(tree)).stdout
    assert f"(model, {tree / 'sub' / 'nb.ipynb'}, cell 3, line 3)" in text
    assert text.endswith("2 Sequential models in 2 of 3 files.\n")


def test_one_file_keeps_its_json_object(tree: Path) -> None:
    result = run(str(tree / "a.py"), "--output-format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["models"][0]["total_params"] == 49
    assert run(str(tree / "plain.py")).stdout == f"No Sequential models found in {tree}/plain.py.\n"
    assert run(str(tree / "missing.py")).exit_code == 2


def test_every_layer_is_listed_when_keras_3_rejects_a_keyword(tmp_path: Path) -> None:
    (tmp_path / "old.py").write_text(
        "from keras.models import Sequential\nfrom keras.layers import Dense, Dropout\n"
        "model = Sequential()\n"
        "model.add(Dense(64, init='uniform', input_dim=8))\n"
        "model.add(Dropout(0.5))\n"
        "model.add(Dense(1, activation='sigmoid'))\n"
    )
    result = run(str(tmp_path / "old.py"))
    assert result.exit_code == 0
    out = result.stdout
    assert "(no layers)" not in out
    assert "dense (Dense) (!)" in out and "dropout (Dropout)" in out and "dense_1 (Dense)" in out
    assert "(!) dense (line 4): Keras 3 rejects `init=`" in out
    data = json.loads(run(str(tmp_path / "old.py"), "--output-format", "json").stdout)
    # JSON "layers" is what Keras adds before the refusal (nothing here), "not_added" the rest
    model = data["models"][0]
    assert model["layers"] == []
    assert [layer.get("rejected") for layer in model["not_added"]] == [
        "Keras 3 rejects `init=`",
        None,
        None,
    ]


def test_writefile_models_are_summarised_in_their_cell(tmp_path: Path) -> None:
    (tmp_path / "nb.ipynb").write_text(notebook("%%writefile model.py\n" + MODEL))
    data = json.loads(run(str(tmp_path / "nb.ipynb"), "--output-format", "json").stdout)
    assert [(m["cell"], m["line"]) for m in data["models"]] == [(1, 4)]


def test_a_broken_written_file_is_reported_in_its_cell(tmp_path: Path) -> None:
    (tmp_path / "nb.ipynb").write_text(
        notebook("%%writefile m.py\nimport keras\nprint 'x'\n", MODEL)
    )
    result = run(str(tmp_path / "nb.ipynb"), "--output-format", "json")
    assert result.exit_code == 1
    assert "nb.ipynb:cell 1:3:1: SEQ001" in result.stderr
    assert [(m["cell"], m["line"]) for m in json.loads(result.stdout)["models"]] == [(2, 3)]
