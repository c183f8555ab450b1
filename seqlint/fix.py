"""Applying fixes (``seqlint check --fix`` / ``--diff``), and writing fixed files back.

Like ruff, fixing runs in passes: lint, apply the selected fixes whose edits do not overlap,
lint the result again, and repeat until no fix applies (at most :data:`MAX_PASSES` times).
Every pass must leave code that parses, else nothing of the file is changed. Edits carry
user coordinates (cell-relative in notebooks, see :class:`~seqlint.diagnostics.Span`) and are
applied to the text as it is on disk: a Python file keeps its encoding and its line endings,
in a notebook only the JSON strings of the fixed source lines are replaced in the original
text, so every other byte (outputs, metadata, escapes, numbers, indentation) stays as it was.

Files are replaced atomically (see :func:`write_bytes_atomic` for the exceptions: hard
links and other users' files are written in place, as ruff does): the new bytes go to a
temporary file in the same directory, which gets the original's permissions and owner and is
renamed over it once the original is seen to be unchanged; on any failure, Ctrl-C or SIGTERM
the original is intact and the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from seqlint.diagnostics import Diagnostic, Edit, Fix
from seqlint.files import read_regular_file
from seqlint.report.escape import visible
from seqlint.safepaths import signals_as_interrupt
from seqlint.sources import (
    SourceError,
    SourceFile,
    _cell_source,
    _newline_style,
    _notebook_cells,
    _python_source,
    compile_error,
    decode_python,
    is_notebook_path,
    notebook_from_json,
)

#: Passes of lint-and-fix before giving up on a file whose fixes keep producing fixes.
MAX_PASSES = 10

Lint = Callable[[SourceFile], list[Diagnostic]]

_NEWLINE = re.compile(r"\r\n|\r|\n")


class FixError(Exception):
    """Fixes could not be applied to a file (one-line message); the file is left as it was."""


def applicable(diag: Diagnostic, unsafe: bool = False) -> bool:
    """Whether ``--fix`` applies the fix of ``diag`` (unsafe ones only with ``unsafe``)."""
    return diag.fix is not None and (diag.fix.safe or unsafe)


# --------------------------------------------------------------------------------------------
# Documents: a file's content as it is on disk, editable in user coordinates


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _NEWLINE.finditer(text))]


def _apply_to(text: str, edits: Sequence[Edit], newline: str) -> str:
    """``text`` (any line endings) with ``edits`` applied; lines and columns of the edits are
    1-based and count lines the way :mod:`seqlint.sources` does (``\\r\\n``, ``\\r``, ``\\n``)."""
    starts = _line_starts(text)

    def at(line: int, column: int) -> int:
        if not 1 <= line <= len(starts) or column < 1:
            raise FixError(f"a fix points outside the file (line {line})")
        end = len(text) if line == len(starts) else starts[line] - 1
        if line < len(starts) and text[end - 1 : end + 1] == "\r\n":
            end -= 1
        off = starts[line - 1] + column - 1
        if off > end:
            raise FixError(f"a fix points outside line {line}")
        return off

    placed = sorted(
        (
            (at(e.span.line, e.span.column), at(e.span.end_line, e.span.end_column), e)
            for e in edits
        ),
        key=lambda t: (t[0], t[1]),
    )
    out: list[str] = []
    pos = 0
    for start, end, edit in placed:
        if start < pos or end < start:
            raise FixError("fixes overlap")
        out.append(text[pos:start])
        out.append(edit.content.replace("\n", newline) if newline != "\n" else edit.content)
        pos = end
    out.append(text[pos:])
    return "".join(out)


class Document:
    """A file's content; :meth:`apply` returns a new document."""

    path: str

    def source(self) -> SourceFile:
        raise NotImplementedError

    def apply(self, edits: Sequence[Edit]) -> Document:
        raise NotImplementedError

    def to_bytes(self) -> bytes:
        raise NotImplementedError

    def parts(self) -> list[tuple[str, str]]:
        """(label, text with ``\\n`` line endings) of what a diff shows: the file, or each
        code cell of a notebook."""
        raise NotImplementedError


