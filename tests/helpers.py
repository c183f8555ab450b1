from __future__ import annotations

import textwrap
from collections.abc import Collection

from seqlint.check import check_source
from seqlint.diagnostics import Diagnostic
from seqlint.rules import all_rules
from seqlint.sources import SourceFile
from seqlint.summary import summarize_source

# the rules a plain ``seqlint check`` runs (opt-in rules are selected explicitly)
DEFAULT_CODES = frozenset(r.code for r in all_rules() if r.default)


def lint(
    code: str, path: str = "model.py", select: Collection[str] | None = None
) -> list[Diagnostic]:
    """Findings of the default rules (or of ``select``) for ``code``."""
    codes = DEFAULT_CODES if select is None else select
    return check_source(SourceFile(path, textwrap.dedent(code)), codes)


def findings(code: str) -> list[tuple[str, int]]:
    return [(d.name, d.span.line) for d in lint(code)]


def names(code: str) -> set[str]:
    return {d.name for d in lint(code)}


def summary(code: str):
    return summarize_source(SourceFile("model.py", textwrap.dedent(code)))


def shapes(code: str, model: int = 0) -> list[tuple[str, list[int | None] | None, int | None]]:
    m = summary(code)[model]
    return [(layer.class_name, layer.output_shape, layer.params) for layer in m.layers]


def fixture_findings() -> list[str]:
    """The rule names the bundled buggy fixtures declare (``# expect: rule@line``; the
    notebook holds one missing-flatten), so counts over ``fixtures/`` follow the fixtures."""
    import re
    from pathlib import Path

    buggy = Path(__file__).resolve().parents[1] / "fixtures" / "buggy"
    expect = re.compile(r"^# expect: ([a-z-]+)@\d+$", re.M)
    names = [n for p in sorted(buggy.glob("*.py")) for n in expect.findall(p.read_text())]
    return [*names, "missing-flatten"]  # notebook_sequence_into_dense.ipynb
