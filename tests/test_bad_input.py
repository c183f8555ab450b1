"""Bad input gets one clear line and a defined exit code, never a traceback."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from seqlint.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_python2_file_is_a_syntax_error_with_cpythons_explanation(tmp_path: Path) -> None:
    (tmp_path / "old.py").write_text("import keras\nprint 'training'\n")
    code, out, err = run("check", "--output-format", "concise", str(tmp_path))
    assert code == 1
    assert "old.py:2:1: SEQ001" in out and "Missing parentheses in call to 'print'" in out
    assert "Traceback" not in out + err


def test_summary_of_unparsable_file_is_one_line_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "old.py"
    bad.write_text("import keras\nprint 'x'\n")
    code, out, err = run("summary", str(bad))
    assert code == 1  # as check: a finding (SEQ001), not a usage error
    assert err.count("\n") == 1 and "cannot parse" in err
    assert "Traceback" not in err


def test_broken_pyproject_meant_for_seqlint_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.seqlint\nselect = [\n")
    (tmp_path / "m.py").write_text("import keras\n")
    code, _out, err = run("check", str(tmp_path / "m.py"))
    assert code == 2
    assert "invalid TOML" in err and "Traceback" not in err


def test_unrelated_broken_pyproject_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\n")
    (tmp_path / "m.py").write_text("import keras\n")
    code, _out, _err = run("check", str(tmp_path / "m.py"))
    assert code == 0