class PythonDocument(Document):
    def __init__(self, path: str, text: str, encoding: str) -> None:
        self.path = path
        self.text = text  # decoded, line endings as on disk, without a BOM
        self.encoding = encoding
        self.newline = _newline_style(text)

    @classmethod
    def from_bytes(cls, path: str, data: bytes) -> PythonDocument:
        encoding, text = decode_python(data)
        return cls(path, text, encoding)

    def source(self) -> SourceFile:
        return _python_source(self.path, self.text, self.encoding)

    def apply(self, edits: Sequence[Edit]) -> PythonDocument:
        if any(e.span.cell is not None for e in edits):
            raise FixError("a fix names a notebook cell in a Python file")
        return PythonDocument(self.path, _apply_to(self.text, edits, self.newline), self.encoding)

    def to_bytes(self) -> bytes:
        try:
            return self.text.encode(self.encoding)
        except UnicodeEncodeError:
            raise FixError(f"the fixed code cannot be written as {self.encoding}") from None

    def parts(self) -> list[tuple[str, str]]:
        return [(self.path, self.source().text)]


class NotebookDocument(Document):
    """A notebook as its JSON text; an edit replaces only the JSON tokens of the edited cells'
    ``source`` (of the edited lines, when it is a list of lines), so every other byte (line
    endings, escapes such as ``\\u00e9`` or ``\\/``, number spellings, indentation, duplicated
    keys) stays as it was."""

    def __init__(self, path: str, raw: str, nb: dict[str, Any], bom: bool) -> None:
        self.path = path
        self.raw = raw  # the JSON text, without a BOM
        self.nb = nb
        self.bom = bom

    @classmethod
    def from_bytes(cls, path: str, data: bytes) -> NotebookDocument:
        try:
            raw = data.decode("utf-8-sig")
            nb = json.loads(raw)
        except (UnicodeDecodeError, ValueError, RecursionError):  # (JSON errors, huge ints)
            raise FixError("the notebook cannot be read back") from None
        if not isinstance(nb, dict):
            raise FixError("the notebook cannot be read back")
        return cls(path, raw, nb, data.startswith(b"\xef\xbb\xbf"))

    def source(self) -> SourceFile:
        try:
            return notebook_from_json(self.path, self.raw)
        except SourceError as e:
            raise FixError(e.message) from None

    def _cells(self, nb: dict[str, Any]) -> list[Any]:
        try:
            return _notebook_cells(nb)
        except SourceError as e:
            raise FixError(e.message) from None

    def apply(self, edits: Sequence[Edit]) -> NotebookDocument:
        by_cell: dict[int, list[Edit]] = {}
        for e in edits:
            if e.span.cell is None:
                raise FixError("a fix in a notebook names no cell")
            by_cell.setdefault(e.span.cell, []).append(e)
        cells = self._cells(self.nb)
        try:
            tokens = _source_tokens(self.raw)
        except (ValueError, RecursionError):
            raise FixError("the notebook cannot be read back") from None
        ascii_only = self.raw.isascii()
        splices: list[tuple[int, int, str]] = []
        for number, cell_edits in by_cell.items():
            if not 1 <= number <= len(cells) or not isinstance(cells[number - 1], dict):
                raise FixError(f"a fix names cell {number}, which is not a code cell")
            if number - 1 >= len(tokens) or tokens[number - 1] is None:
                raise FixError(f"the source of cell {number} cannot be located in the notebook")
            cell = cells[number - 1]
            old = cell.get("source" if "source" in cell else "input")
            try:
                text = _cell_source(old, number)
            except SourceError as e:
                raise FixError(e.message) from None
            new = _apply_to(text, cell_edits, _newline_style(text))
            token = tokens[number - 1]
            assert token is not None
            splices.append((token.start, token.end, token.render(self.raw, new, ascii_only)))
        raw = self.raw
        for start, end, text in sorted(splices, reverse=True):
            raw = raw[:start] + text + raw[end:]
        try:
            nb = json.loads(raw)
        except (json.JSONDecodeError, RecursionError):  # pragma: no cover - splices are JSON
            raise FixError("the fixed notebook is not valid JSON") from None
        return NotebookDocument(self.path, raw, nb, self.bom)

    def to_bytes(self) -> bytes:
        return (b"\xef\xbb\xbf" if self.bom else b"") + self.raw.encode("utf-8")

    def parts(self) -> list[tuple[str, str]]:
        src = self.source()
        out = []
        cells = self._cells(self.nb)
        for number in src.cell_numbers or []:
            cell = cells[number - 1]
            key = "source" if "source" in cell else "input"
            text = _cell_source(cell.get(key), number)
            out.append((f"{self.path}:cell {number}", text.replace("\r\n", "\n")))
        return out


