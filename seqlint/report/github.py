"""``--output-format github``: GitHub Actions workflow commands, one annotation per finding.

::

    ::error file=m.py,line=13,col=11,endLine=13,endColumn=40,title=SEQ102 missing-flatten::...

Errors are ``::error``, warnings ``::warning``. Property values escape ``%``, ``\\r``, ``\\n``,
``:`` and ``,``; the message escapes ``%``, ``\\r`` and ``\\n`` (the rules of GitHub's
``@actions/core``). A finding in a notebook has no line or column properties (GitHub would
place them in the raw ``.ipynb`` JSON); its message starts with ``cell N:line:col:`` instead.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from seqlint.diagnostics import Diagnostic


def escape_data(s: str) -> str:
    """Escape a workflow command's message."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """Escape a workflow command's property value."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic) -> str:
    """One ``::error ...::message`` line (without the newline)."""
    level = "warning" if d.severity == "warning" else "error"
    path = d.path.replace(os.sep, "/") if os.sep != "/" else d.path
    props = [f"file={escape_property(path)}"]
    text = d.message
    if d.span.cell is None:
        props += [
            f"line={d.span.line}",
            f"col={d.span.column}",
            f"endLine={d.span.end_line}",
            f"endColumn={d.span.end_column}",
        ]
    else:
        text = f"cell {d.span.cell}:{d.span.line}:{d.span.column}: {text}"
    props.append(f"title={escape_property(f'{d.code} {d.name}')}")
    return f"::{level} {','.join(props)}::{escape_data(text)}"


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands, one annotation per finding, newline-terminated."""
    return "".join(annotation(d) + "\n" for d in diagnostics)
