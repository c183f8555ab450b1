"""Reading what users give us (.py, .ipynb, stdin) into one Python text with a location map."""

from __future__ import annotations

import ast
import bisect
import contextlib
import dataclasses
import io
import os
import re
import tokenize
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple, cast

from seqlint.compile_checks import misplaced
from seqlint.diagnostics import Span
from seqlint.files import NotRegularFile, read_regular_file


class SourceError(Exception):
    """The file cannot be read as Python (binary, bad encoding, broken notebook JSON)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class CompileError(NamedTuple):
    """What CPython says about code it cannot compile: message and 1-based line/column."""

    message: str
    line: int
    column: int


def compile_error(text: str, path: str = "<unknown>") -> CompileError | None:
    """CPython's verdict on ``text`` (None when it parses): the cheap, exact check for files
    nothing else needs to parse.

    ``path`` is best left out: on a syntax error CPython reads the file of that name to quote
    the line (a notebook's JSON, read whole for each of its broken cells)."""
    try:
        tree = compile(text, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        problem = misplaced(cast(ast.Module, tree))  # mode 'exec' makes a Module
        if problem is not None:  # (what only the compiler refuses: `return` outside a function)
            return CompileError(*problem)
    except SyntaxError as e:
        return CompileError(e.msg, max(e.lineno or 1, 1), max(e.offset or 1, 1))
    except (RecursionError, MemoryError):
        return CompileError("too deeply nested", 1, 1)
    except ValueError as e:
        return CompileError(str(e), 1, 1)
    return None


class CellError(NamedTuple):
    """A notebook cell that does not compile: its number, where (user coordinates), why."""

    cell: int
    span: Span
    message: str


@dataclass
class SourceFile:
    """Python text to analyse.

    For a notebook, ``text`` is its code cells joined in order (magic lines blanked so line
    numbers keep), and ``cell_starts[i]`` is the 1-based line of ``text`` where the i-th code
    cell starts; ``cell_numbers[i]`` is that cell's 1-based number as reported to users (its
    index among all the notebook's cells, markdown included).

    ``text`` always uses ``"\\n"`` line endings; ``newline`` and ``encoding`` record what the
    file on disk used, so that a fixer can write it back the same way.
    """

    path: str
    text: str
    cell_starts: list[int] | None = None
    cell_numbers: list[int] | None = None
    encoding: str = "utf-8"
    newline: str = "\n"
    # notebook lines IPython runs without a prefix (the first line's indentation, a prompt):
    # line of ``text`` -> the prefix removed, given back in user-facing columns
    shifted: dict[int, str] = field(default_factory=dict)
    # notebook lines whose ``text`` differs from what the user wrote (magics made no-ops,
    # prefixes removed): line of ``text`` -> the user's line, for code frames
    display: dict[int, str] = field(default_factory=dict)
    # the Python files that ``%%writefile`` cells write, and the scripts ``%%python`` cells
    # run, each located in its cells
    written: list[SourceFile] = field(default_factory=list)

    @property
    def is_notebook(self) -> bool:
        return self.cell_starts is not None

    @cached_property
    def lines(self) -> list[str]:
        """The lines of ``text`` without their line endings (``lines[0]`` is line 1)."""
        return self.text.split("\n")

    def locate(self, line: int) -> tuple[int | None, int]:
        """(cell number or None, line within that cell) for a 1-based line of ``text``."""
        if not self.cell_starts or not self.cell_numbers:
            return None, line
        # (a search, not a scan: a notebook of 20,000 broken cells located each error)
        idx = max(0, bisect.bisect_right(self.cell_starts, line) - 1)
        return self.cell_numbers[idx], line - self.cell_starts[idx] + 1

    @cached_property
    def _cell_index(self) -> dict[int, int]:
        """Cell number -> its index in :attr:`cell_numbers` (the first, as ``list.index``)."""
        index: dict[int, int] = {}
        for i, number in enumerate(self.cell_numbers or ()):
            index.setdefault(number, i)
        return index

    def span(self, line: int, column: int, end_line: int, end_column: int) -> Span:
        """A user-facing span from ``text`` coordinates (cell-relative for notebooks)."""
        if self.shifted:
            column += len(self.shifted.get(line, ""))
            end_column += len(self.shifted.get(end_line, ""))
        cell, rel = self.locate(line)
        if cell is None:
            return Span(line, column, end_line, end_column)
        end_cell, end_rel = self.locate(end_line)
        if end_cell != cell:
            end_rel, end_column = rel, column
        return Span(rel, column, end_rel, end_column, cell=cell)

    def text_line(self, line: int, cell: int | None = None) -> int:
        """The 1-based line of ``text`` for a user-facing (cell, line) location.

        ``cell`` is a cell number as in :attr:`cell_numbers` (``Span.cell``); for a plain file
        (or ``cell=None``) the line is returned unchanged.
        """
        if cell is None or not self.cell_starts or not self.cell_numbers:
            return line
        idx = self._cell_index.get(cell)
        if idx is None:
            return line
        return self.cell_starts[idx] + line - 1

    def cell_lines(self, cell: int | None) -> tuple[int, int]:
        """The first and last line of ``text`` that belong to ``cell`` (the whole file if None)."""
        last_line = len(self.lines)
        if cell is None or not self.cell_starts or not self.cell_numbers:
            return 1, last_line
        idx = self._cell_index.get(cell)
        if idx is None:
            return 1, last_line
        start = self.cell_starts[idx]
        end = self.cell_starts[idx + 1] - 1 if idx + 1 < len(self.cell_starts) else last_line
        return start, max(start, end)

    def display_line(self, n: int) -> str:
        """Line ``n`` of ``text`` as the user wrote it (magics, prefixes IPython strips)."""
        shown = self.display.get(n)
        return shown if shown is not None else self.lines[n - 1]

    def cell_errors(self) -> list[CellError]:
        """The code cells that do not compile on their own, as IPython compiles each cell
        (after its transformations), with CPython's message and position."""
        if not self.cell_starts or not self.cell_numbers:
            return []
        out = []
        lines = self.lines
        for number in self.cell_numbers:
            first, last = self.cell_lines(number)
            text = "\n".join(lines[first - 1 : last])
            err = compile_error(text)  # (not the notebook's path, see compile_error)
            if err is not None:
                line = min(first + err.line - 1, last)
                span = self.span(line, err.column, line, err.column)
                out.append(CellError(number, span, err.message))
        return out

    def without_cells(self, numbers: Collection[int]) -> SourceFile:
        """This notebook with the cells ``numbers`` blanked (a cell that fails, fails alone)."""
        lines = list(self.lines)
        for number in numbers:
            first, last = self.cell_lines(number)
            lines[first - 1 : last] = [""] * (last - first + 1)
        return dataclasses.replace(self, text="\n".join(lines))

    def line_text(self, line: int, cell: int | None = None) -> str:
        """The text of a user-facing (cell, line) location; ``""`` when out of range."""
        n = self.text_line(line, cell)
        if 1 <= n <= len(self.lines):
            return self.lines[n - 1]
        return ""


# --------------------------------------------------------------------------------------------
# Entry points


def read_source(path: str | os.PathLike[str]) -> SourceFile:
    """Read a ``.py``/``.pyi`` (or extensionless) file or a ``.ipynb`` notebook.

    Raises :class:`SourceError` (with a one-line message and a location) for files that cannot
    be read, binary files, undecodable text and broken notebooks.
    """
    name = os.fspath(path)
    return source_from_bytes(name, read_bytes(name))


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The raw bytes of a file; :class:`SourceError` (one line) when it cannot be read."""
    try:
        return read_regular_file(path)
    except NotRegularFile as e:
        raise SourceError(e.strerror or "not a regular file") from None
    except IsADirectoryError:
        raise SourceError("is a directory, not a file") from None
    except OSError as e:
        raise SourceError(f"cannot read file: {e.strerror or e}") from None


def source_from_bytes(path: str, data: bytes) -> SourceFile:
    """Decode ``data`` as the file named ``path`` would be (notebook when it ends in .ipynb)."""
    if is_notebook_path(path):
        return notebook_from_bytes(path, data)
    encoding, text = decode_python(data)
    return _python_source(path, text, encoding)


def source_from_text(path: str, text: str) -> SourceFile:
    """A source from already-decoded text: notebook JSON when ``path`` ends in .ipynb."""
    if is_notebook_path(path):
        return notebook_from_json(path, text)
    if text.startswith("\ufeff"):
        text = text[1:]
    return _python_source(path, text, "utf-8")


def is_notebook_path(path: str | os.PathLike[str]) -> bool:
    return os.fspath(path).lower().endswith(".ipynb")


def plain_ascii_python(path: str, data: bytes) -> bool:
    """True when ``source_from_bytes(path, data)`` cannot fail and its text is ``data`` read
    as ASCII (line endings aside): a Python file of ASCII bytes, without NUL bytes and without
    a coding declaration. Lets callers skip decoding files they only scan for keywords."""
    if is_notebook_path(path) or not data.isascii() or b"\x00" in data:
        return False
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    head = data if second < 0 else data[:second]
    return b"coding" not in head


# --------------------------------------------------------------------------------------------
# Python files


def decode_python(data: bytes) -> tuple[str, str]:
    """(encoding, text) for Python source bytes, decoded the way the interpreter does (PEP 263)."""
    if b"\x00" in data:
        line, col = _position(data, data.index(b"\x00"))
        raise SourceError("binary file (contains NUL bytes), not Python source", line, col)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as e:
        raise SourceError(_encoding_message(str(e)), _cookie_line(data), 1) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        line, col = _position(data, e.start)
        byte = data[e.start : e.start + 1].hex()
        shown = "utf-8" if encoding == "utf-8-sig" else encoding
        raise SourceError(
            f"cannot decode byte 0x{byte} as {shown}; not a text file or wrong coding declaration",
            line,
            col,
        ) from None
    except LookupError:  # pragma: no cover - detect_encoding already checked the codec
        raise SourceError(f"unknown encoding {encoding!r}", _cookie_line(data), 1) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return encoding, text


def _python_source(path: str, text: str, encoding: str) -> SourceFile:
    newline = _newline_style(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceFile(path=path, text=text, encoding=encoding, newline=newline)


def _newline_style(text: str) -> str:
    i = text.find("\n")
    j = text.find("\r")
    if j == -1:
        return "\n"
    if i == j + 1:
        return "\r\n"
    if i == -1 or j < i:
        return "\r"
    return "\n"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a byte offset; the column counts bytes."""
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]")


def _cookie_line(data: bytes) -> int:
    lines = data.split(b"\n", 2)
    if len(lines) > 1 and not _COOKIE.match(lines[0]) and _COOKIE.match(lines[1]):
        return 2
    return 1


def _encoding_message(msg: str) -> str:
    # tokenize's messages name a "<file>"; keep the part that says what went wrong.
    m = re.match(r"unknown encoding(?: for .*?)?: (.+)$", msg)
    if m:
        return f"unknown encoding {m.group(1)!r} in coding declaration"
    if "encoding problem" in msg:
        return "coding declaration contradicts the UTF-8 byte order mark"
    return "invalid coding declaration"


# --------------------------------------------------------------------------------------------
# Notebooks


_PYTHON_LANGS = {"python", "python2", "python3", "ipython", "ipython2", "ipython3", "py"}


def notebook_from_bytes(path: str, data: bytes) -> SourceFile:
    return notebook_from_json(path, _notebook_text(data))


def _notebook_text(data: bytes) -> str:
    if b"\x00" in data:
        line, col = _position(data, data.index(b"\x00"))
        raise SourceError("binary file (contains NUL bytes), not a notebook", line, col)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, col = _position(data, e.start)
        raise SourceError("notebook is not valid UTF-8", line, col) from None
    return text


_SURROGATE = re.compile("[\ud800-\udfff]")


def notebook_from_json(path: str, text: str) -> SourceFile:
    """Turn notebook JSON (nbformat 4, or 3) into a :class:`SourceFile` of its Python cells."""
    return _notebook_source(path, notebook_code_cells(text))


def notebook_cell_text(data: bytes) -> str:
    """The Python code cells of notebook bytes, joined as written (no IPython transformation):
    raises the :class:`SourceError` that :func:`notebook_from_bytes` raises, for a fraction of
    its cost. Enough to tell whether a notebook can mention Keras at all."""
    return "\n".join(s for _, s in notebook_code_cells(_notebook_text(data)))


def notebook_code_cells(text: str) -> list[tuple[int, str]]:
    """(cell number, source with ``\\n`` line endings) of each Python code cell of notebook
    JSON; :class:`SourceError` when it is not a readable notebook."""
    import json  # here: a check of .py files alone does not load it

    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as e:
        raise SourceError(f"invalid notebook JSON: {e.msg}", e.lineno, e.colno) from None
    except RecursionError:
        raise SourceError("invalid notebook JSON: nested too deeply") from None
    except ValueError as e:  # an integer over Python's digit limit, as Jupyter's loader says
        raise SourceError(f"invalid notebook JSON: {str(e).split(';')[0]}") from None
    if not isinstance(nb, dict):
        raise SourceError("not a Jupyter notebook: the JSON is not an object")
    cells = _notebook_cells(nb)
    python_notebook = _is_python_language(_notebook_language(nb))

    sources: list[tuple[int, str]] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise SourceError(f"not a Jupyter notebook: cell {number} is not an object")
        if not isinstance(cell.get("cell_type"), str):  # (skipped, its code would look clean)
            raise SourceError(f"not a Jupyter notebook: cell {number} has no 'cell_type'")
        if cell.get("cell_type") != "code" or not python_notebook:
            continue
        if not _is_python_language(_cell_language(cell)):
            continue
        key = "source" if "source" in cell else "input"
        source = _cell_source(cell.get(key), number)
        surrogate = _SURROGATE.search(source)
        if surrogate is not None:  # "\ud800" in the JSON: no Python (or UTF-8) can hold it
            code = f"U+{ord(surrogate.group()):04X}"
            raise SourceError(f"cell {number} holds a lone surrogate {code}, which is not text")
        sources.append((number, source.replace("\r\n", "\n").replace("\r", "\n")))
    return sources


def _notebook_source(path: str, sources: list[tuple[int, str]]) -> SourceFile:
    """The :class:`SourceFile` of code cells given as (cell number, source with ``\\n``)."""
    from seqlint.ipython_syntax import transform_cell  # (notebooks only: not at start-up)

    shadowed = _Bindings([s for _, s in sources])
    chunks: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []
    shifted: dict[int, str] = {}
    display: dict[int, str] = {}
    written: dict[str, list[tuple[int, str]]] = {}
    line = 1
    for number, source in sources:
        raw = source.split("\n")
        cell = transform_cell(raw, shadowed)
        for i, prefix in cell.removed.items():
            shifted[line + i] = prefix
        if cell.writefile is not None or cell.script:
            magic = next(i for i, ln in enumerate(raw) if ln and not ln.isspace())
            chunk = (number, "\n".join(["" for _ in raw[: magic + 1]] + raw[magic + 1 :]))
            if cell.writefile is None:  # a %%python cell: a script of its own (no path has NUL)
                written[f"\0script {number}"] = [chunk]
            elif cell.append and cell.writefile in written:
                written[cell.writefile].append(chunk)
            else:
                written[cell.writefile] = [chunk]
        if cell.lines != raw:  # (most cells are plain Python: one comparison in C)
            for i, (before, after) in enumerate(zip(raw, cell.lines, strict=True)):
                if before != after:
                    display[line + i] = before
        body_text = "\n".join(cell.lines)
        chunks.append(body_text)
        starts.append(line)
        numbers.append(number)
        line += body_text.count("\n") + 1
    joined = "\n".join(chunks) + "\n" if chunks else ""
    return SourceFile(
        path=path,
        text=joined,
        cell_starts=starts,
        cell_numbers=numbers,
        shifted=shifted,
        display=display,
        written=[_written_source(path, parts) for parts in written.values()],
    )


def _written_source(path: str, parts: list[tuple[int, str]]) -> SourceFile:
    """The file that ``%%writefile`` cells write, located in those cells (the magic line of
    each is blank, so lines count as in the cell)."""
    starts, numbers, chunks = [], [], []
    line = 1
    for number, text in parts:
        starts.append(line)
        numbers.append(number)
        chunks.append(text)
        line += text.count("\n") + 1
    return SourceFile(
        path=path, text="\n".join(chunks) + "\n", cell_starts=starts, cell_numbers=numbers
    )


class _Bindings:
    """Whether a notebook binds a name (``import time``, ``ls = ...``): IPython's automagic
    does not take a magic whose name the user has bound."""

    def __init__(self, sources: list[str]) -> None:
        self.sources = sources
        self.text: str | None = None
        # name -> bound: asked once per name (only magic names are asked), as a notebook of
        # 20,000 ``cd x`` cells searched its whole text once per cell (minutes)
        self.known: dict[str, bool] = {}

    def __call__(self, name: str) -> bool:
        found = self.known.get(name)
        if found is not None:
            return found
        if self.text is None:
            self.text = "\n".join(self.sources)
        n = re.escape(name)
        pattern = (
            rf"(?m)^\s*(?:from\s+\S+\s+)?import\s[^\n#]*\b{n}\b|\b(?:as|def|class)\s+{n}\b"
            rf"|^\s*{n}\s*=(?!=)|\bfor\s+{n}\s+in\b"
        )
        found = self.known[name] = re.search(pattern, self.text) is not None
        return found


def _notebook_cells(nb: dict[str, Any]) -> list[Any]:
    cells = nb.get("cells")
    if isinstance(cells, list):
        return cells
    worksheets = nb.get("worksheets")  # nbformat 3
    if cells is None and isinstance(worksheets, list):
        out: list[Any] = []
        for ws in worksheets:
            if isinstance(ws, dict) and isinstance(ws.get("cells"), list):
                out.extend(ws["cells"])
        return out
    raise SourceError("not a Jupyter notebook: no 'cells' list")


def _notebook_language(nb: dict[str, Any]) -> str | None:
    meta = nb.get("metadata")
    if not isinstance(meta, dict):
        return None
    for section, key in (("kernelspec", "language"), ("language_info", "name")):
        sub = meta.get(section)
        if isinstance(sub, dict) and isinstance(sub.get(key), str):
            return str(sub[key])
    return None


_LANGUAGE_KEYS = frozenset({"vscode", "dotnet_interactive", "polyglot_notebook", "language"})


def _cell_language(cell: dict[str, Any]) -> str | None:
    meta = cell.get("metadata")
    if not isinstance(meta, dict) or meta.keys().isdisjoint(_LANGUAGE_KEYS):
        return None  # (most cells: one set operation)
    for section, key in (
        ("vscode", "languageId"),
        ("dotnet_interactive", "language"),
        ("polyglot_notebook", "kernelName"),
    ):
        sub = meta.get(section)
        if isinstance(sub, dict) and isinstance(sub.get(key), str):
            return str(sub[key])
    lang = meta.get("language")
    return lang if isinstance(lang, str) else None


def _is_python_language(lang: str | None) -> bool:
    return lang is None or lang.strip().lower() in _PYTHON_LANGS


def _cell_source(value: Any, number: int) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        with contextlib.suppress(TypeError):  # (an item that is not a string)
            return "".join(value)
    raise SourceError(
        f"not a Jupyter notebook: cell {number} 'source' is not a string or a list of strings"
    )
