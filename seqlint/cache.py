"""The results cache: ``.seqlint_cache/`` in the project root (the config's directory, else
the working directory).

An entry holds one file's findings (an empty list for a clean file) after rule selection,
per-file ignores and ``# noqa``. Its key is a hash of everything the findings depend on:

- the file's bytes and whether it is read as a notebook (``.ipynb``),
- the rule codes in effect for that file (selection less its per-file ignores),
- seqlint's version and a fingerprint of its own source files (so an edited checkout never
  serves results of the old code) and the Python version (CPython's ``ast`` is the parser,
  and syntax error messages come from it). libcst is not in the key: it only applies fixes,
  which are never cached (the fixes in findings are computed with ``ast``).

A stale result is therefore impossible: any change gives another key, and the old entry is
simply never read again. Entries are written atomically (a temporary file renamed into
place); an entry that cannot be read or decoded is ignored and recomputed. Files that the
keyword pre-filter skips are never cached: reading them again is as cheap as a lookup.
The directory holds a ``.gitignore`` of ``*`` and a ``CACHEDIR.TAG``, like ruff's. Nothing
read from the cache is ever executed (entries are JSON, not pickles).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from seqlint import __version__
from seqlint.diagnostics import Diagnostic, Edit, Fix, Span
from seqlint.sources import is_notebook_path

CACHE_DIR_NAME = ".seqlint_cache"
_FORMAT = 1  # bump when the entry layout changes

_GITIGNORE = "# Automatically created by seqlint.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by seqlint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)

# The dataclasses an entry may hold, by name; anything else makes the entry uncacheable.
_TYPES: dict[str, type] = {cls.__name__: cls for cls in (Diagnostic, Span, Fix, Edit)}


class Uncacheable(Exception):
    """A result holds something the cache cannot represent faithfully."""


def _package_fingerprint() -> bytes:
    """Stats of seqlint's own modules (except the runtime, which ``check`` never uses)."""
    base = Path(__file__).resolve().parent
    parts: list[str] = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in ("runtime", "__pycache__"))
        for name in sorted(filenames):
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                parts.append(f"{os.path.relpath(path, base)}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts).encode()


def code_fingerprint() -> str:
    """A hash of everything besides a file and its settings that findings depend on."""
    h = hashlib.blake2b(digest_size=16)
    for part in (
        f"seqlint {__version__} format {_FORMAT}".encode(),
        f"{sys.implementation.name} {sys.version_info[:3]}".encode(),
        _package_fingerprint(),
    ):
        h.update(part)
        h.update(b"\0")
    return h.hexdigest()


class Cache:
    """Findings by content: :meth:`key`, :meth:`get`, :meth:`put`. Never raises on I/O."""

    def __init__(self, root: str | os.PathLike[str], fingerprint: str | None = None) -> None:
        self.root = Path(root) / CACHE_DIR_NAME
        self.fingerprint = fingerprint or code_fingerprint()
        self.dir = self.root / __version__
        self.writable = True
        self._prepared = False

    def key(self, data: bytes, path: str, codes: Iterable[str]) -> str:
        h = hashlib.sha256()  # (hashes the file: 1.1 GB/s here with SHA instructions, blake2b 0.86)
        h.update(self.fingerprint.encode())
        h.update(b"\0notebook\0" if is_notebook_path(path) else b"\0python\0")
        h.update(",".join(sorted(codes)).encode())
        h.update(b"\0")
        h.update(data)
        return h.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key[2:]}.json"

    def get(self, key: str) -> list[Diagnostic] | None:
        """The cached findings (with empty paths), or None when absent, unreadable or not
        exactly what :meth:`put` writes (then the file is simply analysed again)."""
        entry_path = self._entry(key)
        if not self._safe_dirs(entry_path.parent):
            return None
        raw = _read_entry(entry_path)
        if raw is None:
            return None
        try:
            entry = json.loads(raw)
            if not isinstance(entry, dict) or entry.get("key") != key:
                return None
            found = [_decode(item) for item in entry["diagnostics"]]
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return None
        if not all(_valid(d) for d in found):
            return None
        return found

    def _safe_dirs(self, subdir: Path) -> bool:
        """Whether the cache's directories down to ``subdir`` are real directories: a
        symlink planted in a checked-out ``.seqlint_cache`` must not lead reads or writes
        anywhere else."""
        return all(_is_real_dir(d) for d in (self.root, self.dir, subdir))

    def put(self, key: str, diagnostics: Iterable[Diagnostic]) -> None:
        if not self.writable:
            return
        try:
            items = []
            for d in diagnostics:
                item = _encode(d)
                item["path"] = ""
                items.append(item)
            text = json.dumps({"key": key, "diagnostics": items}, separators=(",", ":"))
        except Uncacheable:
            return
        target = self._entry(key)
        try:
            if not self._prepared:
                self._prepare()
            with contextlib.suppress(FileExistsError):
                target.parent.mkdir()
            if not self._safe_dirs(target.parent):
                raise NotADirectoryError(str(target.parent))
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(tmp, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            self.writable = False  # a read-only tree: run on without a cache

    def _prepare(self) -> None:
        """Create the cache's directories and marker files, following no symlink: a
        dangling ``.seqlint_cache/.gitignore`` link must not create a file elsewhere.
        Raises :class:`OSError` when something in the way is not what it should be."""
        for directory in (self.root, self.dir):
            with contextlib.suppress(FileExistsError):
                directory.mkdir(parents=directory is self.root)
            if not _is_real_dir(directory):
                raise NotADirectoryError(str(directory))
        for name, content in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            try:
                fd = os.open(self.root / name, flags, 0o644)
            except FileExistsError:
                continue  # already there (or a link we leave alone)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(content)
        self._prepared = True


#: An entry holds a few findings; anything much bigger was not written by :meth:`Cache.put`.
MAX_ENTRY_BYTES = 8 << 20


def _is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _read_entry(path: Path) -> bytes | None:
    """An entry's bytes when it is a regular file (not a link, FIFO or device) of sane size."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with open(fd, "rb") as f:
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_ENTRY_BYTES:
                return None
            return f.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None


def _is_int(value: Any, low: int) -> bool:
    return type(value) is int and value >= low


def _valid_span(span: Any) -> bool:
    return (
        isinstance(span, Span)
        and all(_is_int(v, 1) for v in (span.line, span.column, span.end_line, span.end_column))
        and (span.line, span.column) <= (span.end_line, span.end_column)
        and (span.cell is None or _is_int(span.cell, 1))
    )


def _valid(d: Any) -> bool:
    """Whether ``d`` is a finding every reporter and ``--fix`` can use as it is."""
    if not isinstance(d, Diagnostic):
        return False
    if not all(type(v) is str for v in (d.code, d.name, d.message, d.path)):
        return False
    if d.severity not in ("error", "warning") or not _valid_span(d.span):
        return False
    if d.suggestion is not None and type(d.suggestion) is not str:
        return False
    if not isinstance(d.trace, list) or not all(
        isinstance(t, tuple) and len(t) == 2 and all(type(x) is str for x in t) for t in d.trace
    ):
        return False
    fix = d.fix
    if fix is None:
        return True
    return (
        isinstance(fix, Fix)
        and type(fix.message) is str
        and type(fix.safe) is bool
        and isinstance(fix.edits, tuple)
        and all(
            isinstance(e, Edit) and _valid_span(e.span) and type(e.content) is str
            for e in fix.edits
        )
    )


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a record type (a dataclass or a NamedTuple, which is also a tuple), or
    None for any other type."""
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return tuple(cls._fields)
    return None


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    record = _field_names(type(value))
    if record is not None:
        name = type(value).__name__
        if _TYPES.get(name) is not type(value):
            raise Uncacheable(name)
        return {"$type": name, **{f: _encode(getattr(value, f)) for f in record}}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    raise Uncacheable(type(value).__name__)


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "$tuple" in value:
            return tuple(_decode(v) for v in value["$tuple"])
        cls = _TYPES[value["$type"]]
        names = set(_field_names(cls) or ())
        fields = {k: _decode(v) for k, v in value.items() if k != "$type"}
        if set(fields) != names:
            raise KeyError("fields changed")
        return cls(**fields)
    return value
