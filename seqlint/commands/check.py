"""``seqlint check``: lint files, directories, notebooks or stdin, fix them, report.

This module is the command's body and imports no click: :mod:`seqlint.launch` calls
:func:`run_check` directly for an ordinary command line, and :mod:`seqlint.cli` declares the
options (with help and validation) and calls it for every other."""

from __future__ import annotations

import ast
import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from seqlint.console import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    STDIN,
    UsageError,
    echo,
    error,
    lazy,
    plural,
    stdin_bytes,
    use_color,
    warning,
    write_stdout,
)
from seqlint.diagnostics import SAFE_MARKER, UNSAFE_MARKER
from seqlint.report import STATISTICS_FORMATS, render, render_statistics, summary_line
from seqlint.report.escape import visible
from seqlint.report.output import write_atomic
from seqlint.safepaths import UnsafePath, refuse_overwriting

if TYPE_CHECKING:
    from seqlint.config import Settings
    from seqlint.diagnostics import Diagnostic
    from seqlint.parallel import Sources
    from seqlint.sources import SourceError, SourceFile

engine = lazy("seqlint.check")
_cache = lazy("seqlint.cache")
_config = lazy("seqlint.config")
_files = lazy("seqlint.files")
_parallel = lazy("seqlint.parallel")
_sources = lazy("seqlint.sources")


def load_rules() -> None:
    """Import the rules and the engine they run on, without collecting garbage meanwhile (the
    modules' objects live for the whole run; see :func:`seqlint.launch.main`)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        import seqlint.rules  # noqa: F401  (registers every rule)

        engine.check_source  # noqa: B018  (loads the lazy module: the engine)
    finally:
        if collecting:
            gc.enable()


def safe(check: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    """Run a :mod:`seqlint.safepaths` check; its refusal is a usage error."""
    try:
        check(*args, **kwargs)
    except UnsafePath as e:
        raise UsageError(str(e)) from None


@dataclass
class CheckRun:
    """What one ``seqlint check`` found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: Sources = field(default_factory=lambda: _parallel.Sources())
    internal_errors: int = 0


def check_one(src: SourceFile, settings: Settings, display: str) -> list[Diagnostic]:
    """The findings for one readable source: the engine's, less per-file ignores and noqa.

    Syntax errors are always reported, whatever the selection.
    """
    return _parallel.lint_source(src, settings.codes_for(display), display)


def _check_source(src: SourceFile, settings: Settings, display: str, run: CheckRun) -> None:
    try:
        found = check_one(src, settings, display)
    except Exception as e:
        echo(f"seqlint: internal error in {visible(display)}: {_parallel.describe(e)}", err=True)
        run.internal_errors += 1
        return
    if found:
        run.diagnostics.extend(found)
        run.sources[display] = src


def _read_stdin_data(filename: str | None) -> tuple[str, bytes, SourceFile | SourceError]:
    """(display name, raw bytes, source or why it cannot be read) of standard input."""
    display = filename or STDIN
    data = stdin_bytes()
    try:
        return display, data, _sources.source_from_bytes(display, data)
    except _sources.SourceError as e:
        return display, data, e


# --- fixes (--fix, --unsafe-fixes, --diff) ---------------------------------------------------


@dataclass
class FixRun:
    """What ``--fix`` / ``--diff`` did: findings fixed (or that would be), failures, diffs."""

    fixed: int = 0
    errors: int = 0
    diffs: list[str] = field(default_factory=list)
    stdin_output: bytes | None = None  # the fixed standard input (``--fix`` on ``-``)