def _split_lines(text: str) -> list[str]:
    """A cell source as nbformat stores it: lines that keep their line endings."""
    return [line for line in re.split(r"(?<=\n)", text) if line]


# --------------------------------------------------------------------------------------------
# Where each cell's source is in the notebook's JSON text


@dataclass
class _SourceToken:
    """The JSON value of one cell's source: a string, or an array of strings (``items`` are
    the spans of its elements)."""

    start: int
    end: int
    items: list[tuple[int, int]] | None  # None for a string

    def render(self, raw: str, new: str, ascii_only: bool) -> str:
        """JSON for ``new`` in this token's style: unchanged lines keep their original text."""

        def encode(value: str) -> str:
            # (a lone surrogate has no UTF-8: only its escape can be written)
            escape = ascii_only or any("\ud800" <= c <= "\udfff" for c in value)
            return json.dumps(value, ensure_ascii=escape)

        if self.items is None:
            return encode(new)
        old = [raw[a:b] for a, b in self.items]
        old_values = [json.loads(t) for t in old]
        lines = _split_lines(new)
        if not old:
            return "[" + ", ".join(encode(line) for line in lines) + "]"
        head = raw[self.start : self.items[0][0]]
        tail = raw[self.items[-1][1] : self.end]
        # with one element, what follows "[" is also what goes between two elements
        sep = raw[self.items[0][1] : self.items[1][0]] if len(self.items) > 1 else "," + head[1:]
        out: list[str] = []
        matcher = difflib.SequenceMatcher(None, old_values, lines, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                out.extend(old[i1:i2])
            else:
                out.extend(encode(line) for line in lines[j1:j2])
        if not out:
            return "[]"
        return head + sep.join(out) + tail


_WS = re.compile(r"[ \t\r\n]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


def _source_tokens(raw: str) -> list[_SourceToken | None]:
    """For each cell of the notebook (in :func:`_notebook_cells` order), where its ``source``
    (``input`` in nbformat 3) value is in ``raw``; None where it is not a string or a list of
    strings. The last of duplicated keys wins, as in :func:`json.loads`."""
    scanner = _JsonScanner(raw)
    top = scanner.value(want=("cells", "worksheets"))
    if not isinstance(top, dict):
        raise ValueError("not an object")
    cells = top.get("cells")
    if isinstance(cells, list):
        return [_token_of(c) for c in cells]
    out: list[_SourceToken | None] = []
    worksheets = top.get("worksheets")
    if isinstance(worksheets, list):
        for ws in worksheets:
            if isinstance(ws, dict) and isinstance(ws.get("cells"), list):
                out.extend(_token_of(c) for c in ws["cells"])
    return out


def _token_of(cell: Any) -> _SourceToken | None:
    if not isinstance(cell, dict):
        return None
    found = cell.get("source") if "source" in cell else cell.get("input")
    return found if isinstance(found, _SourceToken) else None


class _JsonScanner:
    """A JSON reader that keeps only the structure leading to cells' sources, with positions:
    objects and arrays on that path, and a :class:`_SourceToken` for each source value."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.pos = 0

    def skip_ws(self) -> None:
        m = _WS.match(self.raw, self.pos)
        self.pos = m.end() if m else self.pos

    def value(self, want: tuple[str, ...] | None, source: bool = False) -> Any:
        """The value at ``pos``: a dict of the keys in ``want`` (None: keep no structure), a
        list for arrays on the path, a :class:`_SourceToken` when ``source``."""
        self.skip_ws()
        raw, start = self.raw, self.pos
        c = raw[start : start + 1]
        if c == "{":
            return self.object(want)
        if c == "[":
            items = self.array(want, source)
            if source:
                spans = items if all(isinstance(i, tuple) for i in items) else None
                return _SourceToken(start, self.pos, spans) if spans is not None else None
            return items
        if c == '"':
            # typeshed leaves out json.decoder.scanstring, which the json module has always had
            _, self.pos = json.decoder.scanstring(raw, start + 1)  # type: ignore[attr-defined]
            return _SourceToken(start, self.pos, None) if source else (start, self.pos)
        m = _SCALAR.match(raw, start)
        if m is None:
            raise ValueError(f"invalid JSON at {start}")
        self.pos = m.end()
        return None

    def object(self, want: tuple[str, ...] | None) -> dict[str, Any] | None:
        raw = self.raw
        self.pos += 1
        out: dict[str, Any] = {}
        self.skip_ws()
        if raw.startswith("}", self.pos):
            self.pos += 1
            return out if want is not None else None
        while True:
            self.skip_ws()
            if not raw.startswith('"', self.pos):
                raise ValueError(f"invalid JSON at {self.pos}")
            key, self.pos = json.decoder.scanstring(raw, self.pos + 1)  # type: ignore[attr-defined]
            self.skip_ws()
            if not raw.startswith(":", self.pos):
                raise ValueError(f"invalid JSON at {self.pos}")
            self.pos += 1
            if want is not None and key in want:
                out[key] = self.value(*_CHILD[key])
            else:
                self.value(None)
            self.skip_ws()
            c = raw[self.pos : self.pos + 1]
            self.pos += 1
            if c == "}":
                return out if want is not None else None
            if c != ",":
                raise ValueError(f"invalid JSON at {self.pos - 1}")

    def array(self, want: tuple[str, ...] | None, source: bool) -> list[Any]:
        raw = self.raw
        self.pos += 1
        out: list[Any] = []
        self.skip_ws()
        if raw.startswith("]", self.pos):
            self.pos += 1
            return out
        while True:
            out.append(self.value(want) if not source else self._element())
            self.skip_ws()
            c = raw[self.pos : self.pos + 1]
            self.pos += 1
            if c == "]":
                return out
            if c != ",":
                raise ValueError(f"invalid JSON at {self.pos - 1}")

    def _element(self) -> Any:
        self.skip_ws()
        start = self.pos
        got = self.value(None)
        return (start, self.pos) if isinstance(got, tuple) else got


# which keys are kept below each key on the way to a source: (want, source)
_CELL_KEYS = ("source", "input")
_CHILD: dict[str, tuple[tuple[str, ...] | None, bool]] = {
    "cells": (_CELL_KEYS, False),
    "worksheets": (("cells",), False),
    "source": (None, True),
    "input": (None, True),
}


def document(path: str, data: bytes) -> Document:
    """The document of a file's bytes; :class:`FixError` when they cannot be decoded."""
    try:
        if is_notebook_path(path):
            return NotebookDocument.from_bytes(path, data)
        return PythonDocument.from_bytes(path, data)
    except SourceError as e:
        raise FixError(e.message) from None


# --------------------------------------------------------------------------------------------
# The passes


def _extent(fix: Fix) -> tuple[tuple[int, int, int], tuple[int, int, int], bool, bool]:
    """(start, end, starts with an insertion, ends with an insertion) of a fix's edits."""
    # (cells first: a notebook fix may edit an import in one cell and a call in another)
    spans = sorted(
        (e.span for e in fix.edits),
        key=lambda s: (s.cell or 0, s.line, s.column, s.end_line, s.end_column),
    )
    first, last = spans[0], spans[-1]

    def empty(s: Any) -> bool:
        return bool(s.line == s.end_line and s.column == s.end_column)

    start = (first.cell or 0, first.line, first.column)
    end = max((s.cell or 0, s.end_line, s.end_column) for s in spans)
    return start, end, empty(first), empty(last)


def select_fixes(diagnostics: Sequence[Diagnostic], unsafe: bool = False) -> list[Diagnostic]:
    """The findings whose fixes one pass applies: applicable, and not overlapping a fix taken
    before them (in source order; two insertions at one place count as overlapping, the
    later waits for the next pass)."""
    chosen: list[Diagnostic] = []
    last_end: tuple[int, int, int] | None = None
    last_insert = False
    candidates = [d for d in diagnostics if applicable(d, unsafe) and d.fix and d.fix.edits]
    candidates.sort(key=lambda d: (_extent(d.fix)[0], d.code) if d.fix else ((0, 0, 0), ""))
    for d in candidates:
        assert d.fix is not None
        start, end, starts_insert, ends_insert = _extent(d.fix)
        if last_end is not None and (
            start < last_end or (start == last_end and (starts_insert or last_insert))
        ):
            continue
        chosen.append(d)
        last_end, last_insert = end, ends_insert
    return chosen


@dataclass
class FixResult:
    """What fixing one file did."""

    path: str
    original: Document | None
    fixed_doc: Document | None = None
    fixed: int = 0  # findings fixed
    remaining: list[Diagnostic] = field(default_factory=list)
    source: SourceFile | None = None  # the final source (the fixed one when changed)
    converged: bool = True
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.fixed_doc is not None

    @property
    def data(self) -> bytes | None:
        """The new bytes of the file, None when nothing changed."""
        return None if self.fixed_doc is None else self.fixed_doc.to_bytes()

    def diff(self) -> str:
        """A unified diff of the fix (per code cell for a notebook); empty when unchanged."""
        if self.original is None or self.fixed_doc is None:
            return ""
        return unified_diff(self.original, self.fixed_doc)


def unified_diff(before: Document, after: Document) -> str:
    old = dict(before.parts())
    out: list[str] = []
    for label, new_text in after.parts():
        old_text = old.get(label, "")
        if old_text == new_text:
            continue
        shown = visible(label)  # a file name must not add lines of its own to the diff
        lines = difflib.unified_diff(
            old_text.splitlines(keepends=True), new_text.splitlines(keepends=True), shown, shown
        )
        for line in lines:
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def fix_bytes(
    path: str, data: bytes, lint: Lint, *, unsafe: bool = False, passes: int = MAX_PASSES
) -> FixResult:
    """Fix the file ``path`` whose content is ``data``, linting with ``lint`` (which gives the
    findings after selection and noqa, as reported). Never raises: a failure is the result's
    ``error``, with the findings of the file as it is in ``remaining``."""
    try:
        doc = document(path, data)
        src = doc.source()
    except FixError as e:
        return FixResult(path, None, error=str(e))
    result = FixResult(path, doc)
    current, current_src = doc, src
    first: list[Diagnostic] = []
    try:
        found = first = lint(src)
        for _ in range(passes):
            chosen = select_fixes(found, unsafe)
            if not chosen:
                break
            nxt = current.apply([e for d in chosen if d.fix for e in d.fix.edits])
            nxt_src = nxt.source()
            try:
                cst.parse_module(_parsed_part(current_src, nxt_src))
            except cst.ParserSyntaxError as e:
                codes = ", ".join(sorted({d.code for d in chosen}))
                raise FixError(
                    f"fixes ({codes}) would leave code that does not parse "
                    f"(line {e.raw_line}); the file is left unchanged"
                ) from None
            current, current_src = nxt, nxt_src
            result.fixed += len(chosen)
            found = lint(current_src)
        else:
            result.converged = not select_fixes(found, unsafe)
        data_out = current.to_bytes() if current is not doc else data
    except FixError as e:
        return FixResult(path, doc, remaining=first, source=src, error=str(e))
    except RecursionError:
        return FixResult(path, doc, remaining=first, source=src, error="code nested too deeply")
    result.remaining = found
    result.source = current_src
    if data_out != data:
        result.fixed_doc = current
    else:
        result.fixed = 0
    return result


def _parsed_part(before: SourceFile, after: SourceFile) -> str:
    """The text a fix must leave parsable: all of it, less the notebook cells that did not
    compile before the fix either (they fail alone when the notebook runs)."""
    if not after.is_notebook or compile_error(after.text) is None:
        return after.text
    broken = {c.cell for c in before.cell_errors()}
    still = {c.cell for c in after.cell_errors()}
    return after.without_cells(still).text if still <= broken else after.text


# --------------------------------------------------------------------------------------------
# Writing


class FileChanged(OSError):
    """The file is no longer what was read and fixed: writing would lose someone's edit."""

    def __init__(self) -> None:
        super().__init__(errno.ESTALE, "the file changed while it was being fixed")


def write_bytes_atomic(
    path: str | os.PathLike[str], data: bytes, expected: bytes | None = None
) -> None:
    """Replace the file ``path`` (through a symlink, the file it points to) by ``data``.

    - ``expected``: what the file held when it was read and fixed. It is compared again
      (content and ``stat``) right before the new bytes take its place, so an edit made
      meanwhile raises :class:`FileChanged` instead of being lost.
    - Like ruff, a file that the user may not write is not written (``Permission denied``;
      root may write a read-only file, as with ruff).
    - A file with one link is replaced atomically: the new bytes go to a temporary file in
      the same directory that gets the original's permission bits and owner, then renamed
      over it. A file with several hard links is written in place instead, as ruff does, so
      that every link sees the fix, and so is a file owned by another user that a non-root
      user may write (so its owner stays); those writes are not atomic.
    - On failure, Ctrl-C or SIGTERM the file is as it was and no temporary file is left.

    Raises :class:`OSError`.
    """
    target = os.path.realpath(os.fspath(path))
    before = os.stat(target)
    if not stat.S_ISREG(before.st_mode):
        raise OSError(errno.EINVAL, "not a regular file")
    if not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "Permission denied (the file is read-only)")
    # a user cannot give a new file someone else's owner: such a file is written in place
    foreign = before.st_uid != os.geteuid() and os.geteuid() != 0
    with signals_as_interrupt():
        if before.st_nlink > 1 or foreign:
            _write_in_place(target, data, expected, before)
        else:
            _replace(target, data, expected, before)


def _unchanged(target: str, expected: bytes | None, before: os.stat_result) -> None:
    """Raise :class:`FileChanged` unless ``target`` still holds ``expected``, same inode,
    size and modification time as ``before``."""
    if expected is None:
        return
    now = os.stat(target)
    same = (now.st_ino, now.st_dev, now.st_size, now.st_mtime_ns) == (
        before.st_ino,
        before.st_dev,
        before.st_size,
        before.st_mtime_ns,
    )
    if not same or read_regular_file(target) != expected:
        raise FileChanged


def _replace(target: str, data: bytes, expected: bytes | None, before: os.stat_result) -> None:
    directory = os.path.dirname(target) or "."
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            if (before.st_uid, before.st_gid) != (os.geteuid(), os.getegid()):
                # as root, keep the owner; as a user, keep the group where allowed
                with contextlib.suppress(PermissionError):
                    os.fchown(f.fileno(), before.st_uid, before.st_gid)
            os.fchmod(f.fileno(), stat.S_IMODE(before.st_mode))
        _unchanged(target, expected, before)  # the last look, just before the swap
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_in_place(
    target: str, data: bytes, expected: bytes | None, before: os.stat_result
) -> None:
    with open(target, "r+b") as f:
        _unchanged(target, expected, before)
        f.write(data)
        f.truncate()
        f.flush()
        os.fsync(f.fileno())
