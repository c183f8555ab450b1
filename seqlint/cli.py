"""The ``seqlint`` command line: ``check``, ``summary``, ``rules``, ``rule``, ``run``, ``server``.

Exit codes: 0 clean (or warnings only, unless ``--fail-on warning``), 1 findings, 2 usage,
configuration or internal error. Every error is one
line on stderr (``seqlint: error: ...``), never a traceback.
"""

from __future__ import annotations

import ast
import gc
import importlib
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, cast

import click

from seqlint import __version__
from seqlint.config import FAIL_ON
from seqlint.diagnostics import SAFE_MARKER, UNSAFE_MARKER
from seqlint.report import FORMATS, STATISTICS_FORMATS, render, render_statistics, summary_line
from seqlint.report.escape import visible
from seqlint.report.output import write_atomic
from seqlint.safepaths import UnsafePath, check_writable, refuse_overwriting

if TYPE_CHECKING:
    from seqlint.check import ModelSummary
    from seqlint.config import Settings
    from seqlint.diagnostics import Diagnostic
    from seqlint.parallel import Sources
    from seqlint.sources import SourceError, SourceFile


def _lazy(name: str) -> Any:
    """The module ``name``, imported when one of its attributes is first read: ``seqlint
    --version`` and ``seqlint rule`` do not pay for the engine, the cache or the pool."""
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:  # pragma: no cover - a broken installation
        return importlib.import_module(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)  # as ``import a.b`` binds ``a.b``
    return module


engine = _lazy("seqlint.check")
_cache = _lazy("seqlint.cache")
_config = _lazy("seqlint.config")
_files = _lazy("seqlint.files")
_parallel = _lazy("seqlint.parallel")
_sources = _lazy("seqlint.sources")
_summary = _lazy("seqlint.report.summary")

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

STDIN = "-"


class UsageError(click.ClickException):
    """A usage problem found after parsing (missing path, bad selector): exit 2."""

    exit_code = EXIT_ERROR


def _error(message: str) -> None:
    click.echo(f"seqlint: error: {_one_line(message)}", err=True)


def _warning(message: str) -> None:
    click.echo(f"seqlint: warning: {_one_line(message)}", err=True)


def _one_line(text: str) -> str:
    return visible(" ".join(str(text).split()))


