"""``seqlint server`` driven over stdio by pygls's LSP client, as an editor would.

Each test starts the real server process (``python -m seqlint server``), so what is checked is
what an editor sees: diagnostics and their ranges, code actions, hover, inlay hints, notebook
documents and versions.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls", reason="the lsp extra (pygls) is not installed")

from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

CNN = """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
"""

# a safe fix (SEQ201: softmax on one unit) and an unsafe one (SEQ102: insert Flatten)
TWO_FIXES = """\
import keras
from keras import layers

cnn = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(8, 3),
    layers.Dense(10, activation="softmax"),
])

binary = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(1, activation="softmax"),
])
binary.compile(optimizer="adam", loss="binary_crossentropy")
"""

CLEAN = """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(1, activation="sigmoid"),
])
"""

TIMEOUT = 30.0


class Session:
    """A client connected to a fresh server, collecting what it publishes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.client = LanguageClient("seqlint-test", "0")
        self.published: list[types.PublishDiagnosticsParams] = []
        self.arrived = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _on_publish(params: types.PublishDiagnosticsParams) -> None:
            self.published.append(params)
            self.arrived.set()

    async def start(self, options: dict[str, Any] | None = None) -> None:
        await self.client.start_io(sys.executable, "-m", "seqlint", "server", cwd=str(self.root))
        await asyncio.wait_for(
            self.client.initialize_async(
                types.InitializeParams(
                    capabilities=types.ClientCapabilities(),
                    root_uri=self.root.as_uri(),
                    initialization_options=options,
                )
            ),
            TIMEOUT,
        )
        self.client.initialized(types.InitializedParams())

    async def stop(self) -> None:
        await asyncio.wait_for(self.client.shutdown_async(None), TIMEOUT)
        self.client.exit(None)
        await self.client.stop()

    def open(self, path: Path, text: str, version: int = 1) -> str:
        uri = path.as_uri()
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)
            )
        )
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    async def diagnostics(
        self, uri: str, version: int | None = None
    ) -> types.PublishDiagnosticsParams:
        """The first publication for ``uri`` (at ``version``, when given)."""

        def found() -> types.PublishDiagnosticsParams | None:
            for p in self.published:
                if p.uri == uri and (version is None or p.version == version):
                    return p
            return None

        async def wait() -> types.PublishDiagnosticsParams:
            while (got := found()) is None:
                self.arrived.clear()
                await self.arrived.wait()
            return got

        return await asyncio.wait_for(wait(), TIMEOUT)


