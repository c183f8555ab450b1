"""``--statistics``: how many findings each rule produced, as ruff (and flake8) print it.

Text (``full``/``concise``): ``count<TAB>code<TAB>[*] name`` per rule, most frequent first, the
``[*]``/``[ ]`` marker only when some finding has a fix. ``json``: a list of
``{"code", "name", "count", "fixable"}`` objects in the same order (``json-lines``: one per
line).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click

from seqlint.diagnostics import Diagnostic

#: The output formats ``--statistics`` can be shown in.
STATISTICS_FORMATS: tuple[str, ...] = ("full", "concise", "json", "json-lines")


def statistics(diagnostics: Sequence[Diagnostic]) -> list[dict[str, Any]]:
    """One entry per rule: code, name, count, fixable; most frequent first, then by code."""
    rows: dict[str, dict[str, Any]] = {}
    for d in diagnostics:
        new = {"code": d.code, "name": d.name, "count": 0, "fixable": False}
        row = rows.setdefault(d.code, new)
        row["count"] += 1
        row["fixable"] = row["fixable"] or d.fix is not None
    return sorted(rows.values(), key=lambda r: (-r["count"], r["code"]))


def render_statistics(fmt: str, diagnostics: Sequence[Diagnostic], *, color: bool = False) -> str:
    """The statistics in ``fmt`` (one of :data:`STATISTICS_FORMATS`), newline-terminated;
    the text form of a clean run is empty, the JSON form ``[]``."""
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
    star = click.style("*", fg="cyan") if color else "*"
    out = []
    for r in rows:
        count = str(r["count"]).rjust(count_width)
        code = r["code"].ljust(code_width)
        if color:
            count = click.style(count, bold=True)
            code = click.style(code, fg="red", bold=True)
        marker = (f"[{star}] " if r["fixable"] else "[ ] ") if any_fixable else ""
        out.append(f"{count}\t{code}\t{marker}{r['name']}\n")
    return "".join(out)
