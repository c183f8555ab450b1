"""Checking one source: parse, extract models, infer shapes, run the selected rules."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Collection

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic, Edit, Fix
from seqlint.extract import extract, parse
from seqlint.extract.positions import PositionsUnavailable
from seqlint.fixes import shared_tree
from seqlint.noqa import apply_noqa
from seqlint.rules import all_rules
from seqlint.sources import CellError, SourceFile


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


def syntax_error(src: SourceFile, err: SyntaxError, note: str = "") -> Diagnostic:
    """SEQ001 at the error, with CPython's own message (it names Python 2 idioms)."""
    line = _error_line(err)
    column = max(err.offset or 1, 1)  # (CPython counts characters here, not bytes)
    reason = err.msg
    # a notebook's other cells are still checked (see check_source)
    what = "this cell" if src.is_notebook else "the file"
    message = f"cannot parse {what} as Python 3: {reason}{note}"
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
    original = src.text
    analysis, failures, src = analyse_cells(src)
    errors = [e for e in failures if select is None or "SEQ001" in select]
    if analysis is None:
        return sorted([*errors, *written], key=Diagnostic.sort_key)
    try:
        with shared_tree(analysis):  # the fixes of its findings need no parse of their own
            found = _run_rules(src, analysis, select)
        if not src.is_notebook and src.text != original:
            # a script read as IPython runs it: a fix could not be checked by parsing the file
            for diag in found:
                diag.fix = None
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
            ipython = _as_ipython_runs_it(src) if broken == 1 else None
            if ipython is not None:
                errors.append(syntax_error(src, err, _IPYTHON_NOTE))
                src = ipython
                continue
            # (cells that compile alone but not joined)
            errors.append(syntax_error(src, err))
            rest = _without_cell_at(src, _error_line(err), broken)
            if rest is None:
                return None, errors, src
            src = rest
    raise AssertionError("unreachable")  # pragma: no cover


_IPYTHON_NOTE = (
    " (IPython syntax: a magic or shell escape; the rest of the file is checked as IPython runs it)"
)


def _as_ipython_runs_it(src: SourceFile) -> SourceFile | None:
    """A script that only IPython can run (a notebook saved as ``.py`` with its ``%%time`` or
    ``!pip`` lines): ``src`` with those lines read as IPython reads them, when that is all
    that stops it from parsing, so its models are still checked (the SEQ001 stays: Python
    cannot run the file). None for notebooks and for any other syntax error."""
    if src.is_notebook:
        return None
    from seqlint.ipython_syntax import transform_cell  # (only for files that do not parse)

    raw = src.text.split("\n")
    cell = transform_cell(raw)
    if cell.lines == raw or cell.removed or cell.writefile is not None:
        return None  # nothing IPython-only, or a change of columns or of file
    text = "\n".join(cell.lines)
    try:
        compile(text, src.path or "<file>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    return dataclasses.replace(src, text=text)


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
