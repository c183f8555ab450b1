"""One line per finding: ``path:line:col: SEQ102 [*] message`` (and GitHub annotations)."""

from __future__ import annotations

from collections.abc import Sequence

import click

from seqlint.diagnostics import Diagnostic


def location(d: Diagnostic) -> str:
    """``path:line:col``, or ``path:cell N:line:col`` for a notebook."""
    cell = f"cell {d.span.cell}:" if d.span.cell is not None else ""
    return f"{d.path}:{cell}{d.span.line}:{d.span.column}"


def headline(d: Diagnostic, *, color: bool = False) -> str:
    """``path:line:col: CODE [*] message``; ``[*]`` marks a finding with a fix."""
    loc = location(d)
    code = d.code
    if color:
        loc = click.style(loc, bold=True)
        code = click.style(code, fg="red", bold=True)
    fixable = " [*]" if d.fix is not None else ""
    return f"{loc}: {code}{fixable} {d.message}"


def render_concise(diagnostics: Sequence[Diagnostic], *, color: bool = False) -> str:
    return "".join(headline(d, color=color) + "\n" for d in diagnostics)


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands, one annotation per finding."""
    lines = []
    for d in diagnostics:
        level = "warning" if d.severity == "warning" else "error"
        props = (
            f"title={_escape_property(f'seqlint ({d.code})')},file={_escape_property(d.path)},"
            f"line={d.span.line},col={d.span.column},"
            f"endLine={d.span.end_line},endColumn={d.span.end_column}"
        )
        cell = f"cell {d.span.cell}:" if d.span.cell is not None else ""
        text = f"{cell}{d.span.line}:{d.span.column}: {d.code} {d.message}"
        lines.append(f"::{level} {props}::{_escape_data(text)}\n")
    return "".join(lines)
