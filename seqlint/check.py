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
from seqlint.fixes import shared_tree
from seqlint.identifiers import bad_identifier
from seqlint.ir import LayerShape
from seqlint.noqa import apply_noqa
from seqlint.rules import all_rules
from seqlint.sources import CellError, SourceFile


@dataclass
class LayerSummary:
    class_name: str
    name: str
    output_shape: list[int | None] | None  # None when unknown; items None for batch/unknown dims
    params: int | None
    line: int
    cell: int | None = None  # the notebook cell of ``line``
    rejected: str | None = None  # why Keras 3 refuses to construct this layer


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
    cell: int | None = None  # the notebook cell of ``line``
    # names used without an import that were taken to be Keras's (a pasted snippet)
    guessed_names: tuple[str, ...] = ()
    # made in a branch that may not run: what must hold, and where ("line 3", "cell 2, line
    # 3"), outermost first
    conditions: tuple[tuple[str, str], ...] = ()


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
    parsed = parse(src.text)
    analysis = Analysis.of(extract(parsed, lazy_positions=lazy_positions), src.text)
    analysis.tree = parsed.tree
    return analysis


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
    # the files that %%writefile cells write are checked as files, located in those cells
    written = [d for sub in src.written for d in _check_written(sub, select)]
    if not relevant(src.text):
        return sorted(written, key=Diagnostic.sort_key)
    analysis, failures, src = analyse_cells(src)
    errors = [e for e in failures if select is None or "SEQ001" in select]
    if analysis is None:
        return sorted([*errors, *written], key=Diagnostic.sort_key)
    try:
        with shared_tree(analysis):  # the fixes of its findings need no parse of their own
            found = _run_rules(src, analysis, select)
        analysis.tree = None  # (nothing else needs it: let it go with the file)
    except PositionsUnavailable:
        # code nested too deeply for the position pass: nothing can be located, so nothing
        # is reported (as when the positions are computed before extracting)
        found = []
    if errors or written:
        found = sorted([*errors, *found, *written], key=Diagnostic.sort_key)
    return found


_MAX_BROKEN_CELLS = 50


def analyse_cells(src: SourceFile) -> tuple[Analysis | None, list[Diagnostic], SourceFile]:
    """Analyse ``src``. In a notebook each cell is compiled alone, as IPython does: a cell that
    does not compile gets one SEQ001, in that cell, and is blanked (it fails alone when the
    notebook runs), and the other cells are analysed. Returns the analysis (None when nothing
    parses), those SEQ001s, and the source analysed."""
    errors: list[Diagnostic] = []
    for broken in itertools.count(1):
        try:
            return analyse(src), errors, src
        except SyntaxError as err:
            cells = src.cell_errors() if broken == 1 else []
            if cells:
                errors.extend(_cell_syntax_error(src, c) for c in cells)
                src = src.without_cells([c.cell for c in cells])
                continue
            # (cells that compile alone but not joined)
            errors.append(syntax_error(src, err))
            rest = _without_cell_at(src, _error_line(err), broken)
            if rest is None:
                return None, errors, src
            src = rest
    raise AssertionError("unreachable")  # pragma: no cover


def _cell_syntax_error(src: SourceFile, err: CellError) -> Diagnostic:
    message = f"cannot parse this cell as Python 3: {err.message}"
    return Diagnostic("SEQ001", "syntax-error", message, "error", err.span, src.path)


def _check_written(src: SourceFile, select: Collection[str] | None) -> list[Diagnostic]:
    """Findings in a file a notebook writes, less those its own noqa comments suppress (the
    notebook's text does not hold that file's lines)."""
    return apply_noqa(src, check_source(src, select))


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


def summarize(
    src: SourceFile, notes: list[str] | None = None
) -> tuple[list[ModelSummary], list[Diagnostic]]:
    """(models, SEQ001s) of a source: :func:`summarize_source` that does not raise. A notebook
    cell that does not compile is reported and left out, as when the notebook runs; the models
    of the files its ``%%writefile`` cells write come first. ``notes`` gets what the analysis
    guessed or could not follow (see :func:`analysis_notes`)."""
    models: list[ModelSummary] = []
    errors: list[Diagnostic] = []
    for sub in src.written:
        got, failed = summarize(sub, notes)
        models.extend(got)
        errors.extend(failed)
    if not relevant(src.text):
        return models, errors
    analysis, failures, src = analyse_cells(src)
    if analysis is not None:
        models.extend(_summaries(src, analysis))
        if notes is not None:
            notes.extend(analysis_notes(src, analysis))
    return models, [*errors, *failures]


