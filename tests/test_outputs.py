"""The machine-readable outputs of ``seqlint check``: SARIF, GitHub annotations, JSON lines,
JUnit XML, ``--statistics`` and ``--output-file``.

CLI tests run the real engine on the bundled fixtures (from the repository root, so paths are
``fixtures/...``); reporter tests build findings by hand to pin escaping and edge cases.
"""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, shared_path
from helpers import fixture_findings

import seqlint.rules  # noqa: F401  (registers every rule)
from seqlint.cli import cli
from seqlint.diagnostics import Diagnostic, Edit, Fix, Span
from seqlint.report import FORMATS, render
from seqlint.report.github import escape_data, escape_property
from seqlint.report.sarif import SARIF_SCHEMA, artifact_uri, sarif_log
from seqlint.report.statistics import statistics
from seqlint.rules.base import all_rules

BUGGY = "fixtures/buggy"
GOOD = "fixtures/good"
NOTEBOOK = "fixtures/buggy/notebook_sequence_into_dense.ipynb"


def run(*args: str, input: str | None = None) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, list(args), input=input)


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def diag(
    code: str = "SEQ102",
    name: str = "missing-flatten",
    message: str = "Dense(10) receives (None, 13, 13, 32)",
    severity: str = "error",
    path: str = "model.py",
    span: Span | None = None,
    fix: Fix | None = None,
) -> Diagnostic:
    return Diagnostic(code, name, message, severity, span or Span(3, 5, 3, 14), path=path, fix=fix)


def json_findings(*paths: str) -> list[dict[str, Any]]:
    result = run("check", *paths, "--output-format", "json")
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


