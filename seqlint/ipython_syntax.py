"""IPython's input transformations, so that a notebook cell is read the way IPython runs it.

Mirrors ``IPython.core.inputtransformer2.TransformerManager.transform_cell`` (and, for cells
of one line, the automagic of IPython's prefilter) without depending on IPython: magics,
shell escapes and help requests become a no-op statement with the same indentation (an
assignment from a magic keeps its target, bound to an unknown value), so a magic that is the
only statement of a block still leaves a valid block. Every transformation keeps the number
of lines, so positions in the rest of the cell stay exact.
"""

from __future__ import annotations

import ast
import keyword
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

NO_OP = "pass"
UNKNOWN_VALUE = "get_ipython()"  # what a magic assigns: a call seqlint cannot follow

# Cell magics whose body is Python run in the notebook's namespace: the body is analysed.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
WRITEFILE_MAGICS = frozenset({"writefile", "file"})
# Cell magics that run their body as a Python script in a process of its own (``%%python``,
# ``%%script python3``): the body is checked as a file of its own, like a written file.
SCRIPT_MAGICS = frozenset({"python", "python3"})

# Line magics whose argument is Python run in the notebook's namespace (``%time model.fit(x)``):
# the statement is analysed. ``%timeit`` runs it in a function of its own, so only an
# expression (no binding) is kept there. Their option letters that take a value:
_PYTHON_LINE_MAGICS = {"time": None, "timeit": "nrp"}
_PYTHON_LINE_MAGIC = re.compile(r"%(timeit|time)(?=[ \t])")

# Line magics of IPython 8 (``%lsmagic``), its POSIX shell aliases, ipykernel's and Colab's
# additions and common extensions: the names IPython's automagic runs without ``%``.
_MAGIC_WORDS = """
alias alias_magic autoawait autocall automagic bookmark cat cd colors conda config cp debug
dhist dirs doctest_mode ed edit env gui hist history killbgscripts ldir lf lk ll load load_ext
loadpy logoff logon logstart logstate logstop ls lsmagic lx macro magic matplotlib mkdir mv
notebook page pastebin pdb pdef pdoc pfile pinfo pinfo2 pip popd pprint precision prun psearch
psource pushd pwd pycat pylab quickref recall rehashx reload_ext rep rerun reset
reset_selective rm rmdir run save sc set_env sx system tb time timeit unalias unload_ext who
who_ls whos xdel xmode mamba micromamba clear less more man autosave connect_info qtconsole
autoreload aimport tensorflow_version tensorboard store
"""
MAGIC_NAMES = frozenset(_MAGIC_WORDS.split())

_INDENT = re.compile(r"^[ \t]+")
_CLASSIC_PROMPT = re.compile(r"^(>>>|\.\.\.)( |$)")
_CLASSIC_FIRST = re.compile(r"^>>>( |$)")
_IPYTHON_PROMPT = re.compile(r"^(((\[nav\]|\[ins\])?\ )?In\ \[\d+\]:\ |\s*\.{3,}:\ ?)")
_HELP_END = re.compile(r"(%{0,2}(?!\d)[\w*]+(\.(?!\d)[\w*]+|\[-?[0-9]+\])*)(\?\??)$")
_LINE_SPLIT = re.compile(r"^(\s*)([,;/%]|!!?|\?\??)?\s*(%{0,2}[\w\.\*]*)(.*?$|$)")
_ESCAPES = "!?%,;/"
# what any of IPython's escapes needs somewhere in the cell (most cells have none)
_MAYBE_SPECIAL = re.compile(r"(?m)^[ \t\f]*[!?%,;/]|\?[ \t]*$|=[ \t]*(?:%\w|!)")


@dataclass
class Cell:
    """One code cell after IPython's transformations (as many lines as the cell has).

    ``removed`` maps a 0-based line index to the prefix IPython strips before running it
    (the first line's indentation, ``>>>``/``In [1]:`` prompts), so user columns can be
    given back. ``writefile`` is the path a ``%%writefile`` cell writes (its ``lines`` are
    then blank: the body is another file), ``append`` its ``-a``.
    """

    lines: list[str]
    removed: dict[int, str] = field(default_factory=dict)
    writefile: str | None = None
    append: bool = False
    script: bool = False  # a ``%%python`` cell: its body (blank in ``lines``) is a script


