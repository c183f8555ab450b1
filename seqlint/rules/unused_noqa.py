"""SEQ902 unused-noqa: a ``# noqa: SEQ...`` comment that suppresses nothing (opt-in)."""

from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic, Edit, Fix, Span
from seqlint.ir import Loc
from seqlint.noqa import Directive, directives, looks_like_code
from seqlint.rules.base import Example, Rule, all_rules, find_rule, register

# The noqa hygiene rules themselves: a finding of theirs never makes a directive used.
_HYGIENE = ("SEQ901", "SEQ902")


@register
class UnusedNoqa(Rule):
    code = "SEQ902"
    name = "unused-noqa"
    severity = "warning"
    default = False
    fixable = True
    summary = "A `# noqa` comment names a seqlint code that reports nothing on its line."
    why = (
        "A suppression outlives the finding it silenced: once the model is fixed (or the rule "
        "got smarter), the comment only hides the next real problem on that line. Whether the "
        "rule is selected does not matter: a code is used when its rule finds something there. "
        "Blanket `# noqa` comments and other tools' codes are left alone, since other linters "
        "read them too."
    )
    fix_doc = (
        "The safe fix removes the unused codes, or the whole directive when none is left. "
        "Opt in with `--extend-select SEQ902`."
    )
    examples = (
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])"
            "  # noqa: SEQ101\n",
            bad=True,
        ),
        Example(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([layers.Dense(1)])  # noqa: SEQ101\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        found = [d for d in directives(analysis.text) if not d.file_level and not d.blanket]
        if not found:
            return
        used = _reported_lines(analysis)
        lines = analysis.text.split("\n")
        for directive in found:
            here = used.get(directive.line, set())
            unused = [
                tok
                for tok, _, _ in directive.codes
                if (rule := find_rule(tok)) is not None
                and rule.code not in _HYGIENE
                and rule.code not in here
            ]
            if not unused:
                continue
            line = lines[directive.line - 1]
            loc = Loc(directive.line, directive.start + 1, directive.line, directive.end + 1)
            message = f"unused `noqa` directive (nothing reported here: {', '.join(unused)})"
            yield self.diagnostic(loc, message, fix=_fix(directive, line, set(unused)))


def _reported_lines(analysis: Analysis) -> dict[int, set[str]]:
    """Codes every other rule reports, by the lines a noqa comment covers (first and last)."""
    out: dict[int, set[str]] = {}
    for rule in all_rules():
        if rule.code in _HYGIENE:
            continue
        for d in rule.check(analysis):
            for n in {d.span.line, d.span.end_line}:
                out.setdefault(n, set()).add(rule.code)
    return out


def _fix(directive: Directive, line: str, unused: set[str]) -> Fix:
    """Remove the unused codes (their separators with them), or the whole directive when no
    code is left; words of explanation go with the directive."""
    n = directive.line
    codes = directive.codes
    left = [t for t, _, _ in codes if t not in unused and (looks_like_code(t) or find_rule(t))]
    if left:
        parts: list[list[str]] = []  # [token, separator after it]
        for i, (tok, _, end) in enumerate(codes):
            sep = line[end : codes[i + 1][1]] if i + 1 < len(codes) else ""
            if tok not in unused:
                parts.append([tok, sep])
            elif parts:  # the kept token before takes the separator that followed this one
                parts[-1][1] = sep
        text = "".join(tok + sep for tok, sep in parts).rstrip(", \t")
        edit = Edit(Span(n, codes[0][1] + 1, n, codes[-1][2] + 1), text)
        return Fix(f"Remove unused code{'s' if len(unused) > 1 else ''} from `noqa`", (edit,))
    rest = line[directive.end :].strip()
    if rest:  # more comment after the directive: keep a ``#`` for it
        edit = Edit(Span(n, directive.start + 1, n, directive.end + 1), "#")
        return Fix("Remove unused `noqa` directive", (edit,))
    start = directive.start
    while start > 0 and line[start - 1] in " \t":
        start -= 1
    return Fix("Remove unused `noqa` directive", (Edit(Span(n, start + 1, n, len(line) + 1), ""),))
