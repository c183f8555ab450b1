"""Finding the files to check, and the glob patterns that exclude them (as ruff does)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "build",
    "dist",
    "site-packages",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".seqlint_cache",
    ".ipynb_checkpoints",
)

#: What a directory walk picks up. Files named explicitly are checked whatever their extension.
SOURCE_SUFFIXES: tuple[str, ...] = (".py", ".pyi", ".ipynb")


class MissingPathError(Exception):
    """A path given on the command line does not exist."""

    def __init__(self, path: str) -> None:
        super().__init__(f"path does not exist: {path}")
        self.path = path


@dataclass
class Discovery:
    """The files to check (display paths, sorted) and warnings about what was skipped."""

    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Glob patterns


@lru_cache(maxsize=512)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a glob: ``*`` and ``?`` stay within one path component, ``**`` crosses them,
    ``[...]`` is a character class (``[!...]`` negated) and ``{a,b}`` is an alternative."""
    i, n = 0, len(pattern)
    out: list[str] = []
    brace = 0
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                at_start = i == 0 or pattern[i - 1] == "/"
                if at_start and pattern.startswith("**/", i):
                    out.append("(?:.*/)?")
                    i += 3
                    continue
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 2 if pattern.startswith("[!", i) else i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j + 1
                continue
        elif c == "{":
            brace += 1
            out.append("(?:")
        elif c == "}" and brace:
            brace -= 1
            out.append(")")
        elif c == "," and brace:
            out.append("|")
        else:
            out.append(re.escape(c))
        i += 1
    out.extend(")" * brace)
    return re.compile("".join(out) + r"\Z")


def _clean_pattern(pattern: str) -> str:
    p = pattern.strip().replace("\\", "/") if os.sep == "\\" else pattern.strip()
    while p.startswith("./"):
        p = p[2:]
    return p.rstrip("/") or p


def relative_parts(path: str | os.PathLike[str], root: Path) -> tuple[str, ...]:
    """The components of ``path`` relative to ``root`` (absolute components when outside)."""
    absolute = os.path.abspath(os.fspath(path))
    rel = os.path.relpath(absolute, os.fspath(root)) if _same_drive(absolute, root) else absolute
    if rel == os.curdir:
        return ()
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return tuple(p for p in Path(absolute).parts)
    return tuple(Path(rel).parts)


def _same_drive(a: str, root: Path) -> bool:
    return os.path.splitdrive(a)[0].lower() == os.path.splitdrive(str(root))[0].lower()


def entry_matches(pattern: str, parts: Sequence[str]) -> bool:
    """Does ``pattern`` match the entry whose path (relative to the root) is ``parts``?

    A pattern without ``/`` matches the entry's own name; one with ``/`` matches its whole
    relative path (or absolute path, for absolute patterns).
    """
    if not parts:
        return False
    p = _clean_pattern(pattern)
    if not p:
        return False
    if "/" not in p:
        return glob_regex(p).match(parts[-1]) is not None
    return glob_regex(p.lstrip("/") if not _is_abs(p) else p).match(_join(parts, p)) is not None


def path_matches(pattern: str, parts: Sequence[str]) -> bool:
    """Does ``pattern`` match the file ``parts`` or any directory it lies in?

    So ``tests``, ``tests/`` and ``tests/*`` all match ``tests/unit/test_x.py``, and
    ``__init__.py`` matches every ``__init__.py``.
    """
    return any(entry_matches(pattern, parts[:k]) for k in range(len(parts), 0, -1))


def matches_any(patterns: Iterable[str], parts: Sequence[str], *, ancestors: bool) -> bool:
    test = path_matches if ancestors else entry_matches
    return any(test(p, parts) for p in patterns)


def _is_abs(p: str) -> bool:
    return p.startswith("/") or bool(os.path.splitdrive(p)[0])


def _join(parts: Sequence[str], pattern: str) -> str:
    s = "/".join(x.strip("/\\") for x in parts)
    if parts and parts[0] in ("/", "\\"):
        s = "/" + s.lstrip("/")
    return s if _is_abs(pattern) else s.lstrip("/")


# --------------------------------------------------------------------------------------------
# Discovery


def display_path(path: str | os.PathLike[str]) -> str:
    """The path as reported: normalised, relative when the user gave it relative."""
    return os.path.normpath(os.fspath(path))


def discover_files(
    paths: Sequence[str | os.PathLike[str]],
    *,
    exclude: Sequence[str] = DEFAULT_EXCLUDES,
    root: Path | None = None,
    force_exclude: bool = False,
    on_warning: Callable[[str], None] | None = None,
) -> Discovery:
    """The source files under ``paths``: sorted, each once, excluded directories pruned.

    Files named explicitly are checked whatever their extension, and are not subject to
    ``exclude`` unless ``force_exclude``; a walk takes ``.py``, ``.pyi`` and ``.ipynb`` files.
    ``exclude`` patterns are matched against each walked entry (see :func:`entry_matches`),
    relative to ``root`` (the project root, default the working directory). Symlinked
    directories are followed once; loops and unreadable directories are skipped with a warning.
    Raises :class:`MissingPathError` for a path that does not exist.
    """
    root = (root or Path.cwd()).absolute()
    result = Discovery()

    def warn(msg: str) -> None:
        result.warnings.append(msg)
        if on_warning is not None:
            on_warning(msg)

    seen_files: set[tuple[int, int] | str] = set()
    seen_dirs: set[tuple[int, int]] = set()
    found: list[str] = []

    def add(path: str) -> None:
        try:
            st = os.stat(path)
            key: tuple[int, int] | str = (st.st_dev, st.st_ino)
        except OSError:
            key = os.path.abspath(path)
        if key in seen_files:
            return
        seen_files.add(key)
        found.append(path)

    name_only = not any("/" in p for p in exclude)  # the defaults: no path arithmetic needed

    def excluded(path: str, *, ancestors: bool) -> bool:
        if name_only and not ancestors:
            return matches_any(exclude, (os.path.basename(path),), ancestors=False)
        return matches_any(exclude, relative_parts(path, root), ancestors=ancestors)

    def walk(directory: str) -> None:
        try:
            st = os.stat(directory)
        except OSError as e:
            warn(f"cannot read directory {directory}: {e.strerror or e}")
            return
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            return  # a symlink loop, or a directory reached twice
        seen_dirs.add(key)
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            warn(f"cannot read directory {directory}: {e.strerror or e}")
            return
        for entry in entries:
            path = entry.path if directory != os.curdir else entry.name
            if excluded(path, ancestors=False):
                continue
            try:
                is_dir = entry.is_dir()  # follows symlinks; broken links are neither
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            if is_dir:
                walk(path)
            elif is_file and entry.name.lower().endswith(SOURCE_SUFFIXES):
                add(path)

    for given in paths:
        raw = os.fspath(given)
        if not os.path.exists(raw):
            raise MissingPathError(raw)
        path = display_path(raw)
        if force_exclude and excluded(path, ancestors=True):
            continue
        if os.path.isdir(path):
            walk(path)
        else:
            add(path)

    result.files = sorted(found, key=_sort_key)
    return result


def _sort_key(path: str) -> tuple[str, ...]:
    return tuple(Path(path).parts)
