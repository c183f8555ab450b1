"""The bundled fixtures: good models are clean, buggy ones report exactly what they declare."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from seqlint.cli import cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXPECT = re.compile(r"^# expect: ([a-z-]+)@(\d+)$", re.M)


def run_json(*paths: Path) -> list[dict]:
    result = CliRunner().invoke(cli, ["check", "--output-format", "json", *map(str, paths)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("path", sorted((FIXTURES / "good").glob("*.py")), ids=lambda p: p.name)
def test_good_fixture_is_clean(path: Path) -> None:
    assert run_json(path) == []


@pytest.mark.parametrize("path", sorted((FIXTURES / "buggy").glob("*.py")), ids=lambda p: p.name)
def test_buggy_fixture_reports_what_it_declares(path: Path) -> None:
    expected = sorted((rule, int(line)) for rule, line in EXPECT.findall(path.read_text()))
    assert expected, f"{path.name} declares no '# expect: rule@line'"
    got = sorted((d["name"], d["line"]) for d in run_json(path))
    assert got == expected


def test_notebook_fixture_reports_cell_and_line() -> None:
    (finding,) = run_json(FIXTURES / "buggy" / "notebook_sequence_into_dense.ipynb")
    assert (finding["name"], finding["cell"], finding["line"]) == ("missing-flatten", 4, 4)


def test_check_fixtures_exits_1_with_findings() -> None:
    result = CliRunner().invoke(cli, ["check", str(FIXTURES)])
    assert result.exit_code == 1
    assert "SEQ102" in result.stdout and "Found" in result.stdout