class Server:
    """One server process shared by a module's tests, its client on a background event loop
    (starting Python, pygls and seqlint costs seconds on a busy machine; an analysis does not)."""

    def __init__(self, root: Path, options: dict[str, Any] | None = None) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.session = self.call(self._start(root, options))

    async def _start(self, root: Path, options: dict[str, Any] | None) -> Session:
        session = Session(root)
        await session.start(options)
        return session

    def call(self, coro: Awaitable[Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(TIMEOUT * 2)  # type: ignore[arg-type]

    def run(self, scenario: Callable[[Session], Awaitable[None]]) -> None:
        self.call(scenario(self.session))

    def close(self) -> None:
        try:
            self.call(self.session.stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(TIMEOUT)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("lsp"))
    yield running
    running.close()


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "seqlint", *args, "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (positions in the original text), last first."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(p: types.Position) -> int:
        return starts[p.line] + p.character

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


def test_diagnostics_have_the_clis_lines_and_ranges(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "cnn.py"
    path.write_text(CNN)
    expected = json.loads(cli("check", "cnn.py", "--output-format", "json", cwd=tmp_path).stdout)

    async def scenario(s: Session) -> None:
        uri = s.open(path, CNN)
        got = await s.diagnostics(uri, 1)
        found = [
            (
                d.code,
                d.range.start.line + 1,
                d.range.start.character + 1,
                d.range.end.line + 1,
                d.range.end.character + 1,
            )
            for d in got.diagnostics
        ]
        assert found == [
            (d["code"], d["line"], d["column"], d["end_line"], d["end_column"]) for d in expected
        ]
        flatten = next(d for d in got.diagnostics if d.code == "SEQ102")
        assert flatten.range.start.line == 7  # the Dense line, 0-based
        assert flatten.severity == types.DiagnosticSeverity.Error
        assert "MaxPooling2D" in flatten.message and "(None, 13, 13, 32)" in flatten.message
        assert flatten.source == "seqlint"

    server.run(scenario)


def test_code_actions_give_the_clis_fixed_text(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "two.py"
    path.write_text(TWO_FIXES)
    cli("check", "two.py", "--fix", cwd=tmp_path)
    safe_fixed = path.read_text()
    path.write_text(TWO_FIXES)
    cli("check", "two.py", "--fix", "--unsafe-fixes", cwd=tmp_path)
    all_fixed = path.read_text()
    path.write_text(TWO_FIXES)
    assert TWO_FIXES != safe_fixed != all_fixed

    async def scenario(s: Session) -> None:
        uri = s.open(path, TWO_FIXES)
        got = await s.diagnostics(uri, 1)
        everything = types.Range(types.Position(0, 0), types.Position(len(TWO_FIXES), 0))
        actions = await s.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=everything,
                context=types.CodeActionContext(diagnostics=got.diagnostics),
            )
        )
        assert actions is not None
        by_kind: dict[str, list[types.CodeAction]] = {}
        for a in actions:
            assert isinstance(a, types.CodeAction)
            by_kind.setdefault(str(a.kind), []).append(a)
        quick = by_kind["quickfix"]
        titles = sorted(a.title for a in quick)
        assert any("(SEQ102, unsafe fix)" in t for t in titles), titles
        assert any("(SEQ201, safe fix)" in t for t in titles), titles
        (fix_all,) = by_kind["source.fixAll.seqlint"]
        (fix_all_unsafe,) = by_kind["quickfix.seqlint.fixAllUnsafe"]

        def applied(action: types.CodeAction) -> str:
            assert action.edit is not None and action.edit.changes is not None
            return apply_edits(TWO_FIXES, list(action.edit.changes[uri]))

        assert applied(fix_all) == safe_fixed
        assert applied(fix_all_unsafe) == all_fixed
        # each quick fix alone, then the other: the CLI's --fix --unsafe-fixes result
        first = next(a for a in quick if "SEQ201" in a.title)
        assert applied(first) == safe_fixed
        # only= filters: a save action asking for fix-all gets only the safe fix-all
        only = await s.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=everything,
                context=types.CodeActionContext(
                    diagnostics=[], only=[types.CodeActionKind.SourceFixAll]
                ),
            )
        )
        assert only is not None and [str(a.kind) for a in only] == ["source.fixAll.seqlint"]

    server.run(scenario)


def test_hover_shows_shape_params_and_trace(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "cnn.py"

    async def scenario(s: Session) -> None:
        uri = s.open(path, CNN)
        await s.diagnostics(uri, 1)
        hover = await s.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=7, character=12),
            )
        )
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        text = hover.contents.value
        assert text.startswith("**Dense** `dense` → `(None, 13, 13, 10)`")
        assert "330 params" in text and "activation `softmax`" in text
        trace = text.split("```text\n")[1].split("\n```")[0].splitlines()
        assert [row.split()[0] for row in trace] == ["Input", "Conv2D", "MaxPooling2D", "Dense"]
        assert trace[2].endswith("(None, 13, 13, 32)")
        nothing = await s.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=0, character=3),
            )
        )
        assert nothing is None

    server.run(scenario)


def _inlay_params(uri: str) -> types.InlayHintParams:
    return types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(types.Position(0, 0), types.Position(100, 0)),
    )


