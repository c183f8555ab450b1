"""The default report: ruff's full format, with the shape trace that proves each finding.

::

    model.py:12:5: SEQ102 [*] Dense(10) receives (None, 13, 13, 32) from MaxPooling2D
       |
    10 |     layers.Conv2D(32, 3),
    11 |     layers.MaxPooling2D(),
    12 |     layers.Dense(10),
       |     ^^^^^^^^^^^^^^^^ SEQ102
    13 | ])
       |
       = trace:
           Conv2D(32, 3)     (None, 26, 26, 32)
           MaxPooling2D()    (None, 13, 13, 32)
       = help: add Flatten() before it
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from seqlint.diagnostics import SEVERITY_COLORS, Diagnostic, Span
from seqlint.report.concise import headline
from seqlint.report.escape import visible
from seqlint.report.style import style
from seqlint.sources import SourceFile

CONTEXT = 2  # lines shown before and after the finding's line
MAX_SPAN_LINES = 6  # a multi-line span shorter than this is shown whole
TAB = 4


def render_full(
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, SourceFile],
    *,
    color: bool = False,
) -> str:
    out: list[str] = []
    for d in diagnostics:
        out.append(headline(d, color=color))
        src = sources.get(d.path)
        tint = SEVERITY_COLORS.get(d.severity, "red")
        frame, width = _frame(src, d.span, d.code, color, tint) if src is not None else ([], 0)
        out.extend(frame)
        gutter = " " * (width + 1)
        if d.trace:
            out.append(f"{gutter}= {_style('trace:', color, fg='cyan', bold=True)}")
            trace = [(visible(label), visible(shape)) for label, shape in d.trace]
            width = max(len(label) for label, _ in trace)
            for label, shape in trace:
                out.append(f"{gutter}    {label.ljust(width)}  {shape}".rstrip())
        if d.suggestion:
            help_ = _style("help:", color, fg="cyan", bold=True)
            out.append(f"{gutter}= {help_} {visible(d.suggestion)}")
        out.append("")
    return "".join(line + "\n" for line in out)


def _style(text: str, color: bool, *, fg: str, bold: bool | None = None) -> str:
    return style(text, fg=fg, bold=bold) if color else text


def code_frame(src: SourceFile, span: Span, label: str = "", *, color: bool = False) -> list[str]:
    """The lines around ``span`` with line numbers and a ``^^^`` underline, as ruff shows them.

    Line numbers are the user's (within the cell, for notebooks); an empty list when the span
    lies outside the source.
    """
    return _frame(src, span, label, color)[0]


def _frame(
    src: SourceFile, span: Span, label: str, color: bool, tint: str = "red"
) -> tuple[list[str], int]:
    """(frame lines, width of the line-number column)."""
    first, last = src.cell_lines(span.cell)
    start = src.text_line(span.line, span.cell)
    end = src.text_line(span.end_line, span.cell)
    if not first <= start <= last:
        return [], 0
    end = min(max(end, start), last)
    shown_end = end if end - start < MAX_SPAN_LINES else start
    lo = max(first, start - CONTEXT)
    hi = min(last, shown_end + CONTEXT)
    while lo < start and not src.lines[lo - 1].strip():
        lo += 1
    while hi > shown_end and not src.lines[hi - 1].strip():
        hi -= 1
    offset = first - 1  # text line -> user's line
    width = len(str(hi - offset))
    bar = _style("|", color, fg="blue", bold=True)
    out = [f"{' ' * (width + 1)}{bar}"]
    for n in range(lo, hi + 1):
        text = _shown(src.display_line(n)).rstrip()
        number = _style(str(n - offset).rjust(width), color, fg="blue", bold=True)
        out.append(f"{number} {bar} {text}".rstrip())
        if n == start:
            raw = src.display_line(n)
            col0 = max(0, min(span.column - 1, len(raw)))
            if end == start:
                col1 = max(col0 + 1, min(span.end_column - 1, len(raw.rstrip())))
            else:
                col1 = max(col0 + 1, len(raw.rstrip()))
            pad = len(_shown(raw[:col0]))
            carets = len(_shown(raw[:col1])) - pad
            marks = _style("^" * max(1, carets) + (f" {label}" if label else ""), color, fg=tint)
            out.append(f"{' ' * (width + 1)}{bar} {' ' * pad}{marks}")
    out.append(f"{' ' * (width + 1)}{bar}")
    return out, width


def _shown(line: str) -> str:
    """A source line as the frame prints it: tabs expanded, control characters escaped."""
    return visible(line.expandtabs(TAB))