def transform_cell(lines: list[str], shadowed: Callable[[str], bool] | None = None) -> Cell:
    """The cell of ``lines`` (no line endings) as IPython compiles it.

    ``shadowed(name)`` says whether the notebook binds ``name`` (then ``name args`` is not
    automagic); None means no name is bound.
    """
    out = list(lines)
    first = next((i for i, ln in enumerate(out) if ln and not ln.isspace()), None)
    if first is None:
        return Cell(out)
    removed: dict[int, str] = {}
    _strip_prefixes(out, first, removed)
    head = out[first]
    if head.startswith("%%") and not re.match(r"%%\w+\?", head):
        name, _, args = head[2:].rstrip().partition(" ")
        if name in PYTHON_CELL_MAGICS:
            body = transform_cell(out[first + 1 :], shadowed)
            for i, prefix in body.removed.items():
                removed[first + 1 + i] = removed.get(first + 1 + i, "") + prefix
            return Cell(["" for _ in out[: first + 1]] + body.lines, removed)
        blank = ["" for _ in out]
        if name in WRITEFILE_MAGICS:
            path, append = _writefile_target(args)
            if path is not None and path.endswith((".py", ".pyw")):
                return Cell(blank, removed, writefile=path, append=append)
        if name in SCRIPT_MAGICS or (name == "script" and _script_program(args) in SCRIPT_MAGICS):
            return Cell(blank, removed, script=True)
        return Cell(blank, removed)
    if _MAYBE_SPECIAL.search("\n".join(out)):
        _escaped_lines(out)
    if _single_line(out, first) and _automagic(out[first], shadowed):
        out[first] = NO_OP
    return Cell(out, removed)


def _strip_prefixes(lines: list[str], first: int, removed: dict[int, str]) -> None:
    """IPython's cleanup: the first line's indentation, then ``>>>`` and ``In [n]:`` prompts."""

    def strip(i: int, n: int) -> None:
        if n:
            removed[i] = removed.get(i, "") + lines[i][:n]
            lines[i] = lines[i][n:]

    m = _INDENT.match(lines[first])
    if m:
        space = m.group(0)
        for i in range(len(lines)):
            if lines[i].startswith(space):
                strip(i, len(space))
    second = next((i for i in range(first + 1, len(lines))), None)
    for prompt, initial in ((_CLASSIC_PROMPT, _CLASSIC_FIRST), (_IPYTHON_PROMPT, _IPYTHON_PROMPT)):
        if initial.match(lines[first]) or (second is not None and prompt.match(lines[second])):
            for i in range(first, len(lines)):
                p = prompt.match(lines[i])
                if p:
                    strip(i, p.end())


def _writefile_target(args: str) -> tuple[str | None, bool]:
    try:
        words = shlex.split(args)
    except ValueError:
        return None, False
    append = any(w in ("-a", "--append") for w in words)
    paths = [w for w in words if not w.startswith("-")]
    return (paths[-1] if paths else None), append


def _script_program(args: str) -> str | None:
    """The program a ``%%script`` cell runs (its first word that is not an option)."""
    try:
        words = shlex.split(args)
    except ValueError:
        return None
    program = next((w for w in words if not w.startswith("-")), None)
    return None if program is None else program.rsplit("/", 1)[-1]


def _escaped_lines(lines: list[str]) -> None:
    """Magics (``%x``), shell escapes (``!x``, ``x = !y``, ``x = %y``), help (``x?``, ``?x``)
    and autocall escapes (``/f x``, ``,f x``) where a statement can start: replaced in place by
    a no-op statement (continuation lines by blank lines)."""
    scanner = _LineScanner()
    start = 0  # where the logical line being scanned began
    i = 0
    while i < len(lines):
        line = lines[i]
        if not scanner.at_statement_start:
            scanner.feed(line)
            ends = scanner.at_statement_start or i == len(lines) - 1
            if ends and scanner.quote is None and "?" in line and _help_request(line):
                # ``f(a,`` / ``  b)?``: the help request is the whole logical line
                lines[start : i + 1] = [_indent(lines[start]) + NO_OP] + [""] * (i - start)
                scanner = _LineScanner()
            i += 1
            continue
        start = i
        stripped = line.lstrip(" \t\f")
        indent = line[: len(line) - len(stripped)]
        replacement: str | None = None
        if (stripped and stripped[0] in _ESCAPES) or ("?" in line and _help_request(line)):
            replacement = indent + (_python_line_magic(stripped) or NO_OP)
        else:
            lhs = _magic_assignment(stripped)
            if lhs is not None:
                replacement = indent + lhs + UNKNOWN_VALUE
        if replacement is None:
            scanner.feed(line)
            i += 1
            continue
        lines[i] = replacement
        while line.endswith("\\") and i + 1 < len(lines):  # the command continues
            i += 1
            line = lines[i]
            lines[i] = ""
        i += 1


