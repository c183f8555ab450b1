"""One line per finding: ``path:line:col: SEQ102 [*] message``."""

from __future__ import annotations

from collections.abc import Sequence

from seqlint.diagnostics import SEVERITY_COLORS, Diagnostic, fix_marker
from seqlint.report.escape import visible
from seqlint.report.style import style


def location(d: Diagnostic) -> str:
    """``path:line:col``, or ``path:cell N:line:col`` for a notebook."""
    cell = f"cell {d.span.cell}:" if d.span.cell is not None else ""
    return f"{visible(d.path)}:{cell}{d.span.line}:{d.span.column}"


def headline(d: Diagnostic, *, color: bool = False) -> str:
    """``path:line:col: CODE [*] message``: ``[*]`` marks a safe fix, ``[~]`` an unsafe one;
    the code is red for an error, yellow for a warning."""
    loc = location(d)
    code = d.code
    if color:
        loc = style(loc, bold=True)
        code = style(code, fg=SEVERITY_COLORS.get(d.severity, "red"), bold=True)
    marker = fix_marker(d.fix)
    return f"{loc}: {code}{' ' + marker if marker else ''} {visible(d.message)}"


def render_concise(diagnostics: Sequence[Diagnostic], *, color: bool = False) -> str:
    return "".join(headline(d, color=color) + "\n" for d in diagnostics)
