"""``# noqa`` comments: per line (all codes, or ``# noqa: SEQ101, missing-flatten``) and per
file (``# seqlint: noqa`` on a line of its own, optionally with codes).

Syntax errors (``SEQ001``) cannot be suppressed: a file that does not parse has no reliable
comments.
"""

from __future__ import annotations

import functools
import io
import re
import tokenize
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from seqlint.diagnostics import Diagnostic, Edit, Span
from seqlint.sources import SourceFile

SYNTAX_ERROR_CODE = "SEQ001"

# A code or rule name; a list of them is separated by commas and/or spaces.
_TOKEN = r"[A-Za-z][\w-]*"
_CODES = rf"(?P<codes>{_TOKEN}(?:\s*,\s*{_TOKEN}|\s+{_TOKEN})*)"


@functools.cache
def _line_noqa() -> re.Pattern[str]:
    # compiled when a file has a comment to read: a case-insensitive pattern costs ~1 ms
    return re.compile(rf"#\s*noqa(?![\w-])(?:\s*:\s*{_CODES}?)?", re.IGNORECASE)


@functools.cache
def _file_noqa() -> re.Pattern[str]:
    return re.compile(rf"#\s*seqlint\s*:\s*noqa(?![\w-])(?:\s*:\s*{_CODES}?)?", re.IGNORECASE)


_CODE_SHAPE = re.compile(r"[A-Za-z]+[0-9]+\Z")

Resolver = Callable[[str], "str | None"]


@dataclass
class NoqaIndex:
    """The noqa directives of one file, in ``SourceFile.text`` line numbers.

    ``lines[n]`` is None for a blanket ``# noqa`` on line n, else the set of codes it names.
    """

    lines: dict[int, frozenset[str] | None] = field(default_factory=dict)
    file_all: bool = False
    file_codes: frozenset[str] = frozenset()

    def suppresses(self, code: str, lines: Iterable[int]) -> bool:
        if code == SYNTAX_ERROR_CODE:
            return False
        if self.file_all or code in self.file_codes:
            return True
        for n in lines:
            if n in self.lines:
                codes = self.lines[n]
                if codes is None or code in codes:
                    return True
        return False


def default_resolver(token: str) -> str | None:
    """A rule code for a noqa token: a registered code or name, else anything shaped like a
    code (``SEQ123``), upper-cased. Other words (explanations) resolve to None."""
    from seqlint.rules.base import find_rule

    rule = find_rule(token)
    if rule is not None:
        return rule.code
    return token.upper() if _CODE_SHAPE.match(token) else None


def parse_codes(text: str | None, resolve: Resolver) -> frozenset[str] | None:
    """None (all codes) when ``text`` is None, else the codes it names (unknown words dropped)."""
    if text is None:
        return None
    out = {resolve(tok) for tok in re.split(r"[\s,]+", text) if tok}
    return frozenset(c for c in out if c)


def build_index(text: str, resolve: Resolver | None = None) -> NoqaIndex:
    """Find the noqa directives in Python ``text`` (comments only, not strings)."""
    resolve = resolve or default_resolver
    index = NoqaIndex()
    if "noqa" not in text.lower():
        return index
    file_codes: set[str] = set()
    for line, comment, own_line in comments(text):
        if own_line:
            m = _file_noqa().match(comment)
            if m:
                codes = parse_codes(m.group("codes"), resolve)
                if codes is None:
                    index.file_all = True
                else:
                    file_codes |= codes
                continue
        m = _line_noqa().search(comment)
        if m:
            codes = parse_codes(m.group("codes"), resolve)
            previous = index.lines.get(line, frozenset())
            if codes is None or previous is None:
                index.lines[line] = None
            else:
                index.lines[line] = previous | codes
    index.file_codes = frozenset(file_codes)
    return index


def comments(text: str) -> list[tuple[int, str, bool]]:
    """(line, comment text from ``#``, whether the comment is alone on its line) for ``text``."""
    return [(line, comment, own) for line, _, comment, own in located_comments(text)]


def located_comments(text: str) -> list[tuple[int, int, str, bool]]:
    """(line, 0-based column of ``#``, comment text, alone on its line) for ``text``.

    Uses the tokenizer; on text it cannot tokenize, falls back to a per-line scan that skips
    quoted strings on the same line.
    """
    out: list[tuple[int, int, str, bool]] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                own = tok.line[: tok.start[1]].strip() == ""
                out.append((tok.start[0], tok.start[1], tok.string, own))
        return out
    except (tokenize.TokenError, SyntaxError):
        pass
    out = []
    for n, line in enumerate(text.split("\n"), start=1):
        col = _comment_start(line)
        if col is not None:
            out.append((n, col, line[col:], line[:col].strip() == ""))
    return out


class Directive(NamedTuple):
    """One noqa comment, located: what the hygiene rules and ``--add-noqa`` work on.

    Columns are 0-based offsets in line ``line`` of the text; ``codes`` holds each named token
    with its columns (empty for a blanket ``# noqa``)."""

    line: int
    start: int  # the ``#`` of the directive
    end: int  # just after the directive (its codes included)
    file_level: bool
    blanket: bool
    codes: tuple[tuple[str, int, int], ...] = ()


def directives(text: str) -> list[Directive]:
    """Every noqa directive of Python ``text`` (comments only, not strings)."""
    if "noqa" not in text.lower():
        return []
    out: list[Directive] = []
    for line, col, comment, own in located_comments(text):
        m = _file_noqa().match(comment) if own else None
        file_level = m is not None
        if m is None:
            m = _line_noqa().search(comment)
        if m is None:
            continue
        codes: list[tuple[str, int, int]] = []
        if m.group("codes") is not None:
            base = col + m.start("codes")
            for tok in re.finditer(r"[^\s,]+", m.group("codes")):
                codes.append((tok.group(), base + tok.start(), base + tok.end()))
        out.append(
            Directive(
                line=line,
                start=col + m.start(),
                end=col + m.end(),
                file_level=file_level,
                blanket=m.group("codes") is None,
                codes=tuple(codes),
            )
        )
    return out


def looks_like_code(token: str) -> bool:
    """Whether a noqa token is shaped like a rule code (``SEQ123``, ``E501``)."""
    return _CODE_SHAPE.match(token) is not None


def _comment_start(line: str) -> int | None:
    quote: str | None = None
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if line.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
        elif c == "#":
            return i
        elif c in "'\"":
            quote = c * 3 if line.startswith(c * 3, i) else c
            i += len(quote)
            continue
        i += 1
    return None


def diagnostic_lines(src: SourceFile, diag: Diagnostic) -> tuple[int, ...]:
    """The ``text`` lines on which a noqa comment covers ``diag``: its first and last line."""
    start = src.text_line(diag.span.line, diag.span.cell)
    end = src.text_line(diag.span.end_line, diag.span.cell)
    return (start,) if end == start else (start, end)


def apply_noqa(
    src: SourceFile, diagnostics: Sequence[Diagnostic], resolve: Resolver | None = None
) -> list[Diagnostic]:
    """``diagnostics`` less those suppressed by noqa comments in ``src``."""
    if not diagnostics:
        return []
    index = build_index(src.text, resolve)
    if not index.lines and not index.file_all and not index.file_codes:
        return list(diagnostics)
    return [d for d in diagnostics if not index.suppresses(d.code, diagnostic_lines(src, d))]


# --------------------------------------------------------------------------------------------
# --add-noqa


def _unsafe_line_ends(text: str) -> set[int]:
    """Lines whose end is inside a string (or continued by a backslash): a comment appended
    there would change the string or break the code."""
    out: set[int] = set()
    lines = text.split("\n")
    for n, line in enumerate(lines, start=1):
        if line.rstrip().endswith("\\"):
            out.add(n)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.STRING or tok.type in _FSTRING_TOKENS:
                out.update(range(tok.start[0], tok.end[0]))
    except (tokenize.TokenError, SyntaxError):
        return set(range(1, len(lines) + 1))
    return out


_FSTRING_TOKENS = {
    getattr(tokenize, name)
    for name in ("FSTRING_MIDDLE", "TSTRING_MIDDLE")
    if hasattr(tokenize, name)
}


def add_noqa_edits(src: SourceFile, diagnostics: Sequence[Diagnostic]) -> tuple[list[Edit], int]:
    """Edits that add ``# noqa: CODES`` for ``diagnostics`` on their first line (their last
    line when the first ends inside a string), extending a ``# noqa: ...`` already there;
    and how many findings got no directive (a syntax error, or no safe place for a comment).
    Edits are in user coordinates, like fixes.

    A finding in a ``%%writefile`` cell is placed by the file that cell writes (in the
    notebook's own text those lines are blank: a comment would land before the code and
    turn it into a comment)."""
    owner = {cell: sub for sub in src.written for cell in sub.cell_numbers or ()}
    if not owner:
        return _noqa_edits(src, diagnostics)
    groups: dict[int, tuple[SourceFile, list[Diagnostic]]] = {}
    for d in diagnostics:
        sub = owner.get(d.span.cell) if d.span.cell is not None else None
        holder = src if sub is None else sub
        groups.setdefault(id(holder), (holder, []))[1].append(d)
    edits: list[Edit] = []
    skipped = 0
    for holder, found in groups.values():
        more, missed = _noqa_edits(holder, found)
        edits.extend(more)
        skipped += missed
    return edits, skipped


def _noqa_edits(src: SourceFile, diagnostics: Sequence[Diagnostic]) -> tuple[list[Edit], int]:
    """:func:`add_noqa_edits` for findings that all lie in the text of ``src``."""
    wanted: dict[int, set[str]] = {}
    skipped = 0
    unsafe = _unsafe_line_ends(src.text)
    for d in diagnostics:
        if d.code == SYNTAX_ERROR_CODE:
            skipped += 1
            continue
        start, end = diagnostic_lines(src, d)[0], diagnostic_lines(src, d)[-1]
        target = next((n for n in (start, end) if n not in unsafe), None)
        if target is None:
            skipped += 1
            continue
        wanted.setdefault(target, set()).add(d.code)
    existing = {d.line: d for d in directives(src.text) if not d.file_level}
    edits: list[Edit] = []
    for n, codes in sorted(wanted.items()):
        cell, rel = src.locate(n)
        shift = len(src.shifted.get(n, ""))
        directive = existing.get(n)
        if directive is not None:
            if directive.blanket:
                continue
            named = {resolve for tok, _, _ in directive.codes if (resolve := default_resolver(tok))}
            new = sorted(codes - named)
            if not new:
                continue
            # after the last code, before any words of explanation
            named_ends = [
                end
                for tok, _, end in directive.codes
                if looks_like_code(tok) or default_resolver(tok)
            ]
            col = (named_ends[-1] if named_ends else directive.end) + shift + 1
            edits.append(Edit(Span(rel, col, rel, col, cell), ", " + ", ".join(new)))
            continue
        col = len(src.lines[n - 1].rstrip()) + shift + 1
        edits.append(Edit(Span(rel, col, rel, col, cell), f"  # noqa: {', '.join(sorted(codes))}"))
    return edits, skipped
