"""Reporters: how findings are shown (``--output-format``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from seqlint.console import plural
from seqlint.diagnostics import Diagnostic
from seqlint.report.statistics import STATISTICS_FORMATS, render_statistics

if TYPE_CHECKING:
    from pathlib import Path

    from seqlint.sources import SourceFile

FORMATS: tuple[str, ...] = ("full", "concise", "json", "json-lines", "junit", "github", "sarif")

__all__ = [
    "FORMATS",
    "STATISTICS_FORMATS",
    "count_findings",
    "render",
    "render_statistics",
    "sort_diagnostics",
    "summary_line",
]


def sort_diagnostics(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """By path, cell, line, column, code: the order every reporter uses."""
    return sorted(diagnostics, key=lambda d: d.sort_key())


def count_findings(found: Sequence[Diagnostic] | int) -> tuple[int, int]:
    """(errors, warnings) in ``found``; a bare int counts that many errors."""
    if isinstance(found, int):
        return found, 0
    warnings = sum(1 for d in found if d.severity == "warning")
    return len(found) - warnings, warnings


def summary_line(found: Sequence[Diagnostic] | int, unchecked: int = 0) -> str:
    """ruff's last line, with warnings counted apart so that they read as warnings:
    ``Found 2 errors and 1 warning.``, ``Found 1 warning.`` or ``All checks passed!``.
    ``unchecked`` counts files the engine failed on (internal errors), so a failed run never
    looks clean."""
    errors, warnings = count_findings(found)
    parts = []
    if errors or not warnings:
        parts.append(plural(errors, "error"))
    if warnings:
        parts.append(plural(warnings, "warning"))
    counted = " and ".join(parts)
    if unchecked:
        return f"Found {counted}; {plural(unchecked, 'file')} could not be checked."
    if not errors and not warnings:
        return "All checks passed!"
    return f"Found {counted}."


def render(
    fmt: str,
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, SourceFile] | None = None,
    *,
    color: bool = False,
    summary: bool = True,
    unchecked: int = 0,
    base: Path | None = None,
) -> str:
    """The whole report in format ``fmt`` (one of :data:`FORMATS`), newline-terminated.

    ``sources`` maps a diagnostic's ``path`` to its source, for code frames (``full`` only;
    a missing source just drops the frame). ``summary`` adds the closing summary line to the
    ``full`` and ``concise`` formats (``unchecked``: files that failed with an internal
    error); the machine-readable formats never carry one. ``base`` is the directory SARIF's
    relative URIs start from (default: the working directory).
    """
    diags = sort_diagnostics(diagnostics)
    # each format's module is imported when it is asked for: a check loads one of them
    if fmt == "json":
        from seqlint.report.json import render_json

        return render_json(diags)
    if fmt == "json-lines":
        from seqlint.report.json import render_json_lines

        return render_json_lines(diags)
    if fmt == "junit":
        from seqlint.report.junit import render_junit

        return render_junit(diags)
    if fmt == "github":
        from seqlint.report.github import render_github

        return render_github(diags)
    if fmt == "sarif":
        from seqlint.report.sarif import render_sarif

        return render_sarif(diags, base=base, unchecked=unchecked)
    if fmt == "full":
        from seqlint.report.full import render_full

        body = render_full(diags, sources or {}, color=color)
    elif fmt == "concise":
        from seqlint.report.concise import render_concise

        body = render_concise(diags, color=color)
    else:
        raise ValueError(f"unknown output format {fmt!r}")
    if summary:
        body += summary_line(diags, unchecked) + "\n"
    return body
