"""``--statistics``: how many findings each rule produced, as ruff (and flake8) print it.

Text (``full``/``concise``): ``count<TAB>code<TAB>[*] name`` per rule, most frequent first, with
the markers of ``check`` (``[*]`` a safe fix, ``[~]`` only unsafe ones, ``[ ]`` none) when some
finding has a fix. ``json``: a list of ``{"code", "name", "severity", "count", "fixable",
"safe_fixable"}`` objects in the same order (``json-lines``: one per line).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from seqlint.diagnostics import (
    NO_FIX_MARKER,
    SAFE_MARKER,
    SEVERITY_COLORS,
    UNSAFE_MARKER,
    Diagnostic,
)
from seqlint.report.style import style

#: The output formats ``--statistics`` can be shown in.
STATISTICS_FORMATS: tuple[str, ...] = ("full", "concise", "json", "json-lines")


def statistics(diagnostics: Sequence[Diagnostic]) -> list[dict[str, Any]]:
    """One entry per rule: code, name, count, fixable; most frequent first, then by code."""
    rows: dict[str, dict[str, Any]] = {}
    for d in diagnostics:
        new = {
            "code": d.code,
            "name": d.name,
            "severity": d.severity,
            "count": 0,
            "fixable": False,
            "safe_fixable": False,
        }
        row = rows.setdefault(d.code, new)
        row["count"] += 1
        row["fixable"] = row["fixable"] or d.fix is not None
        row["safe_fixable"] = row["safe_fixable"] or (d.fix is not None and d.fix.safe)
    return sorted(rows.values(), key=lambda r: (-r["count"], r["code"]))


def render_statistics(fmt: str, diagnostics: Sequence[Diagnostic], *, color: bool = False) -> str:
    """The statistics in ``fmt`` (one of :data:`STATISTICS_FORMATS`), newline-terminated;
    the text form of a clean run is empty, the JSON form ``[]``."""
    import json  # here: only the JSON forms need it

    rows = statistics(diagnostics)
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    if fmt == "json-lines":
        return "".join(json.dumps(r) + "\n" for r in rows)
    if fmt not in STATISTICS_FORMATS:
        raise ValueError(f"--statistics cannot be shown as {fmt!r}")
    if not rows:
        return ""
    count_width = max(len(str(r["count"])) for r in rows)
    code_width = max(len(r["code"]) for r in rows)
    any_fixable = any(r["fixable"] for r in rows)
    out = []
    for r in rows:
        count = str(r["count"]).rjust(count_width)
        code = r["code"].ljust(code_width)
        if color:
            count = style(count, bold=True)
            code = style(code, fg=SEVERITY_COLORS.get(r["severity"], "red"), bold=True)
        marker = ""
        if any_fixable:
            marker = (
                SAFE_MARKER
                if r["safe_fixable"]
                else UNSAFE_MARKER
                if r["fixable"]
                else NO_FIX_MARKER
            ) + " "
        out.append(f"{count}\t{code}\t{marker}{r['name']}\n")
    return "".join(out)
