"""``# noqa`` comments: per line (all codes, or ``# noqa: SEQ101, missing-flatten``) and per
file (``# seqlint: noqa`` on a line of its own, optionally with codes).

Syntax errors (``SEQ001``) cannot be suppressed: a file that does not parse has no reliable
comments.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from seqlint.diagnostics import Diagnostic
from seqlint.sources import SourceFile

SYNTAX_ERROR_CODE = "SEQ001"

# A code or rule name; a list of them is separated by commas and/or spaces.
_TOKEN = r"[A-Za-z][\w-]*"
_CODES = rf"(?P<codes>{_TOKEN}(?:\s*,\s*{_TOKEN}|\s+{_TOKEN})*)"
_LINE_NOQA = re.compile(rf"#\s*noqa(?![\w-])(?:\s*:\s*{_CODES}?)?", re.IGNORECASE)
_FILE_NOQA = re.compile(rf"#\s*seqlint\s*:\s*noqa(?![\w-])(?:\s*:\s*{_CODES}?)?", re.IGNORECASE)
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
            m = _FILE_NOQA.match(comment)
            if m:
                codes = parse_codes(m.group("codes"), resolve)
                if codes is None:
                    index.file_all = True
                else:
                    file_codes |= codes
                continue
        m = _LINE_NOQA.search(comment)
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
    """(line, comment text from ``#``, whether the comment is alone on its line) for ``text``.

    Uses the tokenizer; on text it cannot tokenize, falls back to a per-line scan that skips
    quoted strings on the same line.
    """
    out: list[tuple[int, str, bool]] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                own = tok.line[: tok.start[1]].strip() == ""
                out.append((tok.start[0], tok.string, own))
        return out
    except (tokenize.TokenError, SyntaxError):
        pass
    out = []
    for n, line in enumerate(text.split("\n"), start=1):
        col = _comment_start(line)
        if col is not None:
            out.append((n, line[col:], line[:col].strip() == ""))
    return out


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
