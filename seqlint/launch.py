"""The console entry point (``seqlint``, ``python -m seqlint``).

An ordinary ``seqlint check`` command line (paths and the common options, every value valid)
goes straight to :func:`seqlint.commands.check.run_check`: importing click costs a one-file
check about a fifth of its time. Anything else (another command, ``--help``, an option this
parser does not know, a value it would have to validate, ``--``) goes to click
(:mod:`seqlint.cli`), which gives the same result for what both accept (a test compares them
option by option) and all the help and error messages.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

#: ``check``'s options this parser takes: option string -> (parameter, kind). ``flag`` sets
#: True, ``off`` sets False, ``value`` takes the next argument, ``multi`` appends it,
#: ``choice`` and ``count`` take it when valid (else click reports the error).
CHECK_OPTIONS: dict[str, tuple[str, str]] = {
    "--select": ("select", "multi"),
    "--extend-select": ("extend_select", "multi"),
    "--ignore": ("ignore", "multi"),
    "--output-format": ("output_format", "choice"),
    "--exit-zero": ("exit_zero", "flag"),
    "--fail-on": ("fail_on", "choice"),
    "--no-cache": ("no_cache", "flag"),
    "--jobs": ("jobs", "count"),
    "-j": ("jobs", "count"),
    "--stdin-filename": ("stdin_filename", "value"),
    "--force-exclude": ("force_exclude", "flag"),
    "--respect-gitignore": ("respect_gitignore", "flag"),
    "--no-respect-gitignore": ("respect_gitignore", "off"),
    "--statistics": ("statistics", "flag"),
    "--fix": ("fix", "flag"),
    "--unsafe-fixes": ("unsafe_fixes", "flag"),
    "--diff": ("diff", "flag"),
    "--add-noqa": ("add_noqa", "flag"),
    "--verbose": ("verbose", "flag"),
    "-v": ("verbose", "flag"),
}

#: Environment variables click reads for ``check``'s options: set, they send the command
#: line to click, which parses them.
CHECK_ENVVARS = ("SEQLINT_NO_CACHE",)


def _choices(param: str) -> tuple[str, ...]:
    if param == "output_format":
        from seqlint.report import FORMATS

        return FORMATS
    from seqlint.config import FAIL_ON

    return FAIL_ON


def parse_check(args: Sequence[str]) -> dict[str, Any] | None:
    """The keyword arguments of ``run_check`` for ``args`` (``check`` first), or None when
    click must parse them."""
    if not args or args[0] != "check" or any(v in os.environ for v in CHECK_ENVVARS):
        return None
    params: dict[str, Any] = {}
    paths: list[str] = []
    multi: dict[str, list[str]] = {}
    rest = iter(args[1:])
    for arg in rest:
        if arg == "-" or not arg.startswith("-"):
            if not _readable_or_missing(arg):
                return None  # click says why
            paths.append(arg)
            continue
        option, eq, attached = arg.partition("=")
        spec = CHECK_OPTIONS.get(option)
        if spec is None or (eq and not option.startswith("--")):
            return None
        param, kind = spec
        if kind in ("flag", "off"):
            if eq:
                return None
            params[param] = kind == "flag"
            continue
        value = attached if eq else next(rest, None)
        if value is None:
            return None
        if kind == "multi":
            multi.setdefault(param, []).append(value)
        elif kind == "choice":
            if value not in _choices(param):
                return None
            params[param] = value
        elif kind == "count":
            if not (value.isascii() and value.isdigit()) or int(value) < 1:
                return None
            params[param] = int(value)
        else:
            params[param] = value
    params.update((param, tuple(values)) for param, values in multi.items())
    return {"paths": tuple(paths), **params}


def _readable_or_missing(path: str) -> bool:
    """What click's ``Path`` type accepts without a message: a missing path (``check``
    reports it), or one this process may read."""
    return path == "-" or not os.path.exists(path) or os.access(path, os.R_OK)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run ``seqlint`` with ``argv`` (default: the process's arguments) and exit."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):  # as click's version option prints it
        from seqlint import __version__

        sys.stdout.write(f"seqlint {__version__}\n")
        sys.exit(0)
    params = parse_check(args)
    # what the command imports lives for the whole run: collecting meanwhile only traces it
    gc.disable()
    if params is None:
        from seqlint.cli import main as click_main

        gc.enable()
        click_main(args)
    from seqlint.commands.check import run_check
    from seqlint.console import guarded

    gc.enable()
    guarded(lambda: run_check(**params))