def _fix_files(
    run: CheckRun,
    settings: Settings,
    *,
    unsafe: bool,
    write: bool,
    stdin: tuple[str, bytes] | None,
) -> FixRun:
    """Fix every file of ``run`` that has an applicable fix, outside the cache and the pool:
    each is read again, fixed in passes and linted again, and its findings in ``run`` become
    what remains. With ``write`` False nothing is written (``--diff``)."""
    from seqlint import fix as fixer
    from seqlint.sources import read_bytes

    out = FixRun()
    paths: list[str] = []
    for d in run.diagnostics:
        if fixer.applicable(d, unsafe) and d.path not in paths:
            paths.append(d.path)
    if not paths:
        return out
    todo = set(paths)
    kept = [d for d in run.diagnostics if d.path not in todo]
    for path in paths:
        before = [d for d in run.diagnostics if d.path == path]
        is_stdin = stdin is not None and path == stdin[0]
        try:
            data = stdin[1] if stdin is not None and is_stdin else read_bytes(path)
            result = fixer.fix_bytes(path, data, _linter(settings, path), unsafe=unsafe)
        except _sources.SourceError as e:
            error(f"{path}: cannot fix: {e.message}")
            out.errors += 1
            kept.extend(before)
            continue
        except Exception as e:
            echo(
                f"seqlint: internal error while fixing {visible(path)}: {_parallel.describe(e)}",
                err=True,
            )
            out.errors += 1
            kept.extend(before)
            continue
        if result.error is not None:
            error(f"{path}: cannot fix: {result.error}")
            out.errors += 1
            kept.extend(before)
            continue
        if not result.converged:
            warning(f"{path}: fixes still apply after {fixer.MAX_PASSES} passes; run again")
        new = result.data
        if new is None:
            kept.extend(result.remaining)
            continue
        if not write:
            out.diffs.append(result.diff())
        elif is_stdin:
            out.stdin_output = new
        else:
            try:
                fixer.write_bytes_atomic(path, new, expected=data)
            except (OSError, _sources.SourceError) as e:
                reason = getattr(e, "strerror", None) or getattr(e, "message", None) or e
                error(f"cannot write {path}: {reason}")
                out.errors += 1
                kept.extend(before)
                continue
        out.fixed += result.fixed
        kept.extend(result.remaining)
        if result.source is not None:
            run.sources[path] = result.source
    run.diagnostics = kept
    return out


def _add_noqa_comments(run: CheckRun) -> tuple[int, int]:
    """Write ``# noqa`` comments for the findings of ``run`` into their files; (directives
    added or extended, files that failed). A file that changed since it was checked, or that
    would not parse afterwards, is left alone with an error."""
    from seqlint import fix as fixer
    from seqlint.noqa import SYNTAX_ERROR_CODE, add_noqa_edits
    from seqlint.sources import read_bytes

    added = failed = skipped = 0
    for path in sorted({d.path for d in run.diagnostics}):
        checked = run.sources.get(path)
        found = [d for d in run.diagnostics if d.path == path]
        if all(d.code == SYNTAX_ERROR_CODE for d in found):
            skipped += len(found)  # no comment silences SEQ001 (and the file may be unreadable)
            continue
        try:
            data = read_bytes(path)
            doc = fixer.document(path, data)
            src = doc.source()
            if checked is None or src.text != checked.text:
                raise fixer.FixError("the file changed while it was being checked")
            edits, missed = add_noqa_edits(src, found)
            skipped += missed
            if not edits:
                continue
            new = doc.apply(edits)
            broken = _newly_broken(src, new.source(), {e.span.cell for e in edits})
            if broken:
                raise fixer.FixError(f"the comments would break {broken}; nothing was written")
            fixer.write_bytes_atomic(path, new.to_bytes(), expected=data)
        except (OSError, _sources.SourceError, fixer.FixError, ValueError) as e:
            reason = getattr(e, "strerror", None) or getattr(e, "message", None) or e
            error(f"{path}: cannot add noqa comments: {reason}")
            failed += 1
            continue
        added += len(edits)
    if skipped:
        warning(
            f"{plural(skipped, 'finding')} got no noqa comment (a syntax error, or a line "
            "that ends inside a string)"
        )
    return added, failed


