from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.rules.base import Example, Rule, register


@register
class SyntaxErrorRule(Rule):
    code = "SEQ001"
    name = "syntax-error"
    summary = "The file cannot be read or parsed as Python 3, so nothing in it was checked."
    why = (
        "seqlint never runs your code: it reads it. A file that does not parse (a Python 2 "
        "`print` statement, a typo, a binary file, a notebook whose JSON is broken) hides every "
        "model in it from the checker."
    )
    fix_doc = "Fix the syntax error, or exclude the file (`extend-exclude` in `[tool.seqlint]`)."
    examples = (
        Example('import keras\n\nprint "training"\n', bad=True),
        Example('import keras\n\nprint("training")\n', bad=False),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        return iter(())  # reported by the pipeline when parsing fails
