"""ANSI styling for the text reports, without importing click (a one-file ``check`` does not
load it). The escape codes are the ones ``click.style`` writes, so colour output is unchanged."""

from __future__ import annotations

_COLORS = {"red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36}
_RESET = "\033[0m"


def style(text: str, *, fg: str | None = None, bold: bool | None = None) -> str:
    """``text`` in colour ``fg`` (a name of :data:`_COLORS`) and/or bold, then a reset."""
    bits = []
    if fg is not None:
        bits.append(f"\033[{_COLORS[fg]}m")
    if bold is not None:
        bits.append(f"\033[{1 if bold else 22}m")
    return "".join(bits) + text + _RESET