def _newly_broken(before: SourceFile, after: SourceFile, cells: set[int | None]) -> str | None:
    """What parsed before the edits and does not after ("the file", "cell N"), or None. A
    notebook is compared cell by cell: one broken cell elsewhere must not block the others."""

    def parses(src: SourceFile, cell: int | None) -> bool:
        first, last = src.cell_lines(cell)
        text = "\n".join(src.lines[first - 1 : last])
        try:
            # (no file name: on a syntax error CPython would read that file to quote a line)
            compile(text, "<unknown>", "exec", dont_inherit=True, flags=ast.PyCF_ONLY_AST)
        except (SyntaxError, ValueError):
            return False
        return True

    for cell in sorted(cells, key=lambda c: c or 0):
        if parses(before, cell) and not parses(after, cell):
            return "the file" if cell is None else f"cell {cell}"
    # the files that %%writefile cells write (blank in the notebook's own text)
    for old, new in zip(before.written, after.written, strict=False):
        if cells & set(old.cell_numbers or ()) and parses(old, None) and not parses(new, None):
            return f"the file that cell {(old.cell_numbers or [0])[0]} writes"
    return None


def _linter(settings: Settings, display: str) -> Callable[[SourceFile], list[Diagnostic]]:
    def lint(src: SourceFile) -> list[Diagnostic]:
        return check_one(src, settings, display)

    return lint


def _fix_summary(diagnostics: list[Diagnostic], *, fixed: int, unsafe: bool, unchecked: int) -> str:
    """The closing lines of a text report: what was fixed, what remains, what could be, with
    the markers of the findings (``[*]`` safe, ``[~]`` unsafe)."""
    lines = []
    if fixed:
        lines.append(f"Fixed {plural(fixed, 'error')} ({len(diagnostics)} remaining).")
    if not fixed or unchecked:
        lines.append(summary_line(diagnostics, unchecked))
    safe = sum(1 for d in diagnostics if d.fix is not None and d.fix.safe)
    risky = sum(1 for d in diagnostics if d.fix is not None and not d.fix.safe)
    if safe:
        lines.append(f"{SAFE_MARKER} {safe} fixable with the `--fix` option.")
    if risky:
        how = "the `--fix` option" if unsafe else "`--fix --unsafe-fixes`"
        lines.append(f"{UNSAFE_MARKER} {risky} fixable with {how} (unsafe: review the change).")
    return "".join(line + "\n" for line in lines)


def _analysis_notes(path: str) -> list[str]:
    """What the engine guessed or could not follow in one file (for ``check --verbose``): the
    file is analysed again, which only a verbose run pays for."""
    from seqlint.summary import summarize

    try:
        src = _sources.read_source(path)
    except _sources.SourceError:
        return []  # reported as SEQ001 already
    if not engine.relevant(src.text):
        return ["skipped: it never mentions keras (the pre-filter)"]
    notes: list[str] = []
    summarize(src, notes)
    return notes


