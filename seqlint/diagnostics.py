"""What a check produces: findings with locations, and the edits that fix them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Span(NamedTuple):
    """A source range: 1-based lines, 1-based columns (end exclusive), as ruff reports them.

    For notebooks ``cell`` is the 1-based code-cell number and lines count within that cell.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    cell: int | None = None


class Edit(NamedTuple):
    """Replace ``span`` of the file with ``content`` (insertion when the span is empty)."""

    span: Span
    content: str


class Fix(NamedTuple):
    message: str
    edits: tuple[Edit, ...]
    safe: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "applicability": "safe" if self.safe else "unsafe",
            "edits": [
                {
                    "content": e.content,
                    "location": {"row": e.span.line, "column": e.span.column},
                    "end_location": {"row": e.span.end_line, "column": e.span.end_column},
                }
                for e in self.edits
            ],
        }


SAFE_MARKER = "[*]"
UNSAFE_MARKER = "[~]"
NO_FIX_MARKER = "[ ]"


def fix_marker(fix: Fix | None) -> str:
    """The marker every text report puts after a code: ``[*]`` a safe fix (``--fix``), ``[~]``
    an unsafe one only (``--fix --unsafe-fixes``), ``""`` none."""
    if fix is None:
        return ""
    return SAFE_MARKER if fix.safe else UNSAFE_MARKER


#: The colour of each severity in text reports (warnings must not look like errors).
SEVERITY_COLORS = {"error": "red", "warning": "yellow"}


@dataclass
class Diagnostic:
    code: str  # e.g. "SEQ101"
    name: str  # kebab-case slug, e.g. "missing-flatten"
    message: str
    severity: str  # "error" | "warning"
    span: Span
    path: str = ""
    fix: Fix | None = None
    # The shape trace that proves the finding: (layer label, output shape text) pairs.
    trace: list[tuple[str, str]] = field(default_factory=list)
    suggestion: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.span.cell or 0, self.span.line, self.span.column, self.code)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "severity": self.severity,
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "fix": self.fix.to_json() if self.fix else None,
        }
        if self.span.cell is not None:
            out["cell"] = self.span.cell
        if self.trace:
            out["trace"] = [{"layer": a, "output_shape": b} for a, b in self.trace]
        if self.suggestion:
            out["suggestion"] = self.suggestion
        return out
