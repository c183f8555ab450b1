"""Making text from a file (paths, messages quoting its strings, code frames) safe to print.

A file named ``evil\\n::warning file=x::pwned\\n.py``, or a string literal holding a newline or
a terminal escape, must not start a line of its own in a CI log (GitHub Actions runs
``::command::`` lines from any step's output) nor drive the terminal. So control characters,
Unicode line and paragraph separators and bidirectional overrides are shown as Python
escapes (``\\n``, ``\\x1b``, ``\\u202e``); everything else is printed as it is.
"""

from __future__ import annotations

import functools
import re

_UNSAFE = "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def visible(text: str) -> str:
    """``text`` with every character that could break a line or drive a terminal escaped."""
    if text.isprintable():  # none of _UNSAFE is printable: most text needs no regex
        return text
    return _unsafe().sub(_escape, text)


@functools.cache
def _unsafe() -> re.Pattern[str]:
    return re.compile(_UNSAFE)
