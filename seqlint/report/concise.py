"""One line per finding: ``path:line:col: SEQ102 [*] message``."""

from __future__ import annotations

from collections.abc import Sequence

import click

from seqlint.diagnostics import Diagnostic
from seqlint.report.escape import visible


def location(d: Diagnostic) -> str:
    """``path:line:col``, or ``path:cell N:line:col`` for a notebook."""
    cell = f"cell {d.span.cell}:" if d.span.cell is not None else ""
    return f"{visible(d.path)}:{cell}{d.span.line}:{d.span.column}"


def headline(d: Diagnostic, *, color: bool = False) -> str:
    """``path:line:col: CODE [*] message``; ``[*]`` marks a finding with a fix."""
    loc = location(d)
    code = d.code
    if color:
        loc = click.style(loc, bold=True)
        code = click.style(code, fg="red", bold=True)
    fixable = " [*]" if d.fix is not None else ""
    return f"{loc}: {code}{fixable} {visible(d.message)}"


def render_concise(diagnostics: Sequence[Diagnostic], *, color: bool = False) -> str:
    return "".join(headline(d, color=color) + "\n" for d in diagnostics)
