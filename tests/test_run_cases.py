"""Whole programs through ``seqlint run --train``: clean models must learn, programs that are
valid Keras but cannot learn must say why (exit 1). Each was checked under real Keras 3.15.1
first; the first line of each case says what the run must answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from seqlint.cli import cli

CASES = sorted((Path(__file__).parent / "run_cases").glob("*.py"))
# decided before any training: fast enough for every run of the suite
QUICK = {
    "bad_every_layer_frozen_loop",
    "bad_vocab_overflow_imdb",
    "bad_imdb_per_token_head",
    "bad_mnist_frozen",
    "good_mlp_softmax",
    "good_embedding_lstm",
}


def _param(path: Path) -> object:
    marks = () if path.stem in QUICK else (pytest.mark.slow,)
    return pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("path", [_param(p) for p in CASES])
def test_run_case(path: Path) -> None:
    expect = path.read_text().splitlines()[0].removeprefix("# expect: ")
    result = CliRunner().invoke(
        cli, ["run", str(path), "--train", "--force", "--verbose", "0", "--output-format", "json"]
    )
    data = json.loads(result.stdout)
    if expect == "learns":
        assert (result.exit_code, data["verdict"]) == (0, "learns"), data["reasons"]
    else:
        cause = expect.removeprefix("does not learn: ")
        assert (result.exit_code, data["verdict"]) == (1, "does not learn"), data
        assert any(cause in reason for reason in data["reasons"]), data["reasons"]