def _use_color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _load_rules() -> None:
    """Import the rules and the engine they run on, without collecting garbage meanwhile (the
    modules' objects live for the whole run; see ``seqlint/__main__.py``)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        import seqlint.rules  # noqa: F401  (registers every rule)

        engine.check_source  # noqa: B018  (loads the lazy module: the engine)
    finally:
        if collecting:
            gc.enable()


class SeqlintGroup(click.Group):
    """A group whose ``main`` turns every failure into one line on stderr and an exit code."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        try:
            rv = super().main(
                args=list(args) if args is not None else None,
                prog_name=prog_name or "seqlint",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except click.UsageError as e:
            if type(e).__name__ == "NoArgsIsHelpError" and e.ctx is not None:  # click >= 8.2
                click.echo(e.ctx.get_help())
                sys.exit(EXIT_ERROR)
            hint = ""
            if e.ctx is not None:
                hint = f" (see '{e.ctx.command_path} --help')"
            _error(e.format_message() + hint)
            sys.exit(EXIT_ERROR)
        except click.ClickException as e:
            _error(e.format_message())
            sys.exit(e.exit_code)
        except click.Abort:
            click.echo("seqlint: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(EXIT_ERROR)
        except Exception as e:  # the last line of defence: no tracebacks
            click.echo(f"seqlint: internal error: {_parallel.describe(e)}", err=True)
            sys.exit(EXIT_ERROR)
        sys.exit(rv if isinstance(rv, int) else EXIT_CLEAN)


def _silence_stdout() -> None:
    # After EPIPE, Python would complain again when flushing stdout at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@click.group(cls=SeqlintGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "-V", "--version", prog_name="seqlint", message="%(prog)s %(version)s"
)
def cli() -> None:
    """seqlint: a static linter for Keras Sequential models."""


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """The console entry point (``seqlint``, ``python -m seqlint``)."""
    cli.main(args=argv, prog_name="seqlint")


# --------------------------------------------------------------------------------------------
# check


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
        click.echo(
            f"seqlint: internal error in {visible(display)}: {_parallel.describe(e)}", err=True
        )
        run.internal_errors += 1
        return
    if found:
        run.diagnostics.extend(found)
        run.sources[display] = src


def _stdin_bytes() -> bytes:
    stream = sys.stdin
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        return bytes(buffer.read())
    return stream.read().encode("utf-8")


def _read_stdin(filename: str | None) -> tuple[str, SourceFile | SourceError]:
    display, _, got = _read_stdin_data(filename)
    return display, got


def _read_stdin_data(filename: str | None) -> tuple[str, bytes, SourceFile | SourceError]:
    """(display name, raw bytes, source or why it cannot be read) of standard input."""
    display = filename or STDIN
    data = _stdin_bytes()
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
            _error(f"{path}: cannot fix: {e.message}")
            out.errors += 1
            kept.extend(before)
            continue
        except Exception as e:
            click.echo(
                f"seqlint: internal error while fixing {visible(path)}: {_parallel.describe(e)}",
                err=True,
            )
            out.errors += 1
            kept.extend(before)
            continue
        if result.error is not None:
            _error(f"{path}: cannot fix: {result.error}")
            out.errors += 1
            kept.extend(before)
            continue
        if not result.converged:
            _warning(f"{path}: fixes still apply after {fixer.MAX_PASSES} passes; run again")
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
                _error(f"cannot write {path}: {reason}")
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
    from seqlint.noqa import add_noqa_edits
    from seqlint.sources import read_bytes

    added = failed = skipped = 0
    for path in sorted({d.path for d in run.diagnostics}):
        checked = run.sources.get(path)
        found = [d for d in run.diagnostics if d.path == path]
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
            _error(f"{path}: cannot add noqa comments: {reason}")
            failed += 1
            continue
        added += len(edits)
    if skipped:
        _warning(
            f"{_plural(skipped, 'finding')} got no noqa comment (a syntax error, or a line "
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
            compile(text, src.path, "exec", dont_inherit=True, flags=ast.PyCF_ONLY_AST)
        except (SyntaxError, ValueError):
            return False
        return True

    for cell in sorted(cells, key=lambda c: c or 0):
        if parses(before, cell) and not parses(after, cell):
            return "the file" if cell is None else f"cell {cell}"
    return None


def _linter(settings: Settings, display: str) -> Callable[[SourceFile], list[Diagnostic]]:
    def lint(src: SourceFile) -> list[Diagnostic]:
        return check_one(src, settings, display)

    return lint


def _write_stdout(data: bytes) -> None:
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:
        sys.stdout.write(data.decode("utf-8", "replace"))
        sys.stdout.flush()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _fix_summary(diagnostics: list[Diagnostic], *, fixed: int, unsafe: bool, unchecked: int) -> str:
    """The closing lines of a text report: what was fixed, what remains, what could be, with
    the markers of the findings (``[*]`` safe, ``[~]`` unsafe)."""
    lines = []
    if fixed:
        lines.append(f"Fixed {_plural(fixed, 'error')} ({len(diagnostics)} remaining).")
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
    from seqlint import check as engine

    try:
        src = _sources.read_source(path)
    except _sources.SourceError:
        return []  # reported as SEQ001 already
    if not engine.relevant(src.text):
        return ["skipped: it never mentions keras (the pre-filter)"]
    notes: list[str] = []
    engine.summarize(src, notes)
    return notes


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, file_okay=True, allow_dash=True))
@click.option(
    "--select",
    multiple=True,
    metavar="RULES",
    help="Rules to check (codes, prefixes, names or ALL; comma-separated). Replaces the config's.",
)
@click.option(
    "--extend-select",
    multiple=True,
    metavar="RULES",
    help="Rules to check on top of the selection.",
)
@click.option("--ignore", multiple=True, metavar="RULES", help="Rules to leave out.")
@click.option(
    "--output-format",
    type=click.Choice(FORMATS),
    default="full",
    show_default=True,
    help="How findings are shown.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    help="The lowest severity that makes the exit code 1 (default: error, or the config's "
    "fail-on). 'warning' fails on warnings too, for strict CI.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="A TOML file with the settings (instead of the nearest pyproject.toml).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    envvar="SEQLINT_NO_CACHE",
    help="Do not read or write the cache (.seqlint_cache/ in the project root).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    metavar="N",
    help="Check files in N processes (default: the CPUs this process may use; 1: no pool).",
)
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="The name of the file read from stdin (for per-file-ignores and messages).",
)
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply exclude patterns to files named on the command line too.",
)
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=True,
    show_default=True,
    help="Skip files and directories that .gitignore files ignore (when walking directories).",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Show how many findings each rule produced instead of the findings.",
)
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=False),
    metavar="PATH",
    help="Write the report to PATH (replaced atomically) instead of standard output.",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Apply safe fixes, then report what remains (stdin: the fixed code goes to stdout).",
)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="Apply unsafe fixes too with --fix / --diff; without them, show them as available.",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Print a unified diff of what --fix would change and write nothing (exit 1 if any).",
)
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Add `# noqa: CODES` comments for every finding reported now (exit 0).",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Also say, on stderr, what the analysis guessed or could not follow in each file.",
)
def check(
    paths: tuple[str, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    exit_zero: bool,
    fail_on: str | None,
    config_file: str | None,
    no_cache: bool,
    jobs: int | None,
    stdin_filename: str | None,
    force_exclude: bool,
    respect_gitignore: bool,
    statistics: bool,
    output_file: str | None,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
    add_noqa: bool = False,
    verbose: bool = False,
) -> int:
    """Check files and directories (default: the current directory)."""
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

    _load_rules()
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
            on_warning=_warning,
        )
    except _files.MissingPathError as e:
        raise UsageError(str(e)) from None
    if output_file is not None:
        inputs = [*discovery.files, *file_paths, settings.config_path]
        _safe(refuse_overwriting, output_file, "--output-file", inputs)

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
        _warning("no Python files found under the given paths")

    cache = None if no_cache or not discovery.files else _cache.Cache(settings.root)
    for result in _parallel.check_files(discovery.files, settings, jobs=jobs, cache=cache):
        if result.error is not None:
            click.echo(
                f"seqlint: internal error in {visible(result.path)}: {result.error}", err=True
            )
            run.internal_errors += 1
        elif result.diagnostics:
            run.diagnostics.extend(result.diagnostics)
            run.sources.add(result)

    if verbose:
        for path in discovery.files:
            for note in _analysis_notes(path):
                click.echo(f"seqlint: note: {visible(path)}: {visible(note)}", err=True)

    if add_noqa:
        added, failed = _add_noqa_comments(run)
        click.echo(f"Added {_plural(added, 'noqa directive')}.", err=True)
        return EXIT_ERROR if failed or run.internal_errors else EXIT_CLEAN

    fixes = FixRun()
    if fix or diff:
        fixes = _fix_files(run, settings, unsafe=unsafe_fixes, write=not diff, stdin=stdin_data)
    if diff:
        click.echo("".join(fixes.diffs), nl=False)
        n = fixes.fixed
        click.echo(
            f"Would fix {_plural(n, 'error')}." if n else "No errors would be fixed.", err=True
        )
        if run.internal_errors or fixes.errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if n else EXIT_CLEAN
    # ``--fix`` on stdin: the code goes to stdout (fixed or not), the report to stderr
    code_out = fix and stdin_data is not None
    if code_out and stdin_data is not None:
        _write_stdout(fixes.stdin_output if fixes.stdin_output is not None else stdin_data[1])

    text_report = output_format in ("full", "concise")
    shown = run.diagnostics
    color = (
        output_file is None
        and (not code_out and _use_color())
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
        click.echo(report, nl=False, color=color, err=code_out)

    if run.internal_errors or fixes.errors:
        return EXIT_ERROR
    if settings.fails(d.severity for d in run.diagnostics) and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


# --------------------------------------------------------------------------------------------
# summary, rules, rule


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, file_okay=True, allow_dash=True))
@click.option(
    "--output-format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="A Keras-like table, or JSON (one object for one file, else a list of them).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="A TOML file with the settings (instead of the nearest pyproject.toml).",
)
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=True,
    show_default=True,
    help="Skip files and directories that .gitignore files ignore (when walking directories).",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False),
    metavar="PATH",
    help="Also draw the models to PATH (.svg, or .png with seqlint[plot]), findings in red "
    "(one file only).",
)
def summary(
    paths: tuple[str, ...],
    output_format: str,
    config_file: str | None,
    respect_gitignore: bool,
    plot: str | None = None,
) -> int:
    """Print a static model.summary() of each Sequential model in files, directories and
    notebooks, found as `check` finds them (default: the current directory).

    Exit 0, 1 when a file (or notebook cell) cannot be read or parsed (reported on stderr,
    as `check` reports it), 2 for usage and internal errors.
    """
    if paths.count(STDIN) > 1:
        raise UsageError("'-' (stdin) given more than once")
    file_paths = [p for p in paths if p != STDIN] or ([] if STDIN in paths else ["."])
    try:
        settings = _config.load_settings(file_paths or ["."], config_file=config_file)
        found = _files.discover_files(
            file_paths,
            exclude=settings.exclude,
            root=settings.root,
            respect_gitignore=respect_gitignore,
            on_warning=_warning,
        ).files
    except (_config.ConfigError, _files.MissingPathError) as e:
        raise UsageError(str(e)) from None
    todo: list[str] = [STDIN] if STDIN in paths else []
    todo += found
    single = len(paths) == 1 and len(todo) == 1 and not os.path.isdir(paths[0])
    results: list[tuple[str, list[ModelSummary]]] = []
    errors: list[Diagnostic] = []
    sources: dict[str, SourceFile] = {}
    internal = 0
    last: SourceFile | None = None  # the source read last (``--plot`` draws it)
    for path in todo:
        try:
            src = (
                _sources.source_from_bytes(STDIN, _stdin_bytes())
                if path == STDIN
                else _sources.read_source(path)
            )
            last = src
        except _sources.SourceError as e:
            errors.append(_parallel.source_error_diagnostic(path, e))
            continue
        notes: list[str] = []
        try:
            models, broken = engine.summarize(src, notes)
        except Exception as e:
            click.echo(
                f"seqlint: internal error in {visible(path)}: {_parallel.describe(e)}", err=True
            )
            internal += 1
            continue
        if broken:
            errors.extend(broken)
            sources[path] = src
        if models or single:
            results.append((path, models))
            if output_format != "json":
                # what the static summary could not follow (budgets, unknown code, guesses)
                for note in notes:
                    click.echo(f"seqlint: note: {visible(path)}: {visible(note)}", err=True)
    if errors:
        click.echo(render("concise", errors, sources, summary=False), nl=False, err=True)
    if not todo:
        _warning("no Python files found under the given paths")
    if output_format == "json":
        objects = [_summary.summary_json(path, models) for path, models in results]
        click.echo(json.dumps(objects[0] if single and objects else objects, indent=2))
    elif single:
        click.echo(_summary.render_summary_text(*results[0]) if results else "", nl=False)
    else:
        click.echo(_summary.render_summaries_text(results, len(todo)), nl=False)
    if internal:
        return EXIT_ERROR
    if plot:
        if not single or last is None:
            raise UsageError("--plot draws the models of one file: name exactly one")
        code = _plot_models(last, todo[0], plot)
        if code != EXIT_CLEAN:
            return code
    return EXIT_FINDINGS if errors else EXIT_CLEAN