def _python_line_magic(stripped: str) -> str | None:
    """``%time stmt`` as ``pass; stmt`` with ``stmt`` at its own columns, when ``stmt`` is
    one simple statement (``%timeit``: expressions only); None for any other magic."""
    m = _PYTHON_LINE_MAGIC.match(stripped)
    if m is None:
        return None
    takes_value = _PYTHON_LINE_MAGICS[m.group(1)]
    i = m.end()
    while takes_value is not None:  # options: ``-n 10 -r 3``, ``-q``
        option = re.match(r"[ \t]+-([a-zA-Z])(?=[ \t]|$)", stripped[i:])
        if option is None:
            break
        i += option.end()
        if option.group(1) in takes_value:
            value = re.match(r"[ \t]+\S+", stripped[i:])
            if value is None:
                return None
            i += value.end()
    while i < len(stripped) and stripped[i] in " \t":
        i += 1
    code = stripped[i:]
    try:
        body = ast.parse(code).body
    except (SyntaxError, ValueError):
        return None
    simple = len(body) >= 1 and not any(isinstance(s, _COMPOUND) for s in body)
    if not simple or (m.group(1) == "timeit" and not all(isinstance(s, ast.Expr) for s in body)):
        return None
    return "pass;".ljust(i) + code  # ``%time `` is never shorter than ``pass;``


_COMPOUND = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Match,
)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t\f"))]


def _help_request(line: str) -> bool:
    """``obj?``/``obj??`` ending the line (IPython: its last token is ``?``, so a comment
    after it, or a ``?`` inside a string or comment, is no help request)."""
    code = line.rstrip()
    if not code.endswith("?") or _LineScanner().feed(code) < len(code):
        return False
    return _HELP_END.search(code) is not None


def _magic_assignment(stripped: str) -> str | None:
    """``x = `` for ``x = %magic`` / ``x = !cmd`` (IPython's first ``=`` outside brackets)."""
    if "=" not in stripped or stripped.startswith("="):
        return None
    depth = 0
    quote: str | None = None
    i, n = 0, len(stripped)
    while i < n:
        c = stripped[i]
        if quote is not None:
            if c == "\\":
                i += 2
                continue
            if stripped.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
        elif c == "#":
            return None
        elif c in "'\"":
            quote = c * 3 if stripped.startswith(c * 3, i) else c
            i += len(quote)
            continue
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth = max(0, depth - 1)
        elif c == "=" and depth == 0:
            before = stripped[i - 1] if i else ""
            if before in "=<>!+-*/%&|^@:" or stripped[i + 1 : i + 2] == "=":
                i += 2 if stripped[i + 1 : i + 2] == "=" else 1
                continue
            rest = stripped[i + 1 :].lstrip(" \t")
            if re.match(r"%\w", rest) or (rest.startswith("!") and not rest.startswith("!=")):
                return stripped[: i + 1] + " "
            return None
        i += 1
    return None


def _single_line(lines: list[str], first: int) -> bool:
    """Whether IPython sees the cell as one line (only then does it apply automagic)."""
    rest = lines[first + 1 :]
    if rest and rest[-1] == "":
        rest = rest[:-1]
    return not rest


def _automagic(line: str, shadowed: Callable[[str], bool] | None) -> bool:
    """``ls ./data/``, ``pip install x``, ``cd dir``: a line magic written without ``%``."""
    m = _LINE_SPLIT.match(line)
    if m is None or m.group(2) or line.endswith("# PYTHON-MODE"):
        return False
    ifun, rest = m.group(3).strip(), m.group(4).lstrip()
    if not ifun or ifun not in MAGIC_NAMES or keyword.iskeyword(ifun):
        return False
    if rest[:1] in ("=", ","):
        return False
    return not (shadowed and shadowed(ifun))


class _LineScanner:
    """Tracks brackets, strings and backslash continuations across physical lines."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> int:
        """Scan ``line``; returns where its comment starts (its length when it has none)."""
        i, n = 0, len(line)
        comment = n
        while i < n:
            if self.quote is not None:
                end = _string_end(line, i, self.quote)
                if end < 0:
                    break
                i, self.quote = end, None
                continue
            m = _INTERESTING.search(line, i)
            if m is None:
                break
            c, i = m.group(), m.start()
            if c == "#":
                comment = i
                break
            if c in "'\"":
                self.quote = c * 3 if line.startswith(c * 3, i) else c
                i += len(self.quote)
                continue
            if c in "([{":
                self.depth += 1
            elif c in ")]}":
                self.depth = max(0, self.depth - 1)
            i += 1
        ends_backslash = comment == n and line.endswith("\\")
        if self.quote is not None and len(self.quote) == 1 and not ends_backslash:
            self.quote = None  # an unterminated one-line string: a syntax error, move on
        self.continued = ends_backslash and self.quote is None
        return comment


_INTERESTING = re.compile(r"[#'\"()\[\]{}]")


def _string_end(line: str, i: int, quote: str) -> int:
    """Where the string that ``quote`` opened ends in ``line`` (from ``i``); -1 if it goes on."""
    while True:
        j = line.find(quote, i)
        b = line.find("\\", i, j if j >= 0 else len(line))
        if b >= 0:
            i = b + 2
            continue
        return -1 if j < 0 else j + len(quote)