def run_check(
    paths: tuple[str, ...] = (),
    *,
    select: tuple[str, ...] = (),
    extend_select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    output_format: str = "full",
    exit_zero: bool = False,
    fail_on: str | None = None,
    config_file: str | None = None,
    no_cache: bool = False,
    jobs: int | None = None,
    stdin_filename: str | None = None,
    force_exclude: bool = False,
    respect_gitignore: bool = True,
    statistics: bool = False,
    output_file: str | None = None,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
    add_noqa: bool = False,
    verbose: bool = False,
) -> int:
    """``seqlint check`` with its options (the defaults are the command line's): the exit code.
    Usage errors raise :class:`UsageError`."""
    use_stdin = STDIN in paths or (stdin_filename is not None and not paths)
    if paths.count(STDIN) > 1:
        raise UsageError("'-' (stdin) given more than once")
    if statistics and output_format not in STATISTICS_FORMATS:
        raise UsageError(
            f"--statistics cannot be shown as {output_format!r}; use one of "
            + ", ".join(STATISTICS_FORMATS)
        )
    file_paths = [p for p in paths if p != STDIN]
    if not file_paths and not use_stdin:
        file_paths = ["."]
    if add_noqa and (fix or diff or use_stdin):
        raise UsageError("--add-noqa cannot be combined with --fix, --diff or stdin")

    load_rules()
    config_start = (
        [stdin_filename] if use_stdin and stdin_filename and not file_paths else file_paths
    )
    try:
        settings = _config.load_settings(
            config_start,
            config_file=config_file,
            select=list(select) if select else None,
            extend_select=list(extend_select),
            ignore=list(ignore),
            fail_on=fail_on,
        )
    except _config.ConfigError as e:
        raise UsageError(str(e)) from None

    try:
        discovery = _files.discover_files(
            file_paths,
            exclude=settings.exclude,
            root=settings.root,
            force_exclude=force_exclude,
            respect_gitignore=respect_gitignore,
            on_warning=warning,
        )
    except _files.MissingPathError as e:
        raise UsageError(str(e)) from None
    if output_file is not None:
        inputs = [*discovery.files, *file_paths, settings.config_path]
        safe(refuse_overwriting, output_file, "--output-file", inputs)

    run = CheckRun()
    stdin_data: tuple[str, bytes] | None = None
    if use_stdin:
        display, data, got = _read_stdin_data(stdin_filename)
        stdin_data = (display, data)
        if isinstance(got, _sources.SourceError):
            run.diagnostics.append(_parallel.source_error_diagnostic(display, got))
        else:  # (the lazy module's isinstance does not narrow for mypy)
            _check_source(cast("SourceFile", got), settings, display, run)
    elif not discovery.files:
        warning("no Python files found under the given paths")

    cache = None if no_cache or not discovery.files else _cache.Cache(settings.root)
    for result in _parallel.check_files(discovery.files, settings, jobs=jobs, cache=cache):
        if result.error is not None:
            echo(f"seqlint: internal error in {visible(result.path)}: {result.error}", err=True)
            run.internal_errors += 1
        elif result.diagnostics:
            run.diagnostics.extend(result.diagnostics)
            run.sources.add(result)

    if verbose:
        for path in discovery.files:
            for note in _analysis_notes(path):
                echo(f"seqlint: note: {visible(path)}: {visible(note)}", err=True)

    if add_noqa:
        added, failed = _add_noqa_comments(run)
        echo(f"Added {plural(added, 'noqa directive')}.", err=True)
        return EXIT_ERROR if failed or run.internal_errors else EXIT_CLEAN

    fixes = FixRun()
    if fix or diff:
        fixes = _fix_files(run, settings, unsafe=unsafe_fixes, write=not diff, stdin=stdin_data)
    if diff:
        echo("".join(fixes.diffs), nl=False)
        n = fixes.fixed
        echo(f"Would fix {plural(n, 'error')}." if n else "No errors would be fixed.", err=True)
        if run.internal_errors or fixes.errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if n else EXIT_CLEAN
    # ``--fix`` on stdin: the code goes to stdout (fixed or not), the report to stderr
    code_out = fix and stdin_data is not None
    if code_out and stdin_data is not None:
        write_stdout(fixes.stdin_output if fixes.stdin_output is not None else stdin_data[1])

    text_report = output_format in ("full", "concise")
    shown = run.diagnostics
    color = (
        output_file is None
        and (not code_out and use_color())
        and output_format in ("full", "concise")
    )
    if statistics:
        report = render_statistics(output_format, shown, color=color)
    elif text_report:
        report = render(output_format, shown, run.sources, color=color, summary=False)
        report += _fix_summary(
            run.diagnostics, fixed=fixes.fixed, unsafe=unsafe_fixes, unchecked=run.internal_errors
        )
    else:
        report = render(
            output_format, shown, run.sources, color=color, unchecked=run.internal_errors
        )
    if output_file is not None:
        try:
            write_atomic(output_file, report)
        except OSError as e:
            raise UsageError(f"cannot write {output_file}: {e.strerror or e}") from None
    else:
        echo(report, nl=False, color=color, err=code_out)

    if run.internal_errors or fixes.errors:
        return EXIT_ERROR
    if settings.fails(d.severity for d in run.diagnostics) and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN
