"""Finding the files to check: the glob patterns that exclude them (as ruff does) and what
``.gitignore`` files ignore.

``.gitignore`` is matched by a small matcher of our own rather than by asking git
(``git ls-files``/``git check-ignore``): it needs no git executable and no subprocess, works
the same inside and outside a work tree, prunes ignored directories before walking them (a
large ignored ``data/`` costs nothing), and keeps seqlint's own walk, excludes and symlink
handling in one place. It implements git's pattern rules (anchoring, ``**``, ``!``
negation, directory-only patterns, escapes, nested ``.gitignore`` files, ``.git/info/exclude``);
the tests compare it with ``git ls-files`` on a tree of tricky patterns.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

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

    def __init__(self, path: str, reason: str = "") -> None:
        super().__init__(f"path {reason or 'does not exist'}: {path}")
        self.path = path


class NotRegularFile(OSError):
    """A path that is a FIFO, a device or a socket: reading it could block or never end."""


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def read_regular_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file. A FIFO, a device (``/dev/zero`` behind a symlink) or a
    socket raises :class:`NotRegularFile` without being read: opening does not block
    (``O_NONBLOCK``) and the open file itself is checked, so swapping the path after a check
    cannot help. Raises :class:`OSError` otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with open(fd, "rb") as f:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", os.fspath(path))
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, f"is {file_kind(mode)}, not a regular file")
        return f.read()


@dataclass
class Discovery:
    """The files to check (display paths, sorted) and warnings about what was skipped."""

    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Glob patterns


# A glob is compiled once to a token list. ``re`` backtracks, so a pattern with several
# unbounded runs (``a*a*a*a*b``) can take exponential time on a name that almost matches; such
# patterns are matched by simulating the token automaton (every live position at once, as
# git's wildmatch effectively does): O(len(pattern) * len(text)) whatever the input. Patterns
# with at most one unbounded run cannot blow up and keep the faster ``re`` path.
_LIT, _ONE, _CLS, _STAR, _ALL, _DIRS = range(6)  # x, [^/], [...], [^/]*, .*, (?:.*/)?
_Token = tuple[int, Any]
#: The most alternatives ``{a,b}`` groups may expand to in one exclude pattern.
MAX_BRACE_ALTERNATIVES = 1024


class Glob:
    """A compiled glob (or ``.gitignore`` pattern): :meth:`match` takes linear time."""

    __slots__ = ("alternatives", "regex")

    def __init__(self, alternatives: Sequence[Sequence[_Token]]) -> None:
        self.alternatives = tuple(tuple(a) for a in alternatives)
        #: the equivalent regex when it cannot backtrack badly (None: use the automaton)
        self.regex: re.Pattern[str] | None = None
        # (alternatives are tried one after the other: their costs add up)
        if sum(map(_backtracking_bound, self.alternatives)) <= _REGEX_MAX_TRIES:
            body = "|".join(_token_regex(a) for a in self.alternatives)
            self.regex = re.compile(f"(?:{body})\\Z", re.DOTALL)

    def match(self, text: str) -> bool:
        """Does the whole of ``text`` match?"""
        if self.regex is not None:
            return self.regex.match(text) is not None
        return any(_run_automaton(a, text) for a in self.alternatives)


#: How many ways a run may be split up, at worst: ``[^/]*`` within one file name (at most 255
#: characters), ``.*`` along a whole path, ``(?:.*/)?`` only at its slashes.
_RUN_BOUND = {_STAR: 256, _ALL: 4096, _DIRS: 64}
#: About a millisecond of ``re`` at worst; ``a*b*c`` stays a regex, ``a*b*c*d`` does not.
_REGEX_MAX_TRIES = 1 << 20


def _backtracking_bound(tokens: Sequence[_Token]) -> int:
    """The product of the runs' bounds: what ``re`` may try in the worst case. A trailing
    ``.*`` takes the rest of the path in one way (``**/node_modules/**`` is cheap)."""
    bound = 1
    for i, (kind, _) in enumerate(tokens):
        if not (kind == _ALL and i == len(tokens) - 1):
            bound *= _RUN_BOUND.get(kind, 1)
    return bound


def _token_regex(tokens: Sequence[_Token]) -> str:
    out = []
    for kind, value in tokens:
        if kind == _LIT:
            out.append(re.escape(value))
        elif kind == _CLS:
            out.append(value.pattern)
        else:
            out.append(("", "[^/]", "", "[^/]*", ".*", "(?:.*/)?")[kind])
    return "".join(out)


def _run_automaton(tokens: Sequence[_Token], text: str) -> bool:
    """Simulate the pattern's automaton over ``text``. State ``i`` waits at token ``i``
    (``n``: accepted); state ``n + 1 + i`` is inside the ``(?:.*/)?`` of token ``i``."""
    n = len(tokens)

    def closure(states: set[int]) -> set[int]:
        todo = list(states)
        while todo:
            s = todo.pop()
            if s >= n:
                continue
            kind = tokens[s][0]
            follow = (s + 1, n + 1 + s) if kind == _DIRS else (s + 1,) if kind >= _STAR else ()
            for t in follow:
                if t not in states:
                    states.add(t)
                    todo.append(t)
        return states

    states = closure({0})
    for ch in text:
        nxt: set[int] = set()
        for s in states:
            if s > n:  # inside (?:.*/)?: any character, and a slash may end it
                nxt.add(s)
                if ch == "/":
                    nxt.add(s - n)
                continue
            if s == n:
                continue
            kind, value = tokens[s]
            if kind == _LIT:
                if ch == value:
                    nxt.add(s + 1)
            elif kind == _ONE:
                if ch != "/":
                    nxt.add(s + 1)
            elif kind == _CLS:
                if value.match(ch):
                    nxt.add(s + 1)
            elif kind == _STAR:
                if ch != "/":
                    nxt.add(s)
            elif kind == _ALL:
                nxt.add(s)
        if not nxt:
            return False
        states = closure(nxt)
    return n in states


def _class_token(body: str) -> _Token:
    """A ``[...]`` token; raises :class:`ValueError` for a class no character can match
    (a reversed range such as ``[z-a]``)."""
    try:
        return (_CLS, re.compile(body, re.DOTALL))
    except re.error as e:
        raise ValueError(f"invalid character class {body}: {e.msg}") from None


def _expand_braces(pattern: str) -> list[str]:
    """``{a,b}`` alternatives spelled out (an unclosed ``{`` runs to the end)."""

    def parse(i: int, depth: int) -> tuple[list[str], int]:
        options: list[str] = []
        current = [""]
        while i < len(pattern):
            c = pattern[i]
            if c == "{":
                inner, i = parse(i + 1, depth + 1)
                current = [a + b for a in current for b in inner]
                if len(current) > MAX_BRACE_ALTERNATIVES:
                    raise ValueError(f"more than {MAX_BRACE_ALTERNATIVES} {{...}} alternatives")
                continue
            if depth and c == "}":
                return [*options, *current], i + 1
            if depth and c == ",":
                options += current
                current = [""]
            else:
                current = [a + c for a in current]
            i += 1
        return [*options, *current], i

    return parse(0, 0)[0]


