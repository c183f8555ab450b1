"""The shape of a rule: a stable code, a kebab-case name, a doc whose examples are tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar, NamedTuple

if TYPE_CHECKING:
    from seqlint.analysis import Analysis
    from seqlint.diagnostics import Diagnostic, Fix
    from seqlint.ir import Loc


class Example(NamedTuple):
    """A doc example: ``source`` is a whole file; ``bad`` examples must trigger the rule."""

    source: str
    bad: bool


class Rule:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[str] = "error"  # "error" | "warning"
    summary: ClassVar[str] = ""  # one line: what it flags
    why: ClassVar[str] = ""  # why it is wrong
    fix_doc: ClassVar[str] = ""  # how to fix it (and what --fix does, if anything)
    examples: ClassVar[tuple[Example, ...]] = ()
    default: ClassVar[bool] = True  # selected unless the user narrows the selection
    fixable: ClassVar[bool] = False

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        raise NotImplementedError

    def diagnostic(
        self,
        loc: Loc,
        message: str,
        *,
        trace: list[tuple[str, str]] | None = None,
        suggestion: str | None = None,
        fix: Fix | None = None,
    ) -> Diagnostic:
        """A finding of this rule at ``loc`` (coordinates of the analysed text)."""
        from seqlint.diagnostics import Diagnostic, Span

        span = Span(loc.line, loc.column, loc.end_line, loc.end_column)
        return Diagnostic(
            self.code,
            self.name,
            message,
            self.severity,
            span,
            fix=fix,
            trace=trace or [],
            suggestion=suggestion,
        )

    @classmethod
    def doc(cls) -> str:
        """The rule's documentation as ``seqlint rule CODE`` prints it (Markdown)."""
        parts = [f"# {cls.name} ({cls.code})", "", f"## What it does\n{cls.summary}", ""]
        if cls.why:
            parts += [f"## Why is this bad?\n{cls.why}", ""]
        for ex in cls.examples:
            title = "Example" if ex.bad else "Use instead"
            parts += [f"## {title}", "```python", ex.source.rstrip(), "```", ""]
        if cls.fix_doc:
            parts += [f"## Fix\n{cls.fix_doc}", ""]
        parts.append(f"Severity: {cls.severity}. Fix available: {'yes' if cls.fixable else 'no'}.")
        return "\n".join(parts)


_RULES: dict[str, Rule] = {}


def register(cls: type[Rule]) -> type[Rule]:
    rule = cls()
    if cls.code in _RULES or any(r.name == cls.name for r in _RULES.values()):
        raise ValueError(f"rule {cls.code} {cls.name} registered twice")
    _RULES[cls.code] = rule
    return cls


def all_rules() -> list[Rule]:
    """Every rule, ordered by code."""
    return [r for _, r in sorted(_RULES.items())]


def find_rule(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    for r in _RULES.values():
        if key.upper() == r.code or key.lower() == r.name:
            return r
    return None
