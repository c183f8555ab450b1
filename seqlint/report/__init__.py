"""Reporters: how findings are shown (``--output-format``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from seqlint.diagnostics import Diagnostic
from seqlint.report.concise import location, render_concise, render_github
from seqlint.report.full import code_frame, render_full
from seqlint.report.json import render_json
from seqlint.sources import SourceFile

FORMATS: tuple[str, ...] = ("full", "concise", "json", "github")

__all__ = [
    "FORMATS",
    "code_frame",
    "location",
    "render",
    "render_concise",
    "render_full",
    "render_github",
    "render_json",
    "sort_diagnostics",
    "summary_line",
]


def sort_diagnostics(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """By path, cell, line, column, code: the order every reporter uses."""
    return sorted(diagnostics, key=lambda d: d.sort_key())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def summary_line(count: int, unchecked: int = 0) -> str:
    """ruff's last line: ``Found 3 errors.`` or ``All checks passed!``; ``unchecked`` counts
    files the engine failed on (internal errors), so a failed run never looks clean."""
    if unchecked:
        return (
            f"Found {_plural(count, 'error')}; {_plural(unchecked, 'file')} could not be checked."
        )
    if count == 0:
        return "All checks passed!"
    return f"Found {_plural(count, 'error')}."


def render(
    fmt: str,
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, SourceFile] | None = None,
    *,
    color: bool = False,
    summary: bool = True,
    unchecked: int = 0,
) -> str:
    """The whole report in format ``fmt`` (one of :data:`FORMATS`), newline-terminated.

    ``sources`` maps a diagnostic's ``path`` to its source, for code frames (``full`` only;
    a missing source just drops the frame). ``summary`` adds the closing summary line to the
    ``full`` and ``concise`` formats (``unchecked``: files that failed with an internal
    error); ``json`` and ``github`` never carry one.
    """
    diags = sort_diagnostics(diagnostics)
    if fmt == "json":
        return render_json(diags)
    if fmt == "github":
        return render_github(diags)
    if fmt == "full":
        body = render_full(diags, sources or {}, color=color)
    elif fmt == "concise":
        body = render_concise(diags, color=color)
    else:
        raise ValueError(f"unknown output format {fmt!r}")
    if summary:
        body += summary_line(len(diags), unchecked) + "\n"
    return body