def test_inlay_hints_show_each_layers_output_shape(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "cnn.py"
    lines = CNN.split("\n")

    async def scenario(s: Session) -> None:
        uri = s.open(path, CNN)
        hints = await s.client.text_document_inlay_hint_async(_inlay_params(uri))
        assert hints is not None
        got = [(h.position.line, h.position.character, h.label) for h in hints]
        assert got == [
            (5, len(lines[5]), "→ (None, 26, 26, 32)"),
            (6, len(lines[6]), "→ (None, 13, 13, 32)"),
            (7, len(lines[7]), "→ (None, 13, 13, 10)"),
        ]

    server.run(scenario)

    async def switched_off(s: Session) -> None:
        uri = s.open(path, CNN)
        assert not await s.client.text_document_inlay_hint_async(_inlay_params(uri))

    quiet = Server(tmp_path, options={"inlayHints": False})
    try:
        quiet.run(switched_off)
    finally:
        quiet.close()


def test_notebook_cells_are_analysed_together(server: Server, tmp_path: Path) -> None:
    nb_uri = (tmp_path / "model.ipynb").as_uri()
    cells = [
        (types.NotebookCellKind.Code, "import keras\nfrom keras import layers\n"),
        (types.NotebookCellKind.Markup, "# A CNN\nIt needs a Flatten."),
        (types.NotebookCellKind.Code, CNN.split("\n\n", 1)[1]),  # the model, without imports
    ]
    cell_uris = [f"vscode-notebook-cell:{tmp_path / 'model.ipynb'}#cell{i}" for i in range(3)]

    async def scenario(s: Session) -> None:
        s.client.notebook_document_did_open(
            types.DidOpenNotebookDocumentParams(
                notebook_document=types.NotebookDocument(
                    uri=nb_uri,
                    notebook_type="jupyter-notebook",
                    version=1,
                    cells=[
                        types.NotebookCell(kind=kind, document=uri)
                        for (kind, _), uri in zip(cells, cell_uris, strict=True)
                    ],
                ),
                cell_text_documents=[
                    types.TextDocumentItem(
                        uri=uri,
                        language_id="python" if kind == types.NotebookCellKind.Code else "markdown",
                        version=1,
                        text=text,
                    )
                    for (kind, text), uri in zip(cells, cell_uris, strict=True)
                ],
            )
        )
        model_cell = await s.diagnostics(cell_uris[2])
        # the model cell uses names imported in cell 1: the cells were read as one notebook
        codes = [(d.code, d.range.start.line) for d in model_cell.diagnostics]
        assert codes == [("SEQ102", 4)], codes  # line 5 of the third cell
        first = await s.diagnostics(cell_uris[0])
        assert list(first.diagnostics) == []
        hover = await s.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=cell_uris[2]),
                position=types.Position(line=3, character=12),
            )
        )
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.value.startswith("**MaxPooling2D**")
        hints = await s.client.text_document_inlay_hint_async(_inlay_params(cell_uris[2]))
        assert hints is not None and [h.position.line for h in hints] == [2, 3, 4]
        # fix-all in a notebook: whole-cell edits giving the CLI's --fix --unsafe-fixes text
        actions = await s.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=cell_uris[2]),
                range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        assert actions is not None
        (unsafe_all,) = [
            a
            for a in actions
            if isinstance(a, types.CodeAction) and a.kind == "quickfix.seqlint.fixAllUnsafe"
        ]
        assert unsafe_all.edit is not None and unsafe_all.edit.changes is not None
        assert set(unsafe_all.edit.changes) == {cell_uris[2]}
        fixed_cell = apply_edits(cells[2][1], list(unsafe_all.edit.changes[cell_uris[2]]))
        on_disk = tmp_path / "model.ipynb"
        on_disk.write_text(
            json.dumps(
                {
                    "cells": [
                        {
                            "cell_type": "code"
                            if kind == types.NotebookCellKind.Code
                            else "markdown",
                            "metadata": {},
                            "source": text,
                        }
                        for kind, text in cells
                    ],
                    "metadata": {"language_info": {"name": "python"}},
                    "nbformat": 4,
                    "nbformat_minor": 5,
                }
            )
        )
        cli("check", "model.ipynb", "--fix", "--unsafe-fixes", cwd=tmp_path)
        cli_cell = json.loads(on_disk.read_text())["cells"][2]["source"]
        assert fixed_cell == ("".join(cli_cell) if isinstance(cli_cell, list) else cli_cell)
        assert "Flatten()" in fixed_cell

    server.run(scenario)


