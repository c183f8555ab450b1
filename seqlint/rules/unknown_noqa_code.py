"""SEQ901 unknown-noqa-code: a ``# noqa`` comment names a seqlint code that does not exist."""

from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.ir import Loc
from seqlint.noqa import directives, looks_like_code
from seqlint.rules.base import Example, Rule, all_rules, find_rule, register


@register
class UnknownNoqaCode(Rule):
    code = "SEQ901"
    name = "unknown-noqa-code"
    severity = "warning"
    summary = "A `# noqa` comment names a `SEQ` code (or a rule name) that no seqlint rule has."
    why = (
        "A mistyped code suppresses nothing, silently: `# noqa: SEQ120` leaves the SEQ102 "
        "finding it meant to silence, and a rule renamed in a later release leaves comments "
        "that no longer mean anything. Codes of other tools (`E501`, `F401`) are left alone."
    )
    fix_doc = "Correct the code (`seqlint rules` lists them) or remove it from the comment."
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])"
            "  # noqa: SEQ999\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([layers.Dense(1)])  # noqa: SEQ101, E501\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for directive in directives(analysis.text):
            for token, start, end in directive.codes:
                hint = _unknown(token)
                if hint is None:
                    continue
                message = f"`# noqa` names {token}, which is not a seqlint rule{hint}"
                yield self.diagnostic(
                    Loc(directive.line, start + 1, directive.line, end + 1), message
                )


def _unknown(token: str) -> str | None:
    """None when ``token`` is fine (a rule, another tool's code, a word of explanation), else
    the "did you mean" tail of the message ("" when nothing is close)."""
    import difflib  # here: only a suggestion needs it

    if find_rule(token) is not None:
        return None
    is_ours = looks_like_code(token) and token[:3].upper() == "SEQ"
    names = [r.name for r in all_rules()]
    close_name = difflib.get_close_matches(token.lower(), names, n=1, cutoff=0.85)
    if not is_ours and not ("-" in token and close_name):
        return None
    if is_ours:
        close = _typo_of(token.upper(), [r.code for r in all_rules()])
        return f" (did you mean {close}?)" if close else ""
    return f" (did you mean {close_name[0]}?)"


def _typo_of(token: str, codes: list[str]) -> str | None:
    """The code ``token`` is one typo away from: two digits swapped, or one digit wrong."""
    same_length = [c for c in codes if len(c) == len(token)]

    def differ(code: str) -> int:
        return sum(a != b for a, b in zip(code, token, strict=True))

    swapped = [c for c in same_length if sorted(c) == sorted(token) and differ(c) == 2]
    wrong = [c for c in same_length if differ(c) == 1]
    found = swapped + wrong
    return found[0] if found else None
