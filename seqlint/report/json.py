"""``--output-format json`` (a JSON array of findings, ``[]`` when clean) and ``json-lines``
(one JSON object per line, the same objects; nothing when clean)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from seqlint.diagnostics import Diagnostic


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    """The findings as a JSON array (sorted by path, cell, line, column), newline-terminated."""
    ordered = sorted(diagnostics, key=lambda d: d.sort_key())
    return json.dumps([d.to_json() for d in ordered], indent=2) + "\n"


def render_json_lines(diagnostics: Sequence[Diagnostic]) -> str:
    """One compact JSON object per finding and line, in the same order and with the same
    fields as :func:`render_json`."""
    ordered = sorted(diagnostics, key=lambda d: d.sort_key())
    return "".join(json.dumps(d.to_json(), ensure_ascii=False) + "\n" for d in ordered)