def analysis_notes(src: SourceFile, analysis: Analysis) -> list[str]:
    """What a user should know the analysis of ``src`` guessed or could not follow: names a
    snippet never imported, code cut short by a budget, models whose layers depend on code
    seqlint cannot follow (the rules that need exact layers are silent there)."""
    notes: list[str] = []
    if analysis.file.guessed_names:
        names = ", ".join(sorted(analysis.file.guessed_names))
        notes.append(f"{names}: never imported, taken to be Keras's (a pasted snippet?)")
    for cut in analysis.file.incomplete:
        notes.append(f"{_place(src, cut.loc.line)}: not followed to the end ({cut.reason})")
    for model in analysis.file.models:
        if model.uncertain:
            notes.append(
                f"{_place(src, model.loc.line)}: the model's layers depend on code seqlint "
                "cannot follow, so the rules that need its exact layers stay silent"
            )
    return notes


def summarize_source(src: SourceFile) -> list[ModelSummary]:
    """Static ``model.summary()`` for each Sequential model in the source, in Keras order
    (those of the files a notebook's ``%%writefile`` cells write first); raises when the
    source does not parse (see :func:`summarize`)."""
    out = [m for sub in src.written for m in summarize_source(sub)]
    if not relevant(src.text):
        return out
    return [*out, *_summaries(src, analyse(src))]


def _summaries(src: SourceFile, analysis: Analysis) -> list[ModelSummary]:
    out: list[ModelSummary] = []
    for model, shapes in analysis.models():
        cell, line = src.locate(model.loc.line)
        summary = ModelSummary(
            name=shapes.name,
            variable=model.variable,
            line=line,
            input_shape=_listed(shapes.input_shape),
            built=shapes.built and not model.uncertain,
            uncertain=model.uncertain,
            cell=cell,
            guessed_names=tuple(sorted(analysis.file.guessed_names))
            if model.resolved_by_name
            else (),
            conditions=tuple((text, _place(src, line)) for text, line in model.conditions),
        )
        for ls in shapes.layers:
            cell, line = src.locate(ls.entry.loc.line)
            summary.layers.append(
                LayerSummary(
                    class_name=ls.class_name,
                    name=ls.name,
                    output_shape=_listed(ls.output_shape),
                    params=_total(ls.trainable, ls.non_trainable),
                    line=line,
                    cell=cell,
                    rejected=_rejection(ls) if ls.construct_error else None,
                )
            )
        if shapes.built:
            trainable, non_trainable = shapes.totals()
            summary.trainable_params = trainable
            summary.non_trainable_params = non_trainable
            summary.total_params = _total(trainable, non_trainable)
        out.append(summary)
    return out


def _place(src: SourceFile, line: int) -> str:
    cell, local = src.locate(line)
    return f"cell {cell}, line {local}" if cell is not None else f"line {local}"


def _rejection(ls: LayerShape) -> str:
    """Why Keras stops in this layer's constructor (the layers after it never get added)."""
    item = ls.entry.item
    bound = getattr(item, "bound", None)
    if bound is not None and bound.unknown_keywords:
        names = ", ".join(f"`{k}=`" for k in bound.unknown_keywords)
        return f"Keras 3 rejects {names}"
    if bound is not None and bound.missing:
        return "missing " + ", ".join(f"`{k}`" for k in bound.missing)
    if bound is not None and bound.too_many_positional:
        return "too many positional arguments"
    kwargs = getattr(item, "kwargs", {})
    values = {**(bound.values if bound is not None else {}), **kwargs}
    for key, value in values.items():
        if bad_identifier(key, value):
            return f"Keras 3 rejects {key}={value!r}"
    return "Keras 3 rejects its arguments"


def _listed(shape: tuple[int | None, ...] | None) -> list[int | None] | None:
    return None if shape is None else list(shape)


def _total(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b
