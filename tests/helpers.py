from __future__ import annotations

import textwrap

from seqlint.check import check_source, summarize_source
from seqlint.diagnostics import Diagnostic
from seqlint.sources import SourceFile


def lint(code: str, path: str = "model.py") -> list[Diagnostic]:
    return check_source(SourceFile(path, textwrap.dedent(code)))


def findings(code: str) -> list[tuple[str, int]]:
    return [(d.name, d.span.line) for d in lint(code)]


def names(code: str) -> set[str]:
    return {d.name for d in lint(code)}


def summary(code: str):
    return summarize_source(SourceFile("model.py", textwrap.dedent(code)))


def shapes(code: str, model: int = 0) -> list[tuple[str, list[int | None] | None, int | None]]:
    m = summary(code)[model]
    return [(layer.class_name, layer.output_shape, layer.params) for layer in m.layers]
