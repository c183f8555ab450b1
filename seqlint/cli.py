"""The ``seqlint`` command line: ``check``, ``summary``, ``rules``, ``rule``, ``run``, ``server``.

Exit codes: 0 clean (or warnings only, unless ``--fail-on warning``), 1 findings, 2 usage,
configuration or internal error. Every error is one
line on stderr (``seqlint: error: ...``), never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import click

from seqlint import __version__
from seqlint.commands.check import check_one, load_rules, run_check, safe
from seqlint.config import FAIL_ON
from seqlint.console import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    STDIN,
    UsageError,
    echo,
    error,
    guarded,
    lazy,
    plural,
    stdin_bytes,
    warning,
)
from seqlint.report import FORMATS, render
from seqlint.report.escape import visible
from seqlint.safepaths import check_writable, refuse_overwriting

if TYPE_CHECKING:
    from seqlint.diagnostics import Diagnostic
    from seqlint.sources import SourceFile
    from seqlint.summary import ModelSummary

engine = lazy("seqlint.check")
_config = lazy("seqlint.config")
_files = lazy("seqlint.files")
_parallel = lazy("seqlint.parallel")
_sources = lazy("seqlint.sources")
_summary = lazy("seqlint.report.summary")
_model_summary = lazy("seqlint.summary")


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
        def call() -> object:
            try:
                return super(SeqlintGroup, self).main(
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
                raise UsageError(e.format_message() + hint) from None
            except click.ClickException as e:
                error(e.format_message())
                sys.exit(e.exit_code)
            except click.Abort:  # click has closed the terminal's ^C line already
                echo("seqlint: interrupted", err=True)
                sys.exit(EXIT_INTERRUPTED)

        guarded(call)


@click.group(cls=SeqlintGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "-V", "--version", prog_name="seqlint", message="%(prog)s %(version)s"
)
def cli() -> None:
    """seqlint: a static linter for Keras Sequential models."""


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """The click commands (:func:`seqlint.launch.main`, the entry point, hands them every
    command line it does not run itself)."""
    cli.main(args=argv, prog_name="seqlint")


# --------------------------------------------------------------------------------------------
# check


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
    return run_check(
        paths,
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        output_format=output_format,
        exit_zero=exit_zero,
        fail_on=fail_on,
        config_file=config_file,
        no_cache=no_cache,
        jobs=jobs,
        stdin_filename=stdin_filename,
        force_exclude=force_exclude,
        respect_gitignore=respect_gitignore,
        statistics=statistics,
        output_file=output_file,
        fix=fix,
        unsafe_fixes=unsafe_fixes,
        diff=diff,
        add_noqa=add_noqa,
        verbose=verbose,
    )


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
            on_warning=warning,
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
                _sources.source_from_bytes(STDIN, stdin_bytes())
                if path == STDIN
                else _sources.read_source(path)
            )
            last = src
        except _sources.SourceError as e:
            errors.append(_parallel.source_error_diagnostic(path, e))
            continue
        notes: list[str] = []
        try:
            models, broken = _model_summary.summarize(src, notes)
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
        warning("no Python files found under the given paths")
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
    click.echo(f"Wrote a picture of {plural(count, 'model')} to {visible(path)}", err=True)
    return EXIT_CLEAN


def _rule_rows() -> list[dict[str, Any]]:
    from seqlint.rules.base import all_rules

    load_rules()
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

    load_rules()
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

    _one_line_logging()
    try:
        serve()
    except ServerUnavailable as e:
        raise UsageError(str(e)) from None
    return EXIT_CLEAN


def _one_line_logging() -> None:
    """Log records (pygls logs a malformed message with its traceback) become one line on
    stderr each: ``seqlint server: error: Unable to handle message (JSONDecodeError: ...)``."""
    import logging

    class OneLine(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            text = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                err = record.exc_info[1]
                text += f" ({type(err).__name__}: {err})"
            return f"seqlint server: {record.levelname.lower()}: {visible(' '.join(text.split()))}"

    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(OneLine())
        root.addHandler(handler)
        root.setLevel(logging.WARNING)


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
        safe(refuse_overwriting, save_weights, "--save-weights", [file, data])
        safe(check_writable, save_weights, "--save-weights", makedirs=True)
    if plot is not None:
        if not plot.lower().endswith(PLOT_SUFFIXES):
            raise UsageError(
                f"--plot {plot}: the name must end in one of {', '.join(PLOT_SUFFIXES)}"
            )
        safe(refuse_overwriting, plot, "--plot", [file, data, save_weights])
        safe(check_writable, plot, "--plot", makedirs=False)


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
                warning(f"{flag} has no effect without --train")
        plot = save_weights = None
    if plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise UsageError("--plot needs matplotlib: pip install 'seqlint[plot]'") from None
        _check_output_path(plot, "--plot", (".png", ".svg", ".pdf"))
    if save_weights:
        _check_output_path(save_weights, "--save-weights", (".npz", ".h5", ".weights.h5"))
        target = os.path.realpath(save_weights)  # (the runtime writes through a link)
        if os.path.exists(target) and not os.path.isfile(target):
            raise UsageError(f"--save-weights {save_weights}: {target} is not a regular file")
    if not os.path.exists(file):
        raise UsageError(f"path does not exist: {file}")
    try:
        src = _sources.read_source(file)
    except _sources.SourceError as e:
        error(f"{file}:{e.line}:{e.column}: {e.message}")
        return EXIT_ERROR
    as_json = output_format == "json"
    # as check reads it: a notebook cell that does not parse is left out (check reports it)
    analysis, broken, src = engine.analyse_cells(src)
    if analysis is None:
        diag = broken[-1]
        error(f"{file}:{diag.span.line}:{diag.span.column}: {diag.message}")
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
        error(f"{file} has {len(errors)} seqlint check error(s): fix them, or pass --force")
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
        error(f"{file}: {e.message}")
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