def test_a_stale_version_is_never_published(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    # version 1 is slow to analyse (a long file); versions 2.. arrive while it runs
    slow = CNN + "".join(
        f"\nm{i} = keras.Sequential([keras.Input(shape=(8,)), layers.Dense({i + 1})])\n"
        for i in range(150)
    )
    versions = {1: slow, 2: CLEAN, 3: CNN, 4: CLEAN, 5: CNN}

    async def scenario(s: Session) -> None:
        uri = s.open(path, versions[1])
        # all sent at once: on a loaded machine a pause here could let version 1 finish before
        # version 2 exists, and then publishing it would be right
        for v in range(2, 6):
            s.change(uri, versions[v], v)
        last = await s.diagnostics(uri, 5)
        await asyncio.sleep(0.5)  # anything late would arrive now
        mine = [p for p in s.published if p.uri == uri]
        assert [p.version for p in mine][-1] == 5
        assert all(p.version is not None for p in mine)
        # never an older version after a newer one: version 1 may only be published if its
        # analysis ended before version 2 reached the server (a loaded machine can delay the
        # client's edits that long), never after
        assert [p.version for p in mine] == sorted(p.version or 0 for p in mine)
        assert [d.code for d in last.diagnostics] == ["SEQ102"]

    server.run(scenario)


@pytest.mark.slow
def test_the_editor_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location(
        "editor_speed", ROOT / "benchmarks/editor_speed.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.model_file(16).count("\n") >= 300
    assert bench.main(["--edits", "2", "--cli-runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "editor change -> diagnostics" in out and "CLI / editor:" in out


def test_positions_are_in_utf16_units_like_the_client(server: Server, tmp_path: Path) -> None:
    """A character outside the BMP counts twice in UTF-16 (LSP's default encoding)."""
    line = (
        "model = keras.Sequential([keras.Input(shape=(28, 28, 1)), "
        'layers.Conv2D(8, 3, name="c😀"), layers.Dense(10)])  # 😀'
    )
    text = "import keras\nfrom keras import layers\n\n" + line + "\n"
    path = tmp_path / "emoji.py"

    def utf16(s: str) -> int:
        return len(s.encode("utf-16-le")) // 2

    async def scenario(s: Session) -> None:
        uri = s.open(path, text)
        got = await s.diagnostics(uri, 1)
        (flatten,) = [d for d in got.diagnostics if d.code == "SEQ102"]
        dense = line.index("layers.Dense(10)")
        assert flatten.range.start.character == utf16(line[:dense]) == dense + 1
        assert flatten.range.end.character == utf16(line[: dense + len("layers.Dense(10)")])
        hints = await s.client.text_document_inlay_hint_async(_inlay_params(uri))
        assert hints is not None
        assert {h.position.character for h in hints} == {utf16(line)}
        hover = await s.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=3, character=utf16(line[:dense]) + 2),
            )
        )
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.value.startswith("**Dense**")

    server.run(scenario)


def test_settings_come_from_pyproject_like_the_cli(server: Server, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.seqlint]\nignore = ["missing-flatten"]\n')
    path = tmp_path / "cnn.py"
    path.write_text(CNN)
    cli_codes = [
        d["code"]
        for d in json.loads(cli("check", "cnn.py", "--output-format", "json", cwd=tmp_path).stdout)
    ]

    async def scenario(s: Session) -> None:
        uri = s.open(path, CNN)
        got = await s.diagnostics(uri, 1)
        assert [d.code for d in got.diagnostics] == cli_codes
        assert "SEQ102" not in cli_codes

    server.run(scenario)


def test_without_pygls_the_command_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from seqlint.cli import cli as seqlint_cli

    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)
    monkeypatch.delitem(sys.modules, "seqlint.server.lsp", raising=False)
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    result = runner.invoke(seqlint_cli, ["server"])
    assert result.exit_code == 2
    assert result.stderr == (
        "seqlint: error: seqlint server needs pygls: pip install 'seqlint[lsp]'\n"
    )


def test_documents_in_other_languages_are_left_alone(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    text = "# Notes\n\nkeras models: print 'hello' is Python 2\n"

    async def scenario(s: Session) -> None:
        uri = path.as_uri()
        s.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
            )
        )
        got = await s.diagnostics(uri, 1)
        assert list(got.diagnostics) == []  # not a SEQ001 syntax error

    server.run(scenario)