def _plot_models(src: SourceFile, file: str, path: str) -> int:
    """``summary --plot``: draw the models with the findings ``check`` reports for ``file``."""
    from seqlint.plot_model import PlotError, plot_model

    try:
        settings = _config.load_settings([file] if file != STDIN else [])
        findings = check_one(src, settings, file)
        count = plot_model(src, findings, path)
    except (_config.ConfigError, PlotError) as e:
        raise UsageError(str(e)) from None
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from None
    click.echo(f"Wrote a picture of {_plural(count, 'model')} to {visible(path)}", err=True)
    return EXIT_CLEAN


def _rule_rows() -> list[dict[str, Any]]:
    from seqlint.rules.base import all_rules

    _load_rules()
    return [
        {
            "code": r.code,
            "name": r.name,
            "severity": r.severity,
            "default": bool(r.default),
            "fixable": bool(r.fixable),
            "summary": r.summary,
        }
        for r in all_rules()
    ]


@cli.command()
@click.option(
    "--output-format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
)
def rules(output_format: str) -> int:
    """List every rule: code, name, severity, on by default, fixable, summary (the table fits
    a 100-column terminal)."""
    rows = _rule_rows()
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
        return EXIT_CLEAN
    headers = ("Code", "Name", "Severity", "On", "Fix", "Summary")
    table = [
        [
            r["code"],
            r["name"],
            r["severity"],
            "yes" if r["default"] else "no",
            "yes" if r["fixable"] else "no",
            r["summary"],
        ]
        for r in rows
    ]
    widths = [max([len(h), *(len(row[i]) for row in table)]) for i, h in enumerate(headers)]
    # the summary gets what is left of a 100-column terminal (a wider one shows more of it)
    columns = max(RULES_TABLE_WIDTH, _terminal_columns())
    room = max(20, columns - sum(widths[:-1]) - 2 * (len(headers) - 1))
    for row in table:
        row[-1] = _clip(row[-1], room)
    widths[-1] = min(widths[-1], room)

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    click.echo(fmt(headers))
    click.echo(fmt(["-" * w for w in widths]))
    for row in table:
        click.echo(fmt(row))
    click.echo("Full text: seqlint rule CODE (or --output-format json).")
    return EXIT_CLEAN


