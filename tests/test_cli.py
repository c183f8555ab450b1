"""The command line as a user meets it: exit codes, formats, noqa, config, notebooks, errors.

The analysis engine is replaced by a fake that flags every ``BAD`` (SEQ102) and ``WARN``
(SEQ101) in a file and raises on ``CRASH``, so these tests pin the shell around it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import seqlint.check
import seqlint.rules  # registered before the fake registry replaces it
import seqlint.rules.base as rules_base
import seqlint.summary
from seqlint import __version__
from seqlint.cli import cli
from seqlint.diagnostics import Diagnostic, Edit, Fix
from seqlint.rules.base import Example, Rule
from seqlint.sources import SourceFile
from seqlint.summary import LayerSummary, ModelSummary

assert seqlint.rules  # imported for its side effect


def make_rule(code: str, name: str, default: bool = True, **extra: Any) -> Rule:
    attrs = {"code": code, "name": name, "default": default, "summary": f"{name} summary", **extra}
    return type(f"Fake{code}", (Rule,), attrs)()


@pytest.fixture(autouse=True)
def fake_world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    registry = {
        r.code: r
        for r in [
            make_rule("SEQ001", "syntax-error", summary="The file cannot be parsed."),
            make_rule(
                "SEQ101",
                "missing-input-shape",
                severity="warning",
                examples=(Example("model = Sequential([Dense(3)])\n", bad=True),),
            ),
            make_rule("SEQ102", "missing-flatten", fixable=True),
            make_rule("SEQ301", "opt-in", default=False),
        ]
    }
    monkeypatch.setattr(rules_base, "_RULES", registry)
    monkeypatch.setattr(seqlint.check, "check_source", fake_check)
    monkeypatch.setattr(seqlint.summary, "summarize_source", fake_summary)
    monkeypatch.setattr(
        seqlint.summary, "summarize", lambda src, notes=None: (fake_summary(src), [])
    )
    # the fake engine sees every file (the real one's keyword pre-filter would skip them),
    # and its results must not outlive a test in the cache
    monkeypatch.setattr(seqlint.check, "relevant", lambda text: True)
    monkeypatch.setenv("SEQLINT_NO_CACHE", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.chdir(tmp_path)
    yield


def fake_check(src: SourceFile, select: Collection[str] | None = None) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for n, line in enumerate(src.text.split("\n"), start=1):
        if "CRASH" in line:
            raise RuntimeError("engine exploded\nsecond line")
        for word, code, name in (("BAD", "SEQ102", "missing-flatten"), ("WARN", "SEQ101", "x")):
            col = line.find(word)
            if col < 0 or (select is not None and code not in select):
                continue
            span = src.span(n, col + 1, n, col + 1 + len(word))
            d = Diagnostic(code, name, f"{word} found", "error", span)
            if code == "SEQ102":
                d.trace = [("Conv2D(32, 3)", "(None, 26, 26, 32)"), ("Dense(10)", "error")]
                d.suggestion = "add Flatten() before it"
                d.fix = Fix("Insert Flatten()", (Edit(span, "layers.Flatten(), BAD"),))
            out.append(d)
    return out


def fake_summary(src: SourceFile) -> list[ModelSummary]:
    return [
        ModelSummary(
            name="sequential",
            variable="model",
            line=3,
            input_shape=[None, 8],
            built=True,
            total_params=1_290,
            trainable_params=1_290,
            non_trainable_params=0,
            layers=[
                LayerSummary("Dense", "dense", [None, 64], 576, 4),
                LayerSummary("Dense", "dense_1", [None, 10], 650, 5),
                LayerSummary("Lambda", "lambda", None, None, 6),
            ],
        )
    ]


def run(*args: str, input: str | bytes | None = None) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, list(args), input=input)


def write(path: str, text: str) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [{"cell_type": t, "metadata": {}, "source": s} for t, s in cells],
        }
    )


# --- check: exit codes and formats ----------------------------------------------------------


def test_clean_run_exits_0() -> None:
    write("a.py", "import keras\n")
    result = run("check")
    assert result.exit_code == 0, result.output
    assert result.stdout == "All checks passed!\n"


def test_findings_exit_1_and_full_format() -> None:
    write("a.py", "import keras\nx = [BAD]\n")
    result = run("check")
    assert result.exit_code == 1
    out = result.stdout
    assert out.startswith("a.py:2:6: SEQ102 [*] BAD found\n")
    assert "2 | x = [BAD]\n" in out
    assert re.search(r"\n  \|      \^\^\^ SEQ102\n", out), out
    assert "= trace:" in out and "Conv2D(32, 3)  (None, 26, 26, 32)" in out
    assert "= help: add Flatten() before it" in out
    assert out.endswith("Found 1 error.\n[*] 1 fixable with the `--fix` option.\n")
    assert "\x1b[" not in out  # no colour when not a terminal


def test_exit_zero() -> None:
    write("a.py", "BAD\n")
    assert run("check", "--exit-zero").exit_code == 0


def test_concise_format_is_one_line_per_finding() -> None:
    write("a.py", "BAD\nWARN\n")
    write("b.py", "x = BAD\n")
    result = run("check", "--output-format", "concise")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "a.py:1:1: SEQ102 [*] BAD found",
        "a.py:2:1: SEQ101 WARN found",
        "b.py:1:5: SEQ102 [*] BAD found",
        "Found 3 errors.",
        "[*] 2 fixable with the `--fix` option.",
    ]


def test_json_format_is_valid_and_sorted() -> None:
    write("b.py", "BAD\n")
    write("a.py", "\nWARN BAD\n")
    result = run("check", "--output-format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(d["path"], d["line"], d["column"], d["code"]) for d in data] == [
        ("a.py", 2, 1, "SEQ101"),
        ("a.py", 2, 6, "SEQ102"),
        ("b.py", 1, 1, "SEQ102"),
    ]
    first = data[1]
    for key in ("code", "name", "message", "severity", "path", "line", "column"):
        assert key in first
    assert first["end_column"] == 9 and first["fix"]["edits"]
    assert data[0]["fix"] is None


def test_json_clean_is_empty_array() -> None:
    write("a.py", "x = 1\n")
    result = run("check", "--output-format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_github_format() -> None:
    write("a.py", "BAD\n")
    result = run("check", "--output-format", "github")
    assert result.stdout == (
        "::error file=a.py,line=1,col=1,endLine=1,endColumn=4,title=SEQ102 missing-flatten::"
        "BAD found\n"
    )


# --- selection, config, noqa ---------------------------------------------------------------


def test_select_ignore_extend_select() -> None:
    write("a.py", "BAD WARN\n")

    def codes(*args: str) -> list[str]:
        result = run("check", "--output-format", "json", *args)
        return [d["code"] for d in json.loads(result.stdout)]

    assert codes() == ["SEQ102", "SEQ101"]
    assert codes("--select", "SEQ101") == ["SEQ101"]
    assert codes("--ignore", "missing-flatten") == ["SEQ101"]
    assert codes("--select", "SEQ301", "--extend-select", "SEQ101,SEQ102") == ["SEQ102", "SEQ101"]
    assert codes("--select", "SEQ1", "--ignore", "SEQ101") == ["SEQ102"]


def test_unknown_selector_is_usage_error() -> None:
    write("a.py", "BAD\n")
    result = run("check", "--select", "SEQ999")
    assert result.exit_code == 2
    assert (
        result.stderr == "seqlint: error: unknown rule selector 'SEQ999' in command line (select)\n"
    )
    assert result.stdout == ""


def test_pyproject_config_is_found_and_applied() -> None:
    write(
        "pyproject.toml",
        '[tool.seqlint]\nignore = ["SEQ101"]\nextend-exclude = ["generated"]\n'
        '[tool.seqlint.per-file-ignores]\n"tests/**" = ["SEQ102"]\n',
    )
    write("src/m.py", "BAD WARN\n")
    write("tests/test_m.py", "BAD WARN\n")
    write("generated/g.py", "BAD\n")
    result = run("check", "--output-format", "concise")
    assert result.stdout.splitlines() == [
        "src/m.py:1:1: SEQ102 [*] BAD found",
        "Found 1 error.",
        "[*] 1 fixable with the `--fix` option.",
    ]
    # from a subdirectory, the same pyproject.toml applies
    result = run("check", "tests", "--output-format", "concise")
    assert result.exit_code == 0, result.output


def test_config_errors_exit_2_with_one_line() -> None:
    write("pyproject.toml", '[tool.seqlint]\nselect = "SEQ1"\n')
    write("a.py", "BAD\n")
    result = run("check")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "'select' must be a list of strings" in lines[0]
    assert "Traceback" not in result.output


def test_explicit_config_option(tmp_path: Path) -> None:
    write("a.py", "BAD WARN\n")
    write("cfg/seqlint.toml", 'select = ["SEQ101"]\n')
    result = run("check", "--config", "cfg/seqlint.toml", "--output-format", "concise")
    assert result.stdout.splitlines()[0] == "a.py:1:5: SEQ101 WARN found"
    result = run("check", "--config", "missing.toml")
    assert result.exit_code == 2 and "config file not found" in result.stderr


def test_noqa_is_applied() -> None:
    write("a.py", "BAD  # noqa\nBAD WARN  # noqa: SEQ101\nWARN  # noqa: missing-flatten\n")
    result = run("check", "--output-format", "concise")
    assert result.stdout.splitlines() == [
        "a.py:2:1: SEQ102 [*] BAD found",
        "a.py:3:1: SEQ101 WARN found",
        "Found 2 errors.",
        "[*] 1 fixable with the `--fix` option.",
    ]
    write("b.py", "# seqlint: noqa\nBAD\n")
    assert "b.py" not in run("check").stdout


# --- notebooks ----------------------------------------------------------------------------


def test_notebook_locations_are_per_cell() -> None:
    write(
        "nb.ipynb",
        notebook(
            ("markdown", "# Model"),
            ("code", "!pip install keras\nimport keras"),
            ("markdown", "more"),
            ("code", "model = 1\nx = BAD  # ok\ny = WARN  # noqa"),
        ),
    )
    result = run("check", "--output-format", "concise")
    assert result.stdout.splitlines() == [
        "nb.ipynb:cell 4:2:5: SEQ102 [*] BAD found",
        "Found 1 error.",
        "[*] 1 fixable with the `--fix` option.",
    ]
    full = run("check").stdout
    assert full.startswith("nb.ipynb:cell 4:2:5: SEQ102")
    assert "1 | model = 1\n" in full and "2 | x = BAD  # ok\n" in full
    assert "import keras" not in full  # the frame stays inside the cell
    data = json.loads(run("check", "--output-format", "json").stdout)
    assert (data[0]["cell"], data[0]["line"], data[0]["column"]) == (4, 2, 5)


# --- bad input and internal errors ----------------------------------------------------------


def test_unreadable_files_are_seq001_and_the_run_goes_on() -> None:
    Path("bin.py").write_bytes(b"\x00\x01\x02")
    Path("latin.py").write_bytes(b"x = '\xe9'\n")
    write("broken.ipynb", '{"cells": [')
    write("z.py", "BAD\n")
    result = run("check", "--output-format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(d["path"], d["code"]) for d in data] == [
        ("bin.py", "SEQ001"),
        ("broken.ipynb", "SEQ001"),
        ("latin.py", "SEQ001"),
        ("z.py", "SEQ102"),
    ]
    assert data[0]["name"] == "syntax-error" and "binary" in data[0]["message"]
    assert data[1]["message"].startswith("invalid notebook JSON")
    # SEQ001 is reported whatever the selection
    result = run("check", "--select", "SEQ101", "--output-format", "concise")
    assert result.stdout.count("SEQ001") == 3


def test_internal_error_is_one_line_and_the_run_goes_on() -> None:
    write("a.py", "CRASH\n")
    write("b.py", "BAD\n")
    result = run("check", "--output-format", "concise")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "seqlint: internal error in a.py: RuntimeError: engine exploded second line\n"
    )
    assert "b.py:1:1: SEQ102" in result.stdout
    assert result.stdout.endswith(
        "Found 1 error; 1 file could not be checked.\n[*] 1 fixable with the `--fix` option.\n"
    )
    assert "Traceback" not in result.output


def test_engine_not_written_yet_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_yet(src: SourceFile, select: Collection[str] | None = None) -> list[Diagnostic]:
        raise NotImplementedError

    monkeypatch.setattr(seqlint.check, "check_source", not_yet)
    write("a.py", "x\n")
    result = run("check")
    assert result.exit_code == 2
    assert result.stderr == "seqlint: internal error in a.py: NotImplementedError\n"


def test_missing_path_is_usage_error() -> None:
    result = run("check", "nope.py")
    assert result.exit_code == 2
    assert result.stderr == "seqlint: error: path does not exist: nope.py\n"


def test_unknown_option_is_one_line() -> None:
    result = run("check", "--selct", "SEQ1")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("seqlint: error: No such option")


def test_no_files_found_warns_and_passes() -> None:
    Path("empty").mkdir()
    result = run("check", "empty")
    assert result.exit_code == 0
    assert "no Python files found" in result.stderr


def test_excluded_dirs_are_skipped_but_explicit_files_checked() -> None:
    write(".venv/lib/m.py", "BAD\n")
    write("build/m.py", "BAD\n")
    assert run("check").exit_code == 0
    assert run("check", "build/m.py").exit_code == 1


# --- stdin --------------------------------------------------------------------------------


def test_stdin_with_filename() -> None:
    write("pyproject.toml", '[tool.seqlint.per-file-ignores]\n"legacy/*" = ["SEQ102"]\n')
    result = run(
        "check", "--stdin-filename", "pkg/m.py", "--output-format", "concise", input="x = BAD\n"
    )
    assert result.stdout.splitlines()[0] == "pkg/m.py:1:5: SEQ102 [*] BAD found"
    result = run("check", "-", "--stdin-filename", "legacy/m.py", input="x = BAD\n")
    assert result.exit_code == 0
    result = run("check", "-", "--output-format", "concise", input="BAD\n")
    assert result.stdout.startswith("-:1:1: SEQ102")


def test_stdin_notebook() -> None:
    nb = notebook(("markdown", "t"), ("code", "BAD"))
    result = run("check", "--stdin-filename", "nb.ipynb", "--output-format", "concise", input=nb)
    assert result.stdout.startswith("nb.ipynb:cell 2:1:1: SEQ102")


# --- summary, rules, rule, version ------------------------------------------------------------


def test_summary_text() -> None:
    write("m.py", "import keras\n")
    result = run("summary", "m.py")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith('Model: "sequential"  (model, line 3)\n')
    assert re.search(r"Layer \(type\)\s+Output Shape\s+Param #", out)
    assert re.search(r"dense \(Dense\)\s+\(None, 64\)\s+576\n", out)
    assert re.search(r"lambda \(Lambda\)\s+\?\s+\?\n", out)
    assert "Total params: 1,290 (5.04 KB)" in out
    assert "Non-trainable params: 0 (0.00 B)" in out


def test_summary_json() -> None:
    write("m.py", "import keras\n")
    result = run("summary", "m.py", "--output-format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["path"] == "m.py"
    model = data["models"][0]
    assert model["input_shape"] == [None, 8]
    assert model["total_params"] == 1290 and model["built"] is True
    assert model["layers"][0] == {
        "class": "Dense",
        "name": "dense",
        "output_shape": [None, 64],
        "params": 576,
        "line": 4,
    }
    assert model["layers"][2]["output_shape"] is None


def test_summary_exit_codes_are_check_s() -> None:
    """2 for usage errors only; a file that cannot be read is reported as check does, exit 1."""
    assert run("summary", "missing.py").exit_code == 2
    Path("bin.py").write_bytes(b"\x00")
    result = run("summary", "bin.py")
    assert result.exit_code == 1
    assert result.stderr.startswith("bin.py:1:1: SEQ001 binary file")


def test_rules_text_and_json() -> None:
    result = run("rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Code", "Name", "Severity", "On", "Fix", "Summary"]
    assert re.match(
        r"SEQ102\s+missing-flatten\s+error\s+yes\s+yes\s+missing-flatten summary", lines[4]
    )
    data = json.loads(run("rules", "--output-format", "json").stdout)
    assert data[3] == {
        "code": "SEQ301",
        "name": "opt-in",
        "severity": "error",
        "default": False,
        "fixable": False,
        "summary": "opt-in summary",
    }


def test_rule_doc_by_code_or_name() -> None:
    result = run("rule", "SEQ101")
    assert result.exit_code == 0
    assert result.stdout.startswith("# missing-input-shape (SEQ101)")
    assert "model = Sequential([Dense(3)])" in result.stdout
    assert run("rule", "missing-flatten").stdout.startswith("# missing-flatten (SEQ102)")


def test_unknown_rule_exits_2() -> None:
    result = run("rule", "missing-flaten")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "seqlint: error: unknown rule 'missing-flaten' (did you mean 'missing-flatten'?); "
        "'seqlint rules' lists them"
    ]


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"seqlint {__version__}\n"


def test_python_dash_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "seqlint", "rule", "no-such-rule"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("seqlint: error: unknown rule 'no-such-rule'")
    assert "Traceback" not in proc.stderr
