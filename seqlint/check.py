"""Checking one source: parse, extract models, infer shapes, run the selected rules."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Collection
from dataclasses import dataclass, field

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic, Edit, Fix
from seqlint.extract import extract, parse
from seqlint.extract.positions import PositionsUnavailable
from seqlint.rules import all_rules
from seqlint.sources import SourceFile


@dataclass
class LayerSummary:
    class_name: str
    name: str
    output_shape: list[int | None] | None  # None when unknown; items None for batch/unknown dims
    params: int | None
    line: int


@dataclass
class ModelSummary:
    name: str  # the Keras model name ("sequential", or name=...)
    variable: str | None  # the Python name it is bound to, when known
    line: int
    layers: list[LayerSummary] = field(default_factory=list)
    input_shape: list[int | None] | None = None
    total_params: int | None = None
    trainable_params: int | None = None
    non_trainable_params: int | None = None
    built: bool = False
    # the stack depends on a condition or loop seqlint could not resolve
    uncertain: bool = False
    # names used without an import that were taken to be Keras's (a pasted snippet)
    guessed_names: tuple[str, ...] = ()


def relevant(text: str | bytes) -> bool:
    """The cheap pre-filter: a file that never mentions ``keras`` cannot import Keras's
    ``Sequential`` (every spelling of the import names it: ``keras``, ``tf.keras``,
    ``tensorflow.keras``, ``tf_keras``), so it is not parsed; PyTorch's ``nn.Sequential`` files
    are left alone. Works on decoded text and on a file's raw bytes (Python source encodings
    are ASCII-compatible, so the word is the same bytes). A snippet pasted without its imports
    still names ``Sequential`` (its names are guessed, see ``names.guess_keras_name``)."""
    if isinstance(text, bytes):
        return b"keras" in text or (b"Sequential" in text and b"torch" not in text)
    return "keras" in text or ("Sequential" in text and "torch" not in text)


def analyse(src: SourceFile, lazy_positions: bool = False) -> Analysis:
    """Parse (CPython's ``ast``) and extract; raises :class:`SyntaxError` when the text is
    not Python 3.

    ``lazy_positions``: see :func:`seqlint.extract.extract`.
    """
    return Analysis.of(extract(parse(src.text), lazy_positions=lazy_positions), src.text)


def _error_line(err: SyntaxError) -> int:
    return err.lineno or 1


def syntax_error(src: SourceFile, err: SyntaxError) -> Diagnostic:
    """SEQ001 at the error, with CPython's own message (it names Python 2 idioms)."""
    line = _error_line(err)
    column = max(err.offset or 1, 1)  # (CPython counts characters here, not bytes)
    reason = err.msg
    # a notebook's other cells are still checked (see check_source)
    what = "this cell" if src.is_notebook else "the file"
    message = f"cannot parse {what} as Python 3: {reason}"
    return Diagnostic(
        "SEQ001", "syntax-error", message, "error", src.span(line, column, line, column), src.path
    )


def check_source(src: SourceFile, select: Collection[str] | None = None) -> list[Diagnostic]:
    """Diagnostics for one source, restricted to the rule codes in ``select`` (all when None).

    A file that does not parse yields one ``syntax-error`` diagnostic. noqa comments are not
    applied here (see :mod:`seqlint.noqa`).
    """
    if not relevant(src.text):
        return []
    analysis, failures, src = analyse_cells(src)
    errors = [e for e in failures if select is None or "SEQ001" in select]
    if analysis is None:
        return errors
    try:
        found = _run_rules(src, analysis, select)
    except PositionsUnavailable:
        # code nested too deeply for the position pass: nothing can be located, so nothing
        # is reported (as when the positions are computed before extracting)
        found = []
    if errors:
        for diag in found:  # the notebook as a whole does not parse: no fix could be checked
            diag.fix = None
        found = sorted([*errors, *found], key=Diagnostic.sort_key)
    return found


_MAX_BROKEN_CELLS = 50


def analyse_cells(src: SourceFile) -> tuple[Analysis | None, list[Diagnostic], SourceFile]:
    """Analyse ``src``; in a notebook, a cell that does not parse is blanked (it fails alone
    when the notebook runs) and the others are analysed. Returns the analysis (None when
    nothing parses), one SEQ001 per cell that does not parse, and the source analysed."""
    errors: list[Diagnostic] = []
    for broken in itertools.count(1):
        try:
            return analyse(src), errors, src
        except SyntaxError as err:
            errors.append(syntax_error(src, err))
            rest = _without_cell_at(src, _error_line(err), broken)
            if rest is None:
                return None, errors, src
            src = rest
    raise AssertionError("unreachable")  # pragma: no cover


def _without_cell_at(src: SourceFile, line: int, broken: int) -> SourceFile | None:
    """``src`` with the notebook cell holding ``line`` blanked: a cell that does not parse
    fails alone when the notebook runs, the others still run. None for plain files, or when
    that is not possible or too many cells fail."""
    if not src.is_notebook or broken > _MAX_BROKEN_CELLS:
        return None
    cell, _ = src.locate(line)
    if cell is None:
        return None
    first, last = src.cell_lines(cell)
    lines = src.lines
    if not any(lines[first - 1 : last]):
        return None  # already blank: the error is elsewhere
    blanked = [*lines[: first - 1], *([""] * (last - first + 1)), *lines[last:]]
    return dataclasses.replace(src, text="\n".join(blanked))


def _run_rules(
    src: SourceFile, analysis: Analysis, select: Collection[str] | None
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    seen: set[tuple[str, int | None, int, int]] = set()
    for rule in all_rules():
        if select is not None and rule.code not in select:
            continue
        for diag in rule.check(analysis):
            s = diag.span
            diag.span = src.span(s.line, s.column, s.end_line, s.end_column)
            diag.path = src.path
            if diag.fix is not None:
                diag.fix = _user_fix(src, diag.fix)
            key = (diag.code, diag.span.cell, diag.span.line, diag.span.column)
            if key in seen:  # at most one finding per (rule, place)
                continue
            seen.add(key)
            found.append(diag)
    found.sort(key=Diagnostic.sort_key)
    return found


def _user_fix(src: SourceFile, fix: Fix) -> Fix | None:
    """``fix`` with its edits in user coordinates (cell-relative in notebooks, like the
    finding); None when an edit would cross a cell boundary."""
    edits = []
    for e in fix.edits:
        s = e.span
        if any(n in src.shifted for n in range(s.line, s.end_line + 1)):
            return None  # a cell IPython dedents: the edit's text is in the dedented form
        span = src.span(s.line, s.column, s.end_line, s.end_column)
        if src.is_notebook and src.locate(s.end_line)[0] != span.cell:
            return None
        edits.append(Edit(span, e.content))
    return Fix(fix.message, tuple(edits), fix.safe)


def summarize_source(src: SourceFile) -> list[ModelSummary]:
    """Static ``model.summary()`` for each Sequential model in the source, in Keras order."""
    if not relevant(src.text):
        return []
    analysis = analyse(src)
    out: list[ModelSummary] = []
    for model, shapes in analysis.models():
        line = src.locate(model.loc.line)[1]
        summary = ModelSummary(
            name=shapes.name,
            variable=model.variable,
            line=line,
            input_shape=_listed(shapes.input_shape),
            built=shapes.built and not model.uncertain,
            uncertain=model.uncertain,
            guessed_names=tuple(sorted(analysis.file.guessed_names))
            if model.resolved_by_name
            else (),
        )
        for ls in shapes.layers:
            if ls.construct_error:
                break  # Keras stops at the constructor: the layer never reaches the model
            summary.layers.append(
                LayerSummary(
                    class_name=ls.class_name,
                    name=ls.name,
                    output_shape=_listed(ls.output_shape),
                    params=_total(ls.trainable, ls.non_trainable),
                    line=src.locate(ls.entry.loc.line)[1],
                )
            )
        if shapes.built:
            trainable, non_trainable = shapes.totals()
            summary.trainable_params = trainable
            summary.non_trainable_params = non_trainable
            summary.total_params = _total(trainable, non_trainable)
        out.append(summary)
    return out


def _listed(shape: tuple[int | None, ...] | None) -> list[int | None] | None:
    return None if shape is None else list(shape)


def _total(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b
