"""The entry point's own parser for ``check`` (``seqlint.launch``) against click's.

A plain ``seqlint check`` skips click to start faster; what it accepts must mean exactly what
click makes of it, and whatever it does not take must reach click (for the help and errors).
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlint.cli import cli
from seqlint.commands.check import run_check
from seqlint.launch import CHECK_ENVVARS, CHECK_OPTIONS, parse_check

CHECK = cli.commands["check"]
#: options the launcher leaves to click: they need click's path checks, or are help
LEFT_TO_CLICK = {"--config", "--output-file", "-o", "-h", "--help"}


def _click_params(args: list[str]) -> dict[str, Any]:
    with CHECK.make_context("check", list(args)) as ctx:
        return dict(ctx.params)


def _launch_params(args: list[str]) -> dict[str, Any] | None:
    parsed = parse_check(["check", *args])
    if parsed is None:
        return None
    defaults = {
        name: p.default
        for name, p in inspect.signature(run_check).parameters.items()
        if p.default is not inspect.Parameter.empty
    }
    return {**defaults, **parsed}


def test_every_check_option_is_parsed_here_or_left_to_click() -> None:
    for param in CHECK.params:
        if not isinstance(param, click.Option):
            continue
        for opt in [*param.opts, *param.secondary_opts]:
            if opt in LEFT_TO_CLICK:
                continue
            assert opt in CHECK_OPTIONS, f"{opt} is neither parsed by the launcher nor left"
            name, kind = CHECK_OPTIONS[opt]
            assert name == param.name
            if opt in param.secondary_opts:
                assert kind == "off"
            elif param.is_flag:
                assert kind == "flag"
            elif param.multiple:
                assert kind == "multi"
            else:
                assert kind in ("value", "choice", "count")
        if param.envvar:
            assert param.envvar in CHECK_ENVVARS


CASES = [
    [],  # every default of run_check is the command line's
    ["model.py"],
    ["-", "--stdin-filename", "nb.ipynb"],
    ["src", "--select", "SEQ1", "--select=SEQ2,SEQ3", "--ignore", "SEQ201", "--extend-select", "E"],
    ["--output-format", "json", "--output-format=concise", "a.py", "b.py"],
    ["--exit-zero", "--no-cache", "--fix", "--unsafe-fixes", "--diff", "--statistics"],
    ["--jobs", "3", "-j", "2", "--fail-on", "warning", "-v", "--verbose"],
    ["--no-respect-gitignore", "--force-exclude", "x"],
    ["--no-respect-gitignore", "--respect-gitignore"],
    ["--add-noqa", "--select", "-weird"],
]


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_the_launcher_reads_a_command_line_as_click_does(args: list[str]) -> None:
    assert _launch_params(args) == _click_params(args)


@pytest.mark.parametrize(
    "args",
    [
        ["--output-format", "xml"],
        ["--jobs", "0"],
        ["-j", "two"],
        ["-j3"],
        ["--exit-zero=1"],
        ["--frobnicate"],
        ["--help"],
        ["-h"],
        ["--", "-file.py"],
        ["--select"],
        ["--config", "pyproject.toml"],
        ["-o", "report.txt"],
        ["-vj", "2"],
    ],
    ids=" ".join,
)
def test_anything_else_goes_to_click(args: list[str]) -> None:
    assert parse_check(["check", *args]) is None


def test_other_commands_and_the_environment_go_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_check(["summary", "x.py"]) is None
    assert parse_check(["--version"]) is None
    assert parse_check([]) is None
    monkeypatch.setenv("SEQLINT_NO_CACHE", "0")
    assert parse_check(["check", "x.py"]) is None


TOKENS = sorted({*CHECK_OPTIONS, "--output-format=json", "--select=SEQ1", "a.py", "-", "json"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*TOKENS, "full", "error", "3", "0", "x.ipynb"]), max_size=8))
def test_whatever_the_launcher_accepts_click_reads_the_same(args: list[str]) -> None:
    launched = _launch_params(args)
    if launched is not None:
        assert launched == _click_params(args)


def _run(tmp_path: Path, *code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "\n".join(code)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


MODEL = textwrap.dedent(
    """\
    import keras
    model = keras.Sequential([keras.layers.Dense(1, activation="softmax")])
    """
)


def test_a_plain_check_does_not_load_click_and_reports_as_click_does(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODEL)
    fast = _run(
        tmp_path,
        "import atexit, sys",
        "atexit.register(lambda: print('click loaded:', 'click' in sys.modules))",
        "from seqlint.launch import main",
        "main(['check', '--no-cache', '--output-format', 'concise', 'm.py'])",
    )
    assert fast.stdout.endswith("click loaded: False\n")
    via_click = _run(
        tmp_path,
        "from seqlint.cli import main",
        "main(['check', '--no-cache', '--output-format', 'concise', 'm.py'])",
    )
    assert fast.returncode == via_click.returncode == 1
    assert fast.stdout.removesuffix("click loaded: False\n") == via_click.stdout
    assert "SEQ101" in via_click.stdout and "SEQ201" in via_click.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--no-cache", "missing.py"], "seqlint: error: path does not exist: missing.py"),
        (["check", "--output-format", "xml", "m.py"], "seqlint: error: Invalid value for"),
        (
            ["check", "--statistics", "--output-format", "junit", "m.py"],
            "seqlint: error: --statistics cannot",
        ),
    ],
)
def test_usage_errors_are_one_line_and_exit_2_on_either_path(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "m.py").write_text(MODEL)
    for module in ("seqlint.launch", "seqlint.cli"):
        done = _run(tmp_path, f"from {module} import main", f"main({args!r})")
        assert done.returncode == 2, (module, done.stderr)
        assert done.stderr.startswith(message) and done.stderr.count("\n") == 1, done.stderr


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_is_what_click_prints(tmp_path: Path, flag: str) -> None:
    fast = _run(tmp_path, "from seqlint.launch import main", f"main([{flag!r}])")
    via_click = _run(tmp_path, "from seqlint.cli import main", f"main([{flag!r}])")
    assert fast.returncode == via_click.returncode == 0
    assert fast.stdout == via_click.stdout and fast.stdout.startswith("seqlint ")
