"""Warnings are warnings: counted apart, coloured apart, and failing only when asked to."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from seqlint.cli import cli
from seqlint.diagnostics import Diagnostic, Span
from seqlint.report import render, summary_line

# SEQ101 (no input shape) is a warning; the Flatten-less Dense after a conv is an error.
WARNING_ONLY = """\
import keras
from keras import layers

model = keras.Sequential([
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""

MIXED = """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
"""


def run(*args: str) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, ["check", "--no-cache", *args])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    (tmp_path / "warn.py").write_text(WARNING_ONLY)
    (tmp_path / "mixed.py").write_text(MIXED)
    return tmp_path


def test_a_file_with_only_warnings_exits_0_and_says_warning(project: Path) -> None:
    result = run("warn.py")
    assert result.exit_code == 0, result.output
    assert "SEQ101" in result.stdout
    assert result.stdout.rstrip().endswith("Found 1 warning.")


def test_fail_on_warning_makes_warnings_fail(project: Path) -> None:
    assert run("warn.py", "--fail-on", "warning").exit_code == 1
    assert run("warn.py", "--fail-on", "error").exit_code == 0


def test_fail_on_from_pyproject(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.seqlint]\nfail-on = "warning"\n')
    assert run("warn.py").exit_code == 1
    assert run("warn.py", "--fail-on", "error").exit_code == 0  # the command line wins


def test_bad_fail_on_value_is_a_one_line_config_error(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.seqlint]\nfail-on = "info"\n')
    result = run("warn.py")
    assert result.exit_code == 2
    assert result.stderr.startswith("seqlint: error: ")
    assert "'fail-on' must be one of 'error', 'warning'" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_errors_and_warnings_are_counted_apart(project: Path) -> None:
    result = run("mixed.py", "warn.py", "--output-format", "concise")
    assert result.exit_code == 1
    codes = [line.split()[1] for line in result.stdout.splitlines() if ": SEQ" in line]
    errors = sum(1 for c in codes if c != "SEQ101")
    assert "SEQ101" in codes and errors >= 1
    noun = "error" if errors == 1 else "errors"
    warned = codes.count("SEQ101")
    wnoun = "warning" if warned == 1 else "warnings"
    assert f"Found {errors} {noun} and {warned} {wnoun}." in result.stdout


def test_warnings_have_their_own_colour(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = run("mixed.py", "warn.py", "--output-format", "concise")
    yellow, red = "\x1b[33m", "\x1b[31m"
    lines = [line for line in result.stdout.splitlines() if "SEQ" in line]
    assert all(yellow in line and red not in line for line in lines if "SEQ101" in line)
    assert all(red in line for line in lines if "SEQ101" not in line)


@pytest.mark.parametrize("fmt", ["json", "json-lines", "sarif", "github", "junit"])
def test_every_format_keeps_the_level(project: Path, fmt: str) -> None:
    out = run("warn.py", "mixed.py", "--output-format", fmt).stdout
    if fmt == "json":
        levels = {d["code"]: d["severity"] for d in json.loads(out)}
    elif fmt == "json-lines":
        levels = {d["code"]: d["severity"] for d in map(json.loads, out.splitlines())}
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        levels = {r["ruleId"]: r["level"] for r in results}
    elif fmt == "github":
        levels = {
            line.split("title=")[1].split()[0]: line[2:].split()[0] for line in out.splitlines()
        }
    else:
        cases = ET.fromstring(out).iter("testcase")
        levels = {c.get("name", "").split(".")[1]: c[0].get("type") for c in cases}
    assert levels.pop("SEQ101") == "warning"
    assert levels and set(levels.values()) == {"error"}


def test_summary_line_wording() -> None:
    def d(severity: str) -> Diagnostic:
        return Diagnostic("SEQ1", "x", "m", severity, Span(1, 1, 1, 2))

    assert summary_line([]) == "All checks passed!"
    assert summary_line([d("warning")]) == "Found 1 warning."
    assert summary_line([d("error"), d("error"), d("warning")]) == "Found 2 errors and 1 warning."
    assert summary_line([d("warning")] * 2, unchecked=1) == (
        "Found 2 warnings; 1 file could not be checked."
    )
    assert render("concise", [d("warning")]).endswith("Found 1 warning.\n")
