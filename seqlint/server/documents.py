"""What the language server does to a document, without the protocol: lint a text (or a
notebook's cells) with the settings the CLI would use for that path, fix it, and describe the
layer under the cursor. Positions stay seqlint's (1-based lines and columns, cell-relative in
notebooks); :mod:`seqlint.server.lsp` turns them into LSP ranges.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from seqlint import fix as fixer
from seqlint.config import ConfigError, Settings, load_settings
from seqlint.diagnostics import Diagnostic
from seqlint.parallel import lint_source, source_error_diagnostic
from seqlint.report.layers import LayerSite, ModelSites, model_sites, site_at
from seqlint.report.summary import format_count
from seqlint.sources import SourceError, SourceFile, notebook_from_json, source_from_text


@dataclass
class Snapshot:
    """One analysed version of a document or notebook: what was published for it."""

    path: str
    version: object  # the document version (a tuple of versions for a notebook)
    src: SourceFile | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    text: str = ""  # the document text (plain files): fixes start from it
    cells: list[tuple[bool, str]] | None = None  # a notebook's cells, (is code, text)
    _sites: list[ModelSites] | None = None

    @property
    def sites(self) -> list[ModelSites]:
        """The models and their layer calls, computed on first use (hover, inlay hints)."""
        if self._sites is None:
            self._sites = model_sites(self.src) if self.src is not None else []
        return self._sites


def load_settings_for(path: str) -> Settings:
    """The settings ``seqlint check PATH`` would use: the nearest ``[tool.seqlint]``.

    Read again for every analysis, so an edited ``pyproject.toml`` applies at once (finding
    and reading it costs well under a millisecond next to the analysis)."""
    return load_settings([path])


def lint_text(path: str, text: str, version: object, settings: Settings) -> Snapshot:
    """Lint the text of the Python file ``path`` as ``seqlint check`` would."""
    try:
        src = source_from_text(path, text)
    except SourceError as e:
        return Snapshot(path, version, None, [source_error_diagnostic(path, e)], text)
    found = lint_source(src, settings.codes_for(path), path)
    return Snapshot(path, version, src, found, text)


def notebook_source(path: str, cells: Sequence[tuple[bool, str]]) -> SourceFile:
    """A notebook's source from its cells, (is code, text) in order, as if read from disk: the
    cells' numbers are their 1-based positions among all cells, markdown included."""
    return notebook_from_json(path, notebook_json(cells))


def notebook_json(cells: Sequence[tuple[bool, str]]) -> str:
    """Notebook JSON (nbformat 4) holding ``cells``."""
    nb = {
        "cells": [
            {"cell_type": "code" if code else "markdown", "source": text, "metadata": {}}
            for code, text in cells
        ],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1)


def lint_notebook(
    path: str, cells: Sequence[tuple[bool, str]], version: object, settings: Settings
) -> Snapshot:
    """Lint a notebook's cells together, as one notebook (a cell sees the names defined in
    the cells above it)."""
    src = notebook_source(path, cells)
    found = lint_source(src, settings.codes_for(path), path)
    return Snapshot(path, version, src, found, cells=list(cells))


def fix_text(path: str, text: str, settings: Settings, *, unsafe: bool) -> str | None:
    """``text`` with every applicable fix applied in passes, exactly as ``seqlint check --fix``
    (with ``--unsafe-fixes`` when ``unsafe``) writes the file; None when nothing changes."""

    def lint(src: SourceFile) -> list[Diagnostic]:
        return lint_source(src, settings.codes_for(path), path)

    result = fixer.fix_bytes(path, text.encode("utf-8"), lint, unsafe=unsafe)
    if result.error is not None or result.data is None:
        return None
    return result.data.decode("utf-8")


def fix_notebook(
    path: str, cells: Sequence[tuple[bool, str]], settings: Settings, *, unsafe: bool
) -> list[str] | None:
    """Each cell's text after every applicable fix, as ``seqlint check --fix`` would leave the
    notebook; None when nothing changes."""

    def lint(src: SourceFile) -> list[Diagnostic]:
        return lint_source(src, settings.codes_for(path), path)

    name = path if path.endswith(".ipynb") else path + ".ipynb"
    data = notebook_json(cells).encode("utf-8")
    result = fixer.fix_bytes(name, data, lint, unsafe=unsafe)
    if result.error is not None or result.data is None:
        return None
    out = []
    for cell in json.loads(result.data)["cells"]:
        source = cell.get("source", "")
        out.append("".join(source) if isinstance(source, list) else source)
    return out


def hover_markdown(snapshot: Snapshot, line: int) -> str | None:
    """Markdown for the layer call on ``line`` (a line of the analysed text): its output
    shape, its parameters, and the shape trace from the input to it."""
    found = site_at(snapshot.sites, line)
    if found is None:
        return None
    model, site = found
    title = f"**{site.class_name}** `{site.name}` → `{site.shape_text}`"
    facts = [f"{format_count(site.params)} params"]
    if site.activation:
        facts.append(f"activation `{site.activation}`")
    owner = f"`{model.variable}`" if model.variable else f"`{model.name}`"
    facts.append(f"in model {owner}")
    trace = model.trace_to(site)
    width = max(len(label) for label, _ in trace)
    rows = "\n".join(f"{label.ljust(width)}  {shape}" for label, shape in trace)
    body = f"{title}\n\n{' · '.join(facts)}\n\nShape trace:\n```text\n{rows}\n```"
    if site.error:
        body += f"\n\n⚠ {site.error}"
    return body


def inlay_sites(snapshot: Snapshot) -> list[LayerSite]:
    """The layer calls whose output shape is known, one per line (the last call ending on a
    line wins: that is the shape the line leaves the model in)."""
    by_line: dict[int, LayerSite] = {}
    for model in snapshot.sites:
        for site in model.layers:
            if site.output_shape is not None:
                by_line[site.end_line] = site
    return [by_line[n] for n in sorted(by_line)]


def uri_to_path(uri: str) -> str:
    """A file path for ``uri`` (its path part for other schemes, e.g. notebook cells)."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and path[2:3] == ":":
        path = path[1:]
    return path or uri


__all__ = [
    "ConfigError",
    "Snapshot",
    "fix_notebook",
    "fix_text",
    "hover_markdown",
    "inlay_sites",
    "lint_notebook",
    "lint_text",
    "load_settings_for",
    "notebook_source",
    "uri_to_path",
]
