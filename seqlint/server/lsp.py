"""The Language Server Protocol wiring (pygls): diagnostics, code actions, hover, inlay hints,
for Python files and LSP 3.17 notebook documents.

Every analysis runs on one worker thread, after a short debounce for edits; its result is
published only if the document still has the version that was analysed, so an editor never
shows findings for text that is gone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from seqlint import __version__
from seqlint.diagnostics import Diagnostic, Edit, Span
from seqlint.server.documents import (
    ConfigError,
    Snapshot,
    fix_notebook,
    fix_text,
    hover_markdown,
    inlay_sites,
    lint_notebook,
    lint_text,
    load_settings_for,
    uri_to_path,
)

log = logging.getLogger(__name__)

FIX_ALL_KIND = "source.fixAll.seqlint"
FIX_ALL_UNSAFE_KIND = "quickfix.seqlint.fixAllUnsafe"
DEBOUNCE_S = 0.15


@dataclass
class Options:
    """Initialization options (``initializationOptions`` of the client)."""

    inlay_hints: bool = True  # ``{"inlayHints": false}`` turns them off
    debounce_s: float = DEBOUNCE_S  # ``{"debounceMs": 300}``

    @classmethod
    def parse(cls, raw: Any) -> Options:
        opts = cls()
        if isinstance(raw, dict):
            if isinstance(raw.get("inlayHints"), bool):
                opts.inlay_hints = raw["inlayHints"]
            ms = raw.get("debounceMs")
            if isinstance(ms, int | float) and not isinstance(ms, bool) and 0 <= ms <= 10_000:
                opts.debounce_s = ms / 1000
        return opts


class SeqlintServer(LanguageServer):
    """The server's state: the last published snapshot per document (or notebook) and the
    pending debounced analyses."""

    def __init__(self) -> None:
        super().__init__(
            "seqlint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[
                    types.NotebookDocumentFilterWithCells(
                        cells=[types.NotebookCellLanguage(language="python")], notebook="*"
                    )
                ],
                save=True,
            ),
        )
        self.options = Options()
        self.snapshots: dict[str, Snapshot] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seqlint")
        self.config_error: str | None = None

    # --- documents and versions ---------------------------------------------------------

    def notebook_of(self, uri: str) -> types.NotebookDocument | None:
        return self.workspace.get_notebook_document(cell_uri=uri)

    def key_for(self, uri: str) -> str:
        """The unit of analysis for a document: its notebook when it is a cell, else itself."""
        nb = self.notebook_of(uri)
        return nb.uri if nb is not None else uri

    def version_of(self, key: str) -> object:
        """The current version of a document, or of a notebook and all its cells."""
        nb = self.workspace.get_notebook_document(notebook_uri=key)
        if nb is not None:
            cells = tuple(self.workspace.get_text_document(c.document).version for c in nb.cells)
            return (nb.version, cells)
        if key in self.workspace.text_documents:
            return self.workspace.get_text_document(key).version
        return None

    def job_for(self, key: str) -> tuple[object, Callable[[], Snapshot]] | None:
        """(version, a function that analyses that version) read now, on the event loop."""
        version = self.version_of(key)
        if version is None:
            return None
        path = uri_to_path(key)
        nb = self.workspace.get_notebook_document(notebook_uri=key)
        if nb is not None:
            cells = [
                (
                    c.kind == types.NotebookCellKind.Code,
                    self.workspace.get_text_document(c.document).source,
                )
                for c in nb.cells
            ]
            return version, lambda: lint_notebook(path, cells, version, self.settings(path))
        doc = self.workspace.get_text_document(key)
        text = doc.source
        if not _is_python(doc.language_id, path):
            return version, lambda: Snapshot(path, version, None, [], text)
        return version, lambda: lint_text(path, text, version, self.settings(path))

    def settings(self, path: str) -> Any:
        try:
            settings = load_settings_for(path)
        except ConfigError as e:
            if str(e) != self.config_error:
                self.config_error = str(e)
                self.window_show_message(
                    types.ShowMessageParams(types.MessageType.Error, f"seqlint: {e}")
                )
            raise
        self.config_error = None
        return settings

    # --- positions: seqlint counts code points, the client (usually) UTF-16 units ----------

    def to_client(self, uri: str, r: types.Range) -> types.Range:
        lines = self.workspace.get_text_document(uri).lines
        codec = self.workspace.position_codec
        return types.Range(
            codec.position_to_client_units(lines, r.start),
            codec.position_to_client_units(lines, r.end),
        )

    def from_client(self, uri: str, p: types.Position) -> types.Position:
        lines = self.workspace.get_text_document(uri).lines
        got = self.workspace.position_codec.position_from_client_units(lines, p)
        return types.Position(line=got.line, character=got.character)

    def diagnostic(self, uri: str, d: Diagnostic) -> types.Diagnostic:
        out = to_lsp(d)
        out.range = self.to_client(uri, out.range)
        return out

    def text_edit(self, uri: str, edit: Edit) -> types.TextEdit:
        return types.TextEdit(range=self.to_client(uri, to_range(edit.span)), new_text=edit.content)

    async def notebook_fix_all(
        self, uri: str, snapshot: Snapshot, settings: Any, unsafe: bool
    ) -> types.WorkspaceEdit | None:
        """Fix-all for the notebook holding the cell ``uri``: one whole-cell edit per cell the
        fixes change (the notebook as ``seqlint check --fix`` would leave it)."""
        nb = self.notebook_of(uri)
        if nb is None or snapshot.cells is None:
            return None
        cells = snapshot.cells
        fixed = await asyncio.get_running_loop().run_in_executor(
            self.worker,
            lambda: fix_notebook(snapshot.path, cells, settings, unsafe=unsafe),
        )
        if fixed is None or len(fixed) != len(nb.cells):
            return None
        changes: dict[str, list[types.TextEdit]] = {}
        for cell, (_, before), after in zip(nb.cells, cells, fixed, strict=True):
            if after != before:
                whole, new_text = _whole(before, after)
                edit = types.TextEdit(range=self.to_client(cell.document, whole), new_text=new_text)
                changes[cell.document] = [edit]
        return types.WorkspaceEdit(changes=changes) if changes else None

    # --- analysis ---------------------------------------------------------------------------

    def forget(self, uri: str) -> None:
        """A closed document: its waiting analysis is cancelled and its snapshot dropped."""
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.snapshots.pop(uri, None)

    def schedule(self, uri: str, delay: float) -> None:
        """Analyse the document (or its notebook) after ``delay`` seconds, replacing an
        analysis still waiting for the same one: typing costs one analysis, not one per key."""
        key = self.key_for(uri)
        old = self.pending.pop(key, None)
        if old is not None:
            old.cancel()
        self.pending[key] = asyncio.get_running_loop().create_task(self.analyse(key, delay))

    async def analyse(self, key: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        job = self.job_for(key)
        if job is None:
            return
        version, work = job
        try:
            snapshot = await asyncio.get_running_loop().run_in_executor(self.worker, work)
        except ConfigError:
            return
        except Exception as e:  # one broken analysis must not take the server down
            log.exception("seqlint: analysis failed")
            self.window_log_message(
                types.LogMessageParams(types.MessageType.Error, f"seqlint: {e!r}")
            )
            return
        if self.version_of(key) != version:
            return  # the text changed meanwhile: these findings are for text that is gone
        self.snapshots[key] = snapshot
        self.publish(key, snapshot)

    def publish(self, key: str, snapshot: Snapshot) -> None:
        nb = self.workspace.get_notebook_document(notebook_uri=key)
        if nb is None:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=key,
                    version=snapshot.version if isinstance(snapshot.version, int) else None,
                    diagnostics=[self.diagnostic(key, d) for d in snapshot.diagnostics],
                )
            )
            return
        for number, cell in enumerate(nb.cells, start=1):
            doc = self.workspace.get_text_document(cell.document)
            found = [d for d in snapshot.diagnostics if d.span.cell == number]
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=cell.document,
                    version=doc.version,
                    diagnostics=[self.diagnostic(cell.document, d) for d in found],
                )
            )

    async def current(self, uri: str) -> tuple[Snapshot, int | None] | None:
        """The snapshot of the document's current version (analysed now when the published
        one is outdated) and the cell number of ``uri`` in its notebook (None: a file)."""
        key = self.key_for(uri)
        version = self.version_of(key)
        snapshot = self.snapshots.get(key)
        if snapshot is None or snapshot.version != version:
            job = self.job_for(key)
            if job is None:
                return None
            try:
                snapshot = await asyncio.get_running_loop().run_in_executor(self.worker, job[1])
            except ConfigError:
                return None
            if self.version_of(key) == job[0]:
                self.snapshots[key] = snapshot  # hover and hints until the debounced publish
        cell = None
        nb = self.workspace.get_notebook_document(notebook_uri=key)
        if nb is not None:
            cell = next(i for i, c in enumerate(nb.cells, start=1) if c.document == uri)
        return snapshot, cell


# --------------------------------------------------------------------------------------------
# Conversions


def to_range(span: Span) -> types.Range:
    return types.Range(
        start=types.Position(line=max(span.line - 1, 0), character=max(span.column - 1, 0)),
        end=types.Position(line=max(span.end_line - 1, 0), character=max(span.end_column - 1, 0)),
    )


def to_lsp(d: Diagnostic) -> types.Diagnostic:
    """A finding as an LSP diagnostic; the shape trace and the hint follow the message."""
    message = d.message
    if d.trace:
        width = max(len(label) for label, _ in d.trace)
        message += "\ntrace:\n" + "\n".join(f"  {a.ljust(width)}  {b}" for a, b in d.trace)
    if d.suggestion:
        message += f"\nhelp: {d.suggestion}"
    return types.Diagnostic(
        range=to_range(d.span),
        message=message,
        severity=(
            types.DiagnosticSeverity.Warning
            if d.severity == "warning"
            else types.DiagnosticSeverity.Error
        ),
        code=d.code,
        source="seqlint",
        data={"name": d.name, "fixable": d.fix is not None},
    )


def _overlaps(span: Span, r: types.Range) -> bool:
    start = (span.line - 1, span.column - 1)
    end = (span.end_line - 1, span.end_column - 1)
    return start <= (r.end.line, r.end.character) and (r.start.line, r.start.character) <= end


PYTHON_LANGUAGES = ("python", "ipython", "jupyter")
PYTHON_SUFFIXES = (".py", ".pyi", ".ipy")


def _is_python(language_id: str | None, path: str) -> bool:
    """Whether a document is Python: by the client's language id, else by its suffix (a
    client that sends every file must not get SEQ001 on its Markdown)."""
    if language_id:
        return language_id.lower() in PYTHON_LANGUAGES
    return path.endswith(PYTHON_SUFFIXES)


def _wanted(kind: str, only: list[str] | None) -> bool:
    """Whether ``kind`` is asked for: LSP kinds are hierarchical (``source.fixAll`` asks for
    ``source.fixAll.seqlint``)."""
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)


def _whole(text: str, new_text: str) -> tuple[types.Range, str]:
    """The range of the whole of ``text`` (code points) and what replaces it."""
    lines = text.split("\n")
    end = types.Position(line=len(lines) - 1, character=len(lines[-1]))
    return types.Range(types.Position(0, 0), end), new_text


# --------------------------------------------------------------------------------------------
# Features


def create_server() -> SeqlintServer:
    server = SeqlintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: SeqlintServer, params: types.InitializeParams) -> None:
        ls.options = Options.parse(params.initialization_options)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SeqlintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SeqlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.options.debounce_s)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SeqlintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SeqlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.forget(uri)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def nb_open(ls: SeqlintServer, params: types.DidOpenNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def nb_change(ls: SeqlintServer, params: types.DidChangeNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, ls.options.debounce_s)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def nb_save(ls: SeqlintServer, params: types.DidSaveNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def nb_close(ls: SeqlintServer, params: types.DidCloseNotebookDocumentParams) -> None:
        ls.forget(params.notebook_document.uri)
        for cell in params.cell_text_documents:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=cell.uri, diagnostics=[])
            )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
            resolve_provider=False,
        ),
    )
    async def code_action(
        ls: SeqlintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        got = await ls.current(uri)
        if got is None:
            return None
        snapshot, cell = got
        only = [str(k) for k in params.context.only] if params.context.only else None
        actions: list[types.CodeAction] = []
        mine = [d for d in snapshot.diagnostics if d.span.cell == cell]
        asked = types.Range(
            ls.from_client(uri, params.range.start), ls.from_client(uri, params.range.end)
        )
        if _wanted(types.CodeActionKind.QuickFix, only):
            for d in mine:
                if d.fix is None or not _overlaps(d.span, asked):
                    continue
                label = "safe fix" if d.fix.safe else "unsafe fix"
                actions.append(
                    types.CodeAction(
                        title=f"{d.fix.message} ({d.code}, {label})",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[ls.diagnostic(uri, d)],
                        is_preferred=d.fix.safe,
                        edit=types.WorkspaceEdit(
                            changes={uri: [ls.text_edit(uri, e) for e in d.fix.edits]}
                        ),
                    )
                )
        scope = mine if cell is None else snapshot.diagnostics  # fix-all: the whole notebook
        if not any(d.fix for d in scope):
            return actions
        loop = asyncio.get_running_loop()
        settings = await loop.run_in_executor(ls.worker, ls.settings, snapshot.path)
        kinds = [(FIX_ALL_KIND, False, "Fix all safe seqlint findings")]
        if any(d.fix is not None and not d.fix.safe for d in scope):
            kinds.append(
                (FIX_ALL_UNSAFE_KIND, True, "Fix all seqlint findings (unsafe fixes included)")
            )
        for kind, unsafe, title in kinds:
            if not _wanted(kind, only):
                continue
            if cell is not None:
                edit = await ls.notebook_fix_all(uri, snapshot, settings, unsafe)
                if edit is not None:
                    actions.append(types.CodeAction(title=title, kind=kind, edit=edit))
                continue
            fixed = await loop.run_in_executor(
                ls.worker,
                lambda unsafe=unsafe: fix_text(  # type: ignore[misc]
                    snapshot.path, snapshot.text, settings, unsafe=unsafe
                ),
            )
            if fixed is not None:
                whole, new_text = _whole(snapshot.text, fixed)
                replace = types.TextEdit(range=ls.to_client(uri, whole), new_text=new_text)
                edit = types.WorkspaceEdit(changes={uri: [replace]})
                actions.append(types.CodeAction(title=title, kind=kind, edit=edit))
        return actions

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: SeqlintServer, params: types.HoverParams) -> types.Hover | None:
        got = await ls.current(params.text_document.uri)
        if got is None or got[0].src is None:
            return None
        snapshot, cell = got
        assert snapshot.src is not None
        line = snapshot.src.text_line(params.position.line + 1, cell)  # lines need no codec
        text = await asyncio.get_running_loop().run_in_executor(
            ls.worker, hover_markdown, snapshot, line
        )
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    async def inlay_hint(
        ls: SeqlintServer, params: types.InlayHintParams
    ) -> list[types.InlayHint] | None:
        if not ls.options.inlay_hints:
            return None
        got = await ls.current(params.text_document.uri)
        if got is None or got[0].src is None:
            return None
        snapshot, cell = got
        src = snapshot.src
        assert src is not None
        sites = await asyncio.get_running_loop().run_in_executor(ls.worker, inlay_sites, snapshot)
        hints = []
        for site in sites:
            at_cell, rel = src.locate(site.end_line)
            if at_cell != cell:
                continue
            if not params.range.start.line <= rel - 1 <= params.range.end.line:
                continue
            end = len(src.display_line(site.end_line).rstrip())
            at = ls.to_client(
                params.text_document.uri,
                types.Range(
                    types.Position(line=rel - 1, character=end),
                    types.Position(line=rel - 1, character=end),
                ),
            ).start
            hints.append(
                types.InlayHint(
                    position=at,
                    label=f"→ {site.shape_text}",
                    kind=types.InlayHintKind.Type,
                    padding_left=True,
                    tooltip=f"{site.class_name} `{site.name}` output shape",
                )
            )
        return hints

    return server


__all__ = ["FIX_ALL_KIND", "FIX_ALL_UNSAFE_KIND", "SeqlintServer", "create_server"]