@lru_cache(maxsize=512)
def compile_glob(pattern: str) -> Glob:
    """Compile an exclude glob: ``*`` and ``?`` stay within one path component, ``**``
    crosses them, ``[...]`` is a character class (``[!...]`` negated) and ``{a,b}`` is an
    alternative. Raises :class:`ValueError` for a pattern that cannot match as written."""
    alternatives = []
    for alt in _expand_braces(pattern):
        tokens: list[_Token] = []
        i, n = 0, len(alt)
        while i < n:
            c = alt[i]
            if c == "*":
                if alt.startswith("**", i):
                    at_start = i == 0 or alt[i - 1] == "/"
                    if at_start and alt.startswith("**/", i):
                        tokens.append((_DIRS, None))
                        i += 3
                        continue
                    tokens.append((_ALL, None))
                    i += 2
                    continue
                tokens.append((_STAR, None))
            elif c == "?":
                tokens.append((_ONE, None))
            elif c == "[":
                j = alt.find("]", i + 2 if alt.startswith("[!", i) else i + 1)
                if j != -1:
                    body = alt[i + 1 : j]
                    if body.startswith("!"):
                        body = "^" + body[1:]
                    tokens.append(_class_token("[" + body.replace("\\", "\\\\") + "]"))
                    i = j + 1
                    continue
                tokens.append((_LIT, c))
            else:
                tokens.append((_LIT, c))
            i += 1
        alternatives.append(tokens)
    return Glob(alternatives)


def clean_pattern(pattern: str) -> str:
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
    p = clean_pattern(pattern)
    if not p:
        return False
    if "/" not in p:
        return compile_glob(p).match(parts[-1])
    return compile_glob(p.lstrip("/") if not _is_abs(p) else p).match(_join(parts, p))


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
# .gitignore


class IgnoreRule(NamedTuple):
    """One pattern line of a ``.gitignore``."""

    pattern: str  # as written (for messages and tests)
    glob: Glob  # matched against the path relative to the file's directory
    negate: bool  # ``!pattern``: re-include
    dir_only: bool  # ``pattern/``: directories only


def gitignore_glob(pattern: str, *, anchored: bool) -> Glob:
    """The compiled form of one ``.gitignore`` pattern body (matched against the path
    relative to the ``.gitignore``'s directory).

    Git's wildmatch rules: ``*`` and ``?`` stay within a path component, ``[...]`` is a
    class (``[!...]``/``[^...]`` negated, never matching ``/``), ``\\x`` is a literal ``x``,
    a leading ``**/`` matches any number of directories, ``/**/`` zero or more, a trailing
    ``/**`` everything inside; other runs of ``*`` are a plain ``*``. An unanchored pattern
    (no ``/`` but a trailing one) matches at any depth. Raises :class:`ValueError` for a
    class no character can match.
    """
    out: list[_Token] = [] if anchored else [(_DIRS, None)]
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            j = i
            while j < n and pattern[j] == "*":
                j += 1
            whole_component = (i == 0 or pattern[i - 1] == "/") and (j == n or pattern[j] == "/")
            if j - i >= 2 and whole_component:
                if j == n:
                    out.append((_ALL, None))
                else:
                    out.append((_DIRS, None))
                    j += 1  # the slash is part of the match
            else:
                out.append((_STAR, None))
            i = j
            continue
        if c == "?":
            out.append((_ONE, None))
        elif c == "\\" and i + 1 < n:
            out.append((_LIT, pattern[i + 1]))
            i += 2
            continue
        elif c == "[":
            parsed = _char_class(pattern, i)
            if parsed is None:
                out.append((_LIT, c))
            else:
                regex, i = parsed
                out.append(_class_token(regex))
                continue
        else:
            out.append((_LIT, c))
        i += 1
    return Glob([out])


def _char_class(pattern: str, i: int) -> tuple[str, int] | None:
    """(regex, index after the class) for the class starting at ``pattern[i] == "["``."""
    j = i + 1
    negate = j < len(pattern) and pattern[j] in "!^"
    if negate:
        j += 1
    items: list[str] = []
    first = True
    while j < len(pattern):
        c = pattern[j]
        if c == "]" and not first:
            body = "".join(items)
            return (f"[^/{body}]" if negate else f"[{body}]"), j + 1
        if c == "\\" and j + 1 < len(pattern):
            items.append(re.escape(pattern[j + 1]))
            j += 2
        elif c == "-" and items and j + 1 < len(pattern) and pattern[j + 1] != "]":
            items.append("-")
            j += 1
        else:
            items.append(re.escape(c) if c != "/" else "")
            j += 1
        first = False
    return None  # no closing bracket: a literal "["


def parse_gitignore(text: str) -> list[IgnoreRule]:
    """The rules of a ``.gitignore`` file's text, in order."""
    rules: list[IgnoreRule] = []
    for raw in text.splitlines():
        line = raw
        if not line or line.startswith("#"):
            continue
        # trailing spaces are dropped unless escaped with a backslash
        stripped = line.rstrip(" ")
        if stripped != line and stripped.endswith("\\") and not stripped.endswith("\\\\"):
            stripped += " "
        line = stripped
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        dir_only = line.endswith("/") and not line.endswith("\\/")
        if dir_only:
            line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        body = line[1:] if line.startswith("/") else line
        if not body:
            continue
        try:
            glob = gitignore_glob(body, anchored=anchored)
        except ValueError:
            continue  # git would not match anything with it either
        rules.append(IgnoreRule(raw, glob, negate, dir_only))
    return rules


class GitIgnore:
    """The rules of one ignore file, matched relative to ``base`` (an absolute directory)."""

    def __init__(self, base: str, rules: Sequence[IgnoreRule]) -> None:
        self.base = base
        self.prefix = base if base.endswith(os.sep) else base + os.sep
        self.rules = tuple(rules)
        # One pass over a combined pattern answers the common "nothing matches" case, when
        # every rule has a regex that cannot backtrack badly (see :class:`Glob`).
        fast = [r.glob.regex.pattern for r in self.rules if r.glob.regex is not None]
        self.any: re.Pattern[str] | None = None
        if len(fast) == len(self.rules):
            self.any = re.compile("|".join(f"(?:{p})" for p in fast), re.DOTALL)

    @classmethod
    def read(cls, base: str, path: str) -> GitIgnore | None:
        """The rules in ``path`` (None when the file has none). Raises :class:`OSError`."""
        text = read_regular_file(path).decode("utf-8", errors="surrogateescape")
        rules = parse_gitignore(text)
        return cls(base, rules) if rules else None

    def match(self, absolute: str, is_dir: bool) -> bool | None:
        """True (ignored), False (re-included by ``!``) or None (no rule says anything)."""
        if not absolute.startswith(self.prefix):
            return None
        rel = absolute[len(self.prefix) :]
        if os.sep != "/":
            rel = rel.replace(os.sep, "/")
        if self.any is not None and not self.any.match(rel):
            return None
        for rule in reversed(self.rules):
            if rule.dir_only and not is_dir:
                continue
            if rule.glob.match(rel):
                return not rule.negate
        return None


def is_ignored(stack: Sequence[GitIgnore], absolute: str, is_dir: bool) -> bool:
    """Whether the ignore files in ``stack`` (outermost first) ignore ``absolute``: the last
    rule that matches decides, deeper files overriding shallower ones."""
    for spec in reversed(stack):
        verdict = spec.match(absolute, is_dir)
        if verdict is not None:
            return verdict
    return False


def info_exclude(root: str) -> str:
    """The ``info/exclude`` file git reads for the work tree at ``root``. In a linked worktree or
    a submodule ``.git`` is a file (``gitdir: PATH``), and git reads the exclude file of the
    repository's common directory."""
    dot_git = os.path.join(root, ".git")
    if not os.path.isfile(dot_git):
        return os.path.join(dot_git, "info", "exclude")
    try:
        with open(dot_git, encoding="utf-8", errors="replace") as f:
            first = f.readline(4096).strip()
        if not first.startswith("gitdir:"):
            return os.path.join(dot_git, "info", "exclude")
        gitdir = os.path.join(root, first[len("gitdir:") :].strip())
        common = gitdir
        commondir = os.path.join(gitdir, "commondir")
        if os.path.isfile(commondir):
            with open(commondir, encoding="utf-8", errors="replace") as f:
                common = os.path.join(gitdir, f.readline(4096).strip())
        return os.path.join(os.path.normpath(common), "info", "exclude")
    except OSError:
        return os.path.join(dot_git, "info", "exclude")


def git_root(directory: str) -> str | None:
    """The work tree containing ``directory`` (the nearest ancestor holding ``.git``)."""
    here = os.path.abspath(directory)
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


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
    respect_gitignore: bool = True,
    on_warning: Callable[[str], None] | None = None,
) -> Discovery:
    """The source files under ``paths``: sorted, each once, excluded directories pruned.

    Files named explicitly are checked whatever their extension, and are not subject to
    ``exclude`` unless ``force_exclude``; a walk takes ``.py``, ``.pyi`` and ``.ipynb`` files.
    ``exclude`` patterns are matched against each walked entry (see :func:`entry_matches`),
    relative to ``root`` (the project root, default the working directory).

    With ``respect_gitignore``, a walk also skips what git ignores: the ``.gitignore`` files
    of the walked directories and of their parents up to the work tree's root (the nearest
    directory holding ``.git``; without one, only those inside the walk), and the repository's
    ``.git/info/exclude``. A nested repository starts afresh. Git's global excludes file is
    not read, so every machine sees the same files. Explicit files are always checked.

    Symlinked directories are followed once; loops (a link to a directory above the walk
    too), links into ``/proc``, ``/sys`` and ``/dev``, unreadable directories and unreadable
    ``.gitignore`` files are skipped with a warning. Raises :class:`MissingPathError` for a
    path that does not exist.
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
    # plain names (the defaults: .git, venv, ...) match exactly: a set lookup per entry
    cleaned = {p: clean_pattern(p) for p in exclude}
    plain = {c for c in cleaned.values() if c and not any(ch in c for ch in "*?[{")}
    globs = [p for p, c in cleaned.items() if c not in plain]

    def excluded(path: str, *, ancestors: bool) -> bool:
        if name_only and not ancestors:
            name = os.path.basename(path)
            return name in plain or matches_any(globs, (name,), ancestors=False)
        return matches_any(exclude, relative_parts(path, root), ancestors=ancestors)

    def read_ignore(base: str, path: str) -> GitIgnore | None:
        try:
            return GitIgnore.read(base, path)
        except (FileNotFoundError, NotADirectoryError):  # (a worktree's .git is a file)
            return None
        except OSError as e:
            warn(f"cannot read {path}: {e.strerror or e}; its patterns are not applied")
            return None

    def outer_ignores(directory: str) -> list[GitIgnore]:
        """The ignore files that apply to ``directory``'s entries from outside it."""
        if not respect_gitignore:
            return []
        absolute = os.path.abspath(directory)
        top = git_root(absolute)
        if top is None or top == absolute:
            return []  # a walk that starts at a work tree's root reads its files itself
        stack: list[GitIgnore] = []
        info = read_ignore(top, info_exclude(top))
        if info is not None:
            stack.append(info)
        rel = os.path.relpath(absolute, top)
        here = top
        for part in [] if rel == os.curdir else rel.split(os.sep):
            spec = read_ignore(here, os.path.join(here, ".gitignore"))
            if spec is not None:
                stack.append(spec)
            here = os.path.join(here, part)
        return stack

    def walk(directory: str, ignores: list[GitIgnore], active: set[tuple[int, int]]) -> None:
        try:
            st = os.stat(directory)
        except OSError as e:
            warn(f"cannot read directory {directory}: {e.strerror or e}")
            return
        key = (st.st_dev, st.st_ino)
        if key in active:
            warn(f"symlink loop: {directory} leads back to a directory being walked; skipped")
            return
        if key in seen_dirs:
            return  # a directory reached twice through symlinks: its files are taken
        seen_dirs.add(key)
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            warn(f"cannot read directory {directory}: {e.strerror or e}")
            return
        absolute = os.path.abspath(directory)
        if respect_gitignore:
            names = {e.name for e in entries}
            if ".git" in names:
                ignores = []  # a work tree's root: its own rules only
                info = read_ignore(absolute, info_exclude(absolute))
                if info is not None:
                    ignores.append(info)
            if ".gitignore" in names:
                spec = read_ignore(absolute, os.path.join(absolute, ".gitignore"))
                if spec is not None:
                    ignores = [*ignores, spec]
        active = active | {key}
        for entry in entries:
            path = entry.path if directory != os.curdir else entry.name
            if excluded(path, ancestors=False):
                continue
            try:
                is_dir = entry.is_dir()  # follows symlinks; broken links are neither
                is_file = not is_dir and entry.is_file()
            except OSError as e:
                warn(f"cannot read {path}: {e.strerror or e}; skipped")
                continue
            source = not is_dir and entry.name.lower().endswith(SOURCE_SUFFIXES)
            if not (is_dir or source):
                continue
            if ignores and is_ignored(ignores, os.path.join(absolute, entry.name), is_dir):
                continue
            if is_dir and entry.is_symlink():
                reason = _unwalkable_link(path, absolute)
                if reason is not None:
                    warn(f"{reason}; skipped")
                    continue
            if is_dir:
                walk(path, ignores, active)
            elif is_file:
                add(path)
            elif os.path.exists(path):  # a FIFO, device or socket (maybe behind a symlink)
                warn(f"{path} {_kind_of(path)}, not a regular file; skipped")
            elif entry.is_symlink():
                warn(f"broken symlink {path}; skipped")

    for given in paths:
        raw = os.fspath(given)
        try:
            os.stat(raw)
        except PermissionError as e:  # inside a directory we may not enter
            raise MissingPathError(raw, f"cannot be read ({e.strerror})") from None
        except OSError:
            pass
        if not os.path.exists(raw):
            if os.path.islink(raw):
                raise MissingPathError(raw, "is a broken symlink or a symlink loop")
            raise MissingPathError(raw)
        path = display_path(raw)
        if force_exclude and excluded(path, ancestors=True):
            continue
        if os.path.isdir(path):
            walk(path, outer_ignores(path), set())
        elif os.path.isfile(path):
            add(path)
        else:  # never read: a FIFO blocks, /dev/zero never ends
            raise MissingPathError(raw, f"{_kind_of(path)}, not a regular file")

    result.files = sorted(found, key=_sort_key)
    return result


