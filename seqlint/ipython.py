"""``%load_ext seqlint``: check each Jupyter/IPython cell before it runs.

The cell is checked together with the cells the session already ran (so ``model.fit`` in a
new cell is checked against the model an earlier cell built), and its findings are printed
with their shape trace, before any of its output. Execution always goes on, unless the user
asked for ``%seqlint strict``: then a cell with an *error* does not run.

``%seqlint summary [name]`` prints the static ``model.summary()`` of the models defined so far
(or of the one bound to ``name``). ``%seqlint off`` / ``on`` pause and resume the checks;
``%seqlint lenient`` undoes ``strict``; ``%seqlint reset`` forgets the cells that ran.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import sys
from typing import Any

from seqlint.config import ConfigError, Settings, load_settings
from seqlint.diagnostics import Diagnostic
from seqlint.parallel import lint_source
from seqlint.report import render
from seqlint.report.summary import render_summary_text
from seqlint.server.documents import notebook_source
from seqlint.sources import source_from_text
from seqlint.summary import summarize_source

USAGE = "usage: %seqlint [strict | lenient | on | off | reset | summary [NAME]]"


class SeqlintMagic:
    """The extension's state in one IPython session."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.cells: list[str] = []  # the code of the cells that ran, in order
        self.strict = False
        self.enabled = True
        self.blocked: list[Diagnostic] = []  # errors of the cell about to run (strict mode)
        self.pending: str | None = None  # the cell about to run

    # --- events -------------------------------------------------------------------------

    def pre_run_cell(self, info: Any) -> None:
        """Check the cell about to run; never raises (a failed check must not stop the user)."""
        self.blocked = []
        raw = getattr(info, "raw_cell", None)
        self.pending = raw if isinstance(raw, str) else None
        if not self.enabled or not self.pending or _is_own_magic(self.pending):
            return
        try:
            found = self.check_cell(self.pending)
        except ConfigError as e:
            print(f"seqlint: error: {e}", file=sys.stderr)
            return
        except Exception as e:  # the engine failed on this input: say so, run the cell
            print(f"seqlint: internal error: {type(e).__name__}: {e}", file=sys.stderr)
            return
        if not found:
            return
        label = self.label()
        shown = [dataclasses.replace(d, span=d.span._replace(cell=None), path=label) for d in found]
        text = render("full", shown, {label: source_from_text(label, self.pending)})
        print(text, end="", flush=True)
        if self.strict:
            self.blocked = [d for d in found if d.severity == "error"]

    def post_run_cell(self, result: Any) -> None:
        """Remember a cell that ran (even one that raised: what ran before the exception is
        defined), so that later cells are checked with it; a rejected cell never ran."""
        info = getattr(result, "info", None)
        raw = getattr(info, "raw_cell", None) or self.pending
        ran = getattr(result, "error_before_exec", None) is None
        if not isinstance(raw, str):
            raw = ""
        if raw.strip() and ran and not _is_own_magic(raw) and _parses(raw):
            self.cells.append(raw)
        self.pending = None

    # --- checking -----------------------------------------------------------------------

    def settings(self) -> Settings:
        return load_settings([os.getcwd()])

    def check_cell(self, code: str) -> list[Diagnostic]:
        """The findings located in ``code`` when it runs after the cells that ran."""
        cells = [(True, c) for c in self.cells] + [(True, code)]
        src = notebook_source("<ipython>", cells)
        found = lint_source(src, self.settings().selected, "<ipython>")
        return [d for d in found if d.span.cell == len(cells)]

    def label(self) -> str:
        count = getattr(self.shell, "execution_count", None)
        return f"In[{count}]" if isinstance(count, int) else "cell"

    def summary(self, name: str | None) -> str:
        src = notebook_source("<ipython>", [(True, c) for c in self.cells])
        models = summarize_source(src)
        if name:
            models = [m for m in models if name in (m.variable, m.name)]
            if not models:
                return f"seqlint: no Sequential model named {name!r} in the cells that ran\n"
        return render_summary_text("the cells that ran", models)

    # --- the magic ----------------------------------------------------------------------

    def magic(self, line: str) -> None:
        words = line.split()
        command = words[0] if words else ""
        if command == "strict":
            self.strict = True
            print("seqlint: strict: a cell with a seqlint error will not run")
        elif command == "lenient":
            self.strict = False
            print("seqlint: lenient: findings are shown, cells always run")
        elif command in ("on", "off"):
            self.enabled = command == "on"
            print(f"seqlint: checks {'on' if self.enabled else 'off'}")
        elif command == "reset":
            self.cells.clear()
            print("seqlint: forgot the cells that ran")
        elif command == "summary" and len(words) <= 2:
            print(self.summary(words[1] if len(words) == 2 else None), end="")
        else:
            print(USAGE, file=sys.stderr)


class _RejectBlocked(ast.NodeTransformer):
    """Stops a cell in strict mode (IPython does not run a cell whose AST is rejected)."""

    def __init__(self, state: SeqlintMagic) -> None:
        self.state = state

    def visit(self, node: ast.AST) -> ast.AST:
        if self.state.blocked:
            from IPython.core.error import InputRejected

            codes = ", ".join(sorted({d.code for d in self.state.blocked}))
            self.state.blocked = []
            raise InputRejected(
                f"seqlint strict: the cell was not run ({codes}); fix it, or %seqlint lenient"
            )
        return node


def _is_own_magic(code: str) -> bool:
    stripped = code.strip()
    return stripped.startswith(("%seqlint", "%load_ext seqlint", "%reload_ext seqlint"))


def _parses(code: str) -> bool:
    """Whether a cell is Python once IPython's magics are blanked; a broken cell would hide
    the models of every later check."""
    src = notebook_source("<ipython>", [(True, code)])
    try:
        ast.parse(src.text)
    except (SyntaxError, ValueError):
        return False
    return True


_STATE = "_seqlint_magic"


def load_ipython_extension(shell: Any) -> None:
    """``%load_ext seqlint``: register the checks and the ``%seqlint`` magic."""
    if getattr(shell, _STATE, None) is not None:
        return
    state = SeqlintMagic(shell)
    setattr(shell, _STATE, state)
    shell.events.register("pre_run_cell", state.pre_run_cell)
    shell.events.register("post_run_cell", state.post_run_cell)
    shell.ast_transformers.append(_RejectBlocked(state))
    shell.register_magic_function(state.magic, magic_kind="line", magic_name="seqlint")


def unload_ipython_extension(shell: Any) -> None:
    state = getattr(shell, _STATE, None)
    if state is None:
        return
    shell.events.unregister("pre_run_cell", state.pre_run_cell)
    shell.events.unregister("post_run_cell", state.post_run_cell)
    shell.ast_transformers[:] = [
        t for t in shell.ast_transformers if not isinstance(t, _RejectBlocked)
    ]
    setattr(shell, _STATE, None)
