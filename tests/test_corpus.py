"""Score seqlint on ../shared/corpus with the scorer's own definitions, through the CLI's JSON.

The scorer (``../shared/tools/score_corpus.py``) is loaded as a module and its ``run`` is pointed
at our click CLI in-process, so this is the exact scoring the team uses, just without 170
subprocesses.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import shared_path

from seqlint.cli import cli

ISSUE2_SLUGS = (
    "missing-input-shape",
    "missing-flatten",
    "incompatible-rank",
    "invalid-dimension",
    "output-activation-mismatch",
    "output-units-mismatch",
    "branching-in-sequential",
    "input-shape-not-first",
)


def _scorer():
    path = shared_path("tools", "score_corpus.py")
    spec = importlib.util.spec_from_file_location("score_corpus", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    runner = CliRunner()

    def run(cmd: list[str]) -> tuple[int, str, str]:
        result = runner.invoke(cli, cmd[1:], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    module.run = run
    return module


def _score(tmp_path: Path, slugs: tuple[str, ...] = ()) -> dict:
    scorer = _scorer()
    corpus = shared_path("corpus")
    out = tmp_path / "score.json"
    argv = ["score_corpus.py", str(corpus), "--json", str(out), "--quiet"]
    if slugs:
        argv += ["--slugs", ",".join(slugs)]
    old = sys.argv
    sys.argv = argv
    try:
        scorer.main()
    finally:
        sys.argv = old
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def issue2_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _score(tmp_path_factory.mktemp("score"), ISSUE2_SLUGS)


def test_corpus_findings_for_the_core_rules(issue2_report: dict) -> None:
    r = issue2_report
    print(
        f"\ncore rules: precision={r['precision']:.3f} recall={r['recall']:.3f} "
        f"per slug={r['per_slug']}"
    )
    assert r["precision"] >= 0.95
    assert r["recall"] >= 0.85


def test_corpus_shapes_match_keras(issue2_report: dict) -> None:
    ok, total = issue2_report["shape_parity"]
    print(f"\nshape parity: {ok}/{total} = {ok / total:.3f}")
    assert total > 0
    assert ok / total >= 0.95


def test_corpus_never_crashes(issue2_report: dict) -> None:
    assert issue2_report["crashes"] == []
    assert issue2_report["no_json_output"] == []


def test_corpus_all_rules(tmp_path: Path) -> None:
    """Every slug of the catalogue together (issue 6): precision >= 0.97, recall >= 0.90."""
    r = _score(tmp_path)
    print(f"\nall rules: precision={r['precision']:.3f} recall={r['recall']:.3f}")
    for slug, row in sorted(r["per_slug"].items()):
        print(f"  {slug:28} {row}")
    assert r["precision"] >= 0.97
    assert r["recall"] >= 0.90