# --- SARIF ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text())
    cls = jsonschema.Draft4Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validate(validator: Any, log: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_sarif_validates_and_carries_every_finding(sarif_validator: Any) -> None:
    result = run("check", "fixtures", "--output-format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    validate(sarif_validator, log)
    assert log["version"] == "2.1.0" and log["$schema"] == SARIF_SCHEMA
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "seqlint"
    assert driver["version"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    for descriptor, rule in zip(rules, all_rules(), strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert rule.summary in descriptor["fullDescription"]["text"]
        assert descriptor["help"]["markdown"] == rule.doc()
        assert descriptor["help"]["text"].startswith(rule.summary)
        level = "warning" if rule.severity == "warning" else "error"
        assert descriptor["defaultConfiguration"]["level"] == level

    expected = json_findings("fixtures")
    results = sarif_run["results"]
    assert len(results) == len(expected) == len(fixture_findings())
    for res, want in zip(results, expected, strict=True):
        assert res["ruleId"] == want["code"]
        assert rules[res["ruleIndex"]]["id"] == want["code"]
        assert res["level"] == want["severity"]
        assert res["message"]["text"].endswith(want["message"])
        (loc,) = res["locations"]
        phys = loc["physicalLocation"]
        assert phys["artifactLocation"] == {"uri": want["path"], "uriBaseId": "%SRCROOT%"}
        assert phys["region"]["startLine"] == want["line"]
        assert phys["region"]["startColumn"] == want["column"]
        assert phys["region"]["endLine"] == want["end_line"]
        assert phys["region"]["endColumn"] == want["end_column"]
    assert sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"


def test_sarif_notebook_location_is_cell_relative(sarif_validator: Any) -> None:
    log = json.loads(run("check", NOTEBOOK, "--output-format", "sarif").stdout)
    validate(sarif_validator, log)
    (res,) = log["runs"][0]["results"]
    (want,) = json_findings(NOTEBOOK)
    loc = res["locations"][0]
    region = loc["physicalLocation"]["region"]
    assert region["properties"] == {"cell": want["cell"]}
    assert (region["startLine"], region["startColumn"]) == (want["line"], want["column"])
    assert loc["logicalLocations"][0]["name"] == f"cell {want['cell']}"
    assert res["message"]["text"].startswith(f"cell {want['cell']}:{want['line']}:")


def test_sarif_clean_run_validates(sarif_validator: Any) -> None:
    result = run("check", GOOD, "--output-format", "sarif")
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    validate(sarif_validator, log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(all_rules())


def test_sarif_uris(sarif_validator: Any, tmp_path: Path) -> None:
    base = tmp_path / "repo"
    inside = base / "my dir" / "a b%.py"
    outside = tmp_path / "elsewhere" / "m.py"
    assert artifact_uri(str(inside), base) == ("my%20dir/a%20b%25.py", True)
    uri, relative = artifact_uri(str(outside), base)
    assert not relative and uri == outside.as_uri()
    log = sarif_log(
        [diag(path=str(inside)), diag(path=str(outside), severity="warning")],
        base=base,
        unchecked=1,
    )
    validate(sarif_validator, log)
    first, second = log["runs"][0]["results"]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert "uriBaseId" not in second["locations"][0]["physicalLocation"]["artifactLocation"]
    assert second["level"] == "warning"
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": False}]


def test_sarif_unregistered_code_still_has_a_rule(sarif_validator: Any) -> None:
    log = sarif_log([diag(code="SEQ999", name="mystery")], base=Path.cwd())
    validate(sarif_validator, log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    (res,) = log["runs"][0]["results"]
    assert rules[res["ruleIndex"]]["id"] == "SEQ999"


def test_sarif_region_never_inverted(sarif_validator: Any) -> None:
    log = sarif_log([diag(span=Span(2, 9, 2, 3))], base=Path.cwd())
    validate(sarif_validator, log)
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["endColumn"] >= region["startColumn"]


# --- GitHub annotations -----------------------------------------------------------------------


def test_github_annotation_format() -> None:
    result = run("check", "fixtures/buggy/conv_without_flatten.py", "--output-format", "github")
    assert result.exit_code == 1
    (want,) = json_findings("fixtures/buggy/conv_without_flatten.py")
    assert result.stdout == (
        f"::error file=fixtures/buggy/conv_without_flatten.py,line={want['line']},"
        f"col={want['column']},endLine={want['end_line']},endColumn={want['end_column']},"
        f"title=SEQ102 missing-flatten::{want['message']}\n"
    )


def test_github_warning_level_and_notebook() -> None:
    out = run("check", "fixtures", "--output-format", "github").stdout.splitlines()
    warnings = [line for line in out if line.startswith("::warning ")]
    assert warnings and all("title=SEQ10" in w for w in warnings)
    assert {w.split("title=")[1].split("::")[0] for w in warnings} == {
        "SEQ101 missing-input-shape",
        "SEQ106 input-shape-not-first",
    }
    (nb,) = [line for line in out if ".ipynb" in line]
    assert nb.startswith(f"::error file={NOTEBOOK},title=SEQ102 missing-flatten::cell 4:")
    assert ",line=" not in nb


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    d = diag(path="dir,x/a:b.py", message="50% of\nthe: units, here", severity="warning")
    d.name = "na,me"
    out = render("github", [d])
    assert out == (
        "::warning file=dir%2Cx/a%3Ab.py,line=3,col=5,endLine=3,endColumn=14,"
        "title=SEQ102 na%2Cme::50%25 of%0Athe: units, here\n"
    )
    assert out.count("\n") == 1


# --- JSON lines -------------------------------------------------------------------------------


def test_json_lines_match_json() -> None:
    result = run("check", "fixtures", "--output-format", "json-lines")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [json.loads(line) for line in lines] == json_findings("fixtures")
    assert all(line.startswith("{") and line.endswith("}") for line in lines)


def test_json_lines_clean_is_empty() -> None:
    result = run("check", GOOD, "--output-format", "json-lines")
    assert result.exit_code == 0 and result.stdout == ""


# --- JUnit ------------------------------------------------------------------------------------


def test_junit_one_suite_per_file_one_case_per_finding() -> None:
    result = run("check", "fixtures", "--output-format", "junit")
    assert result.exit_code == 1
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(result.stdout.split("\n", 1)[1])
    expected = json_findings("fixtures")
    assert root.tag == "testsuites"
    assert root.get("tests") == root.get("failures") == str(len(expected))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == sorted({d["path"] for d in expected})
    cases = root.findall("testsuite/testcase")
    assert len(cases) == len(expected)
    for case, want in zip(cases, expected, strict=True):
        assert case.get("name") == f"seqlint.{want['code']}"
        assert case.get("classname") == want["path"].rsplit(".", 1)[0]
        assert case.get("line") == str(want["line"])
        assert case.get("column") == str(want["column"])
        failure = case.find("failure")
        assert failure is not None and failure.get("message") == want["message"]
        assert failure.text is not None and want["code"] in failure.text
        if "cell" in want:
            assert case.get("cell") == str(want["cell"])
            assert failure.text.startswith(f"cell {want['cell']}, line {want['line']}")
    for suite in suites:
        assert suite.get("tests") == suite.get("failures") == str(len(suite.findall("testcase")))


def test_junit_clean_run_and_odd_characters() -> None:
    root = ET.fromstring(render("junit", []).split("\n", 1)[1])
    (case,) = root.findall("testsuite/testcase")
    assert case.get("name") == "No errors found" and case.find("failure") is None
    assert root.get("failures") == "0"
    odd = diag(message='a <b> & "c"\x00\x1b end', path="x&y.py")
    root = ET.fromstring(render("junit", [odd]).split("\n", 1)[1])
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == 'a <b> & "c"\ufffd\ufffd end'
    assert root.find("testsuite").get("name") == "x&y.py"  # type: ignore[union-attr]


# --- every format -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_exit_codes(fmt: str) -> None:
    assert run("check", BUGGY, "--output-format", fmt).exit_code == 1
    assert run("check", BUGGY, "--output-format", fmt, "--exit-zero").exit_code == 0
    clean = run("check", GOOD, "--output-format", fmt)
    assert clean.exit_code == 0
    assert "Traceback" not in clean.output


# --- --statistics -----------------------------------------------------------------------------


def test_statistics_text_like_ruff() -> None:
    result = run("check", "fixtures", "--statistics")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    # markers as in check: [*] some safe fix, [~] unsafe fixes only, [ ] none
    declared = Counter(fixture_findings())
    by_name = {line.split("\t")[2].split("] ")[1]: line for line in lines}
    assert (
        by_name["missing-flatten"] == f"{declared['missing-flatten']}\tSEQ102\t[~] missing-flatten"
    )
    # the safe renames of removed-api bring ruff's [*] marker
    assert by_name["removed-api"].endswith("\tSEQ401\t[*] removed-api")
    assert len(lines) == len(declared)  # one per rule, no summary line, no findings
    counts = [int(line.split("\t")[0]) for line in lines]
    assert counts == sorted(counts, reverse=True)
    assert (
        result.stdout
        == run("check", "fixtures", "--statistics", "--output-format", "concise").stdout
    )


def test_statistics_json() -> None:
    result = run("check", "fixtures", "--statistics", "--output-format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    declared = Counter(fixture_findings())
    rows = {row["name"]: row for row in data}
    assert rows["missing-flatten"] == {
        "code": "SEQ102",
        "name": "missing-flatten",
        "severity": "error",
        "count": declared["missing-flatten"],
        "fixable": True,
        "safe_fixable": False,
    }
    assert {name: row["count"] for name, row in rows.items()} == dict(declared)
    assert [
        json.loads(x)
        for x in run(
            "check", "fixtures", "--statistics", "--output-format", "json-lines"
        ).stdout.splitlines()
    ] == data
    clean = run("check", GOOD, "--statistics", "--output-format", "json")
    assert clean.exit_code == 0 and json.loads(clean.stdout) == []
    assert run("check", GOOD, "--statistics").stdout == ""


def test_statistics_fixable_marker() -> None:
    fix = Fix("Insert Flatten()", (Edit(Span(3, 5, 3, 5), "Flatten(), "),))
    unsafe = Fix("Set units", (Edit(Span(3, 5, 3, 5), "1"),), safe=False)
    diags = [
        diag(),
        diag(fix=fix),
        diag(code="SEQ101", name="missing-input-shape"),
        diag(code="SEQ202", name="output-units", fix=unsafe),
    ]
    rows = statistics(diags)
    assert [(r["code"], r["count"], r["fixable"], r["safe_fixable"]) for r in rows] == [
        ("SEQ102", 2, True, True),
        ("SEQ101", 1, False, False),
        ("SEQ202", 1, True, False),
    ]
    from seqlint.report import render_statistics

    assert render_statistics("full", diags) == (
        "2\tSEQ102\t[*] missing-flatten\n1\tSEQ101\t[ ] missing-input-shape\n"
        "1\tSEQ202\t[~] output-units\n"
    )


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit"])
def test_statistics_in_other_formats_is_a_usage_error(fmt: str) -> None:
    result = run("check", BUGGY, "--statistics", "--output-format", fmt)
    assert result.exit_code == 2
    assert result.stderr.startswith("seqlint: error: --statistics cannot be shown as")
    assert len(result.stderr.splitlines()) == 1


# --- --output-file ----------------------------------------------------------------------------


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "nested" / "seqlint.sarif"
    result = run("check", "fixtures", "--output-format", "sarif", "--output-file", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    log = json.loads(target.read_text())
    assert len(log["runs"][0]["results"]) == len(fixture_findings())
    assert os.listdir(target.parent) == ["seqlint.sarif"]  # no temporary file left behind
    # replaced, not appended; --statistics goes there too
    result = run("check", GOOD, "-o", str(target), "--statistics", "--output-format", "json")
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text()) == []
    mode = target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_output_file_full_format_has_no_color(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    target = tmp_path / "out.txt"
    run("check", BUGGY, "--output-file", str(target))
    text = target.read_text()
    assert "\x1b[" not in text
    assert "Found " in text and " errors and " in text
    assert text.endswith("(unsafe: review the change).\n")


def test_output_file_errors_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "adir").mkdir()
    result = run("check", BUGGY, "--output-file", str(tmp_path / "adir"))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run("check", BUGGY, "--output-file", str(blocker / "x.json"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"seqlint: error: cannot write {blocker / 'x.json'}")


def test_output_file_keeps_the_old_report_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seqlint.report.output as output

    target = tmp_path / "r.json"
    target.write_text("old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", broken_replace)
    result = run("check", BUGGY, "--output-format", "json", "--output-file", str(target))
    assert result.exit_code == 2
    assert "No space left on device" in result.stderr
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["r.json"]


# --- seqlint rules --------------------------------------------------------------------------


def test_rules_json_agrees_with_sarif_and_statistics() -> None:
    rows = json.loads(run("rules", "--output-format", "json").stdout)
    log = json.loads(run("check", "fixtures", "--output-format", "sarif").stdout)
    descriptors = log["runs"][0]["tool"]["driver"]["rules"]
    assert [(r["code"], r["name"]) for r in rows] == [(d["id"], d["name"]) for d in descriptors]
    for row, d in zip(rows, descriptors, strict=True):
        assert row["summary"] == d["shortDescription"]["text"]
        level = "warning" if row["severity"] == "warning" else "error"
        assert d["defaultConfiguration"]["level"] == level
    stats = json.loads(run("check", "fixtures", "--statistics", "--output-format", "json").stdout)
    names = {r["code"]: r["name"] for r in rows}
    assert all(names[s["code"]] == s["name"] for s in stats)
    assert set(stats[0]) <= {"code", "name", "count", "fixable", "safe_fixable"} | set(rows[0])


def test_python_dash_m_sarif(tmp_path: Path) -> None:
    """The whole command as CI runs it, in a fresh process with a path outside the tree."""
    import subprocess
    import sys

    model = tmp_path / "m.py"
    shutil.copy(ROOT / "fixtures/buggy/stacked_lstm.py", model)
    proc = subprocess.run(
        [sys.executable, "-m", "seqlint", "check", str(model), "--output-format", "sarif"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    res = json.loads(proc.stdout)["runs"][0]["results"]
    assert res[0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "m.py",
        "uriBaseId": "%SRCROOT%",
    }


def test_rules_table_fits_100_columns_and_points_to_the_full_text() -> None:
    result = run("rules")
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    rows = [line for line in lines if line.startswith("SEQ")]
    assert len(rows) == len(all_rules())  # one line per rule
    clipped = [line for line in rows if line.endswith("…")]
    assert clipped, "the long summaries are clipped, not wrapped"
    assert lines[-1] == "Full text: seqlint rule CODE (or --output-format json)."


def test_fix_markers_agree_in_check_statistics_and_run(tmp_path: Path) -> None:
    """[*] a safe fix, [~] an unsafe one, the same in every text report (and a run refusal)."""
    model = tmp_path / "m.py"
    model.write_text(
        "import keras\nfrom keras import layers\n\nm = keras.Sequential([\n"
        "    keras.Input(shape=(28, 28, 1)),\n    layers.Conv2D(8, 3),\n"
        "    layers.Dense(1, activation='softmax'),\n])\n"
        "m.compile(optimizer='adam', loss='binary_crossentropy')\n"
    )
    check = run("check", "--no-cache", str(model), "--output-format", "concise").stdout
    assert ": SEQ102 [~] " in check and ": SEQ201 [*] " in check
    stats = run("check", "--no-cache", str(model), "--statistics").stdout
    assert "SEQ102\t[~] missing-flatten" in stats and "SEQ201\t[*] output-activation" in stats
    refusal = run("run", str(model)).stdout
    assert ": SEQ102 [~] " in refusal and ": SEQ201 [*] " in refusal