#: kernel file systems: no source code, and ``/proc`` changes while it is read (each process
#: has a ``root`` link to ``/``): a symlink into one would walk the machine
_PSEUDO_ROOTS = ("/proc", "/sys", "/dev")


def _unwalkable_link(path: str, directory: str) -> str | None:
    """Why the symlinked directory ``path`` (an entry of ``directory``) is not walked, or None.

    A link to ``directory`` itself or to a directory above it (``root -> /``, ``up -> ../..``)
    is a loop that the walk would only notice after walking everything else under the target,
    the whole machine for ``/``."""
    target = os.path.realpath(path)
    here = os.path.realpath(directory)
    if here == target:
        return f"symlink loop: {path} leads back to a directory being walked"
    if here.startswith(target.rstrip(os.sep) + os.sep):
        return f"symlink loop: {path} leads to {target}, which holds the walk"
    if os.sep == "/" and any(target == p or target.startswith(p + "/") for p in _PSEUDO_ROOTS):
        return f"{path} leads into {target}, a kernel file system"
    return None


def _kind_of(path: str) -> str:
    try:
        return "is " + file_kind(os.stat(path).st_mode)
    except OSError as e:
        return f"cannot be read ({e.strerror or e})"


def _sort_key(path: str) -> tuple[str, ...]:
    return tuple(Path(path).parts)