RULES_TABLE_WIDTH = 100


def _terminal_columns() -> int:
    """The terminal's width when stdout is one, else 0 (pipes get the 100-column table)."""
    try:
        if sys.stdout.isatty():
            return os.get_terminal_size(sys.stdout.fileno()).columns
    except (AttributeError, ValueError, OSError):
        pass
    return 0


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters at a word boundary, with an ellipsis."""
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


@cli.command()
@click.argument("code_or_name")
def rule(code_or_name: str) -> int:
    """Explain a rule, by code (SEQ101) or name (missing-flatten)."""
    import difflib

    from seqlint.rules.base import all_rules, find_rule

    _load_rules()
    found = find_rule(code_or_name)
    if found is None:
        names = [r.code for r in all_rules()] + [r.name for r in all_rules()]
        hint = difflib.get_close_matches(code_or_name, names, n=1)
        did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise UsageError(f"unknown rule {code_or_name!r}{did_you_mean}; 'seqlint rules' lists them")
    click.echo(found.doc().rstrip("\n"))
    return EXIT_CLEAN


@cli.command()
@click.option("--stdio", is_flag=True, help="Talk LSP over stdin/stdout (the default).")
def server(stdio: bool) -> int:
    """Run the Language Server (LSP over stdio) for editors: diagnostics, fixes, hover, shapes.

    Needs the lsp extra: pip install 'seqlint[lsp]'."""
    from seqlint.server import ServerUnavailable, serve

    try:
        serve()
    except ServerUnavailable as e:
        raise UsageError(str(e)) from None
    return EXIT_CLEAN


# --------------------------------------------------------------------------------------------
# run


def _parse_shape(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        dims = tuple(int(part) for part in text.replace("x", ",").split(","))
    except ValueError:
        raise UsageError(f"--input-shape takes integers like 28,28,1, got {text!r}") from None
    if not dims or any(d <= 0 for d in dims):
        raise UsageError(f"--input-shape takes positive integers like 28,28,1, got {text!r}")
    return dims


#: What ``--plot`` can write: matplotlib's formats without extra packages.
PLOT_SUFFIXES = (".png", ".pdf", ".svg", ".svgz", ".jpg", ".jpeg", ".ps", ".eps", ".webp")


def _check_run_options(
    file: str,
    data: str | None,
    save_weights: str | None,
    plot: str | None,
    time_budget: float,
    learning_rate: float | None,
) -> None:
    """Usage errors that would otherwise surface only after training (or never)."""
    import math

    for name, value in (("--time-budget", time_budget), ("--learning-rate", learning_rate)):
        if value is not None and not math.isfinite(value):
            raise UsageError(f"{name} must be a finite number, got {value}")
    if save_weights is not None:
        if not save_weights.endswith(".npz"):
            raise UsageError(
                f"--save-weights writes a NumPy archive: {save_weights} must end in .npz"
            )
        _safe(refuse_overwriting, save_weights, "--save-weights", [file, data])
        _safe(check_writable, save_weights, "--save-weights", makedirs=True)
    if plot is not None:
        if not plot.lower().endswith(PLOT_SUFFIXES):
            raise UsageError(
                f"--plot {plot}: the name must end in one of {', '.join(PLOT_SUFFIXES)}"
            )
        _safe(refuse_overwriting, plot, "--plot", [file, data, save_weights])
        _safe(check_writable, plot, "--plot", makedirs=False)


def _safe(check: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    try:
        check(*args, **kwargs)
    except UnsafePath as e:
        raise UsageError(str(e)) from None


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--model",
    "model_name",
    metavar="NAME|LINE",
    help="Which model, when the file has several: its variable, its line, or CELL:LINE "
    "in a notebook.",
)
@click.option("--train", is_flag=True, help="Train it and say whether it learns.")
@click.option(
    "--epochs", type=click.IntRange(min=1), help="Epochs (default: as many as fit in ~15 s)."
)
@click.option("--batch-size", type=click.IntRange(min=1), help="Batch size (default 32).")
@click.option(
    "--learning-rate",
    type=click.FloatRange(min=0, min_open=True),
    help="Override the learning rate.",
)
@click.option(
    "--data", type=click.Path(dir_okay=False), help=".npz with x, y (and optionally x_val, y_val)."
)
@click.option(
    "--input-shape", metavar="D1,D2,...", help="Input shape when the file leaves it unknown."
)
@click.option("--device", type=click.Choice(["cpu", "gpu"]), default="cpu", show_default=True)
@click.option(
    "--dtype", type=click.Choice(["float32", "float64"]), default="float32", show_default=True
)
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True)
@click.option(
    "--verbose",
    type=click.IntRange(0, 2),
    default=1,
    show_default=True,
    help="0 silent, 1 progress bar, 2 one line per epoch.",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False),
    help="Save loss/metric curves as PNG (needs seqlint[plot]).",
)
@click.option(
    "--save-weights", type=click.Path(dir_okay=False), help="Save the trained weights (.npz)."
)
@click.option("--force", is_flag=True, help="Run even when seqlint check reports errors.")
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="BLAS threads. 1 is fastest for the small matrices of most models, and immune to "
    "oversubscription when other work shares the CPUs.",
)
@click.option(
    "--time-budget",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds of training; a run that has not decided by then is inconclusive (exit 3).",
)
@click.option(
    "--memory-limit",
    type=click.FloatRange(min=0, min_open=True),
    metavar="GB",
    help="Refuse runs estimated to need more (default: half the RAM).",
)
@click.option(
    "--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def run(
    file: str,
    model_name: str | None,
    train: bool,
    epochs: int | None,
    batch_size: int | None,
    learning_rate: float | None,
    data: str | None,
    input_shape: str | None,
    device: str,
    dtype: str,
    seed: int,
    verbose: int,
    plot: str | None,
    save_weights: str | None,
    force: bool,
    threads: int,
    time_budget: float,
    memory_limit: float | None,
    output_format: str,
) -> int:
    """Build a model of FILE in seqlint.runtime (never executing FILE) and, with --train,
    train it on synthetic data of the file's task and say whether it learns.
    Exit 0 learns, 1 does not learn (or refused), 2 usage error, 3 inconclusive."""
    import contextlib

    _check_run_options(file, data, save_weights, plot, time_budget, learning_rate)

    from seqlint import run as runner

    if not train:
        given = {
            "--epochs": epochs,
            "--batch-size": batch_size,
            "--learning-rate": learning_rate,
            "--data": data,
            "--plot": plot,
            "--save-weights": save_weights,
        }
        for flag, value in given.items():
            if value is not None:
                _warning(f"{flag} has no effect without --train")
        plot = save_weights = None
    if plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise UsageError("--plot needs matplotlib: pip install 'seqlint[plot]'") from None
        _check_output_path(plot, "--plot", (".png", ".svg", ".pdf"))
    if save_weights:
        _check_output_path(save_weights, "--save-weights", (".npz", ".h5", ".weights.h5"))
    if not os.path.exists(file):
        raise UsageError(f"path does not exist: {file}")
    try:
        src = _sources.read_source(file)
    except _sources.SourceError as e:
        _error(f"{file}:{e.line}:{e.column}: {e.message}")
        return EXIT_ERROR
    as_json = output_format == "json"
    # as check reads it: a notebook cell that does not parse is left out (check reports it)
    analysis, broken, src = engine.analyse_cells(src)
    if analysis is None:
        diag = broken[-1]
        _error(f"{file}:{diag.span.line}:{diag.span.column}: {diag.message}")
        return EXIT_ERROR
    parts = [(analysis, src.locate if src.is_notebook else None)]
    for written in src.written:  # the files its %%writefile cells write
        part, _, written = engine.analyse_cells(written)
        if part is not None:
            parts.append((part, written.locate))
    analysis, locate = runner.choose_analysis(parts, model_name)
    errors = [d for d in engine.check_source(src) if d.severity == "error"]
    if errors and not force:
        for d in errors:
            d.path = file
        text = render("json" if as_json else "full", errors, {file: src}, summary=False)
        click.echo(text, nl=False)
        _error(f"{file} has {len(errors)} seqlint check error(s): fix them, or pass --force")
        return EXIT_FINDINGS
    options = runner.RunOptions(
        model=model_name,
        train=train,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        data=data,
        input_shape=_parse_shape(input_shape),
        device=device,
        dtype=dtype,
        seed=seed,
        verbose=verbose,
        time_budget=time_budget,
        memory_limit=None if memory_limit is None else memory_limit * 2**30,
        echo=None if as_json else (lambda text: click.echo(text, nl=False)),
        locate=locate,
    )
    from seqlint.runtime.backend import set_num_threads

    set_num_threads(threads)
    progress = contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext()
    try:
        with progress:
            result = runner.run_model(analysis, options)
    except runner.RunError as e:
        _error(f"{file}: {e.message}")
        return EXIT_ERROR if e.usage else EXIT_FINDINGS
    model = result.model
    if save_weights and model is not None:
        model.save_weights(save_weights)
    if plot and result.history:
        _plot_history(result.history, plot, f"{result.model_name}: {result.verdict}")
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
    elif train:
        checks = result.checks
        held = checks.get("held_out")
        if held is not None:
            click.echo(
                f"Held-out {held['metric']}: {held['value']:.3f} after {checks['epochs']} "
                f"epochs (goal {held['goal']:.3f}, chance {held['chance']:.3f})"
            )
        if result.verdict == "learns":
            click.echo("Verdict: learns (held-out samples show it learned the task)")
        elif result.verdict == "inconclusive":
            click.echo(f"Verdict: inconclusive: {result.inconclusive}")
        elif result.verdict is not None:
            click.echo("Verdict: does not learn: " + "; ".join(result.reasons))
    elif result.verdict == "does not learn":
        click.echo("Verdict: does not learn: " + "; ".join(result.reasons))
    if plot and result.history and not as_json:
        click.echo(f"Plot: wrote {plot}")
    if save_weights and model is not None and not as_json:
        click.echo(f"Weights: wrote {save_weights}")
    if result.verdict == "inconclusive":
        return EXIT_INCONCLUSIVE
    if result.learns is None:
        return EXIT_CLEAN
    return EXIT_CLEAN if result.learns else EXIT_FINDINGS


EXIT_INCONCLUSIVE = 3  # seqlint run --train: the time budget ran out before a verdict


def _check_output_path(path: str, flag: str, suffixes: tuple[str, ...]) -> None:
    """Refuse an output path before training rather than after it."""
    if not path.lower().endswith(suffixes):
        raise UsageError(f"{flag} {path}: the file name must end with {' or '.join(suffixes)}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"{flag} {path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise UsageError(f"{flag} {path}: is a folder")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{flag} {path}: the folder {folder} is not writable")


def _fmt(value: float | None) -> str:
    return "?" if value is None else format(value, ".4g")


def _plot_history(history: dict[str, list[float]], path: str, title: str) -> None:
    """Loss and metric curves, drawn with matplotlib's defaults on the Agg backend: a local
    ``matplotlibrc`` (``text.usetex`` running latex, say) is ignored."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rc = dict(matplotlib.rcParamsDefault)
    rc.update({"backend": "Agg", "text.usetex": False})
    with matplotlib.rc_context(rc=rc):
        keys = [k for k in history if not k.startswith("val_")] or list(history)
        fig, axes = plt.subplots(1, len(keys), figsize=(5 * len(keys), 3.5), squeeze=False)
        for ax, key in zip(axes[0], keys, strict=True):
            ax.plot(range(1, len(history[key]) + 1), history[key], label=key)
            if f"val_{key}" in history:
                ax.plot(range(1, len(history[key]) + 1), history[f"val_{key}"], label=f"val_{key}")
            ax.set_xlabel("epoch")
            ax.set_title(key)
            ax.legend()
        fig.suptitle(title)
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)
