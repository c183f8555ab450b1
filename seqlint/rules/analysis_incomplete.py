"""SEQ002: the analysis of a file was cut short somewhere, so a clean result is not a proof."""

from __future__ import annotations

from collections.abc import Iterator

from seqlint.analysis import Analysis
from seqlint.diagnostics import Diagnostic
from seqlint.rules.base import Example, Rule, register


@register
class AnalysisIncomplete(Rule):
    code = "SEQ002"
    name = "analysis-incomplete"
    severity = "warning"
    summary = (
        "seqlint stopped following the code at this point (a time or size budget ran out, or "
        "the code nests too deeply), so checks that depend on it may be missing."
    )
    why = (
        "seqlint reads your code within fixed budgets so that every file is checked in "
        "bounded time. Where a budget cuts the analysis short, what that code did is unknown: "
        "models it changed are not checked, and the rest of the file is analysed without it. "
        "Without this warning, a file whose analysis stopped early would look clean."
    )
    fix_doc = (
        "Nothing is wrong with the code itself. Move long computations (training loops, data "
        "preparation) into functions, or build the model before them, so the model's "
        "definition is followed to its end."
    )
    examples = (
        Example(
            "import keras\n\nmodel = keras.Sequential([keras.Input((4,))])\n"
            "for i in range(500):\n    model.add(keras.layers.Dense(4 + i % 3))\n",
            bad=True,
        ),
        Example(
            "import keras\n\nmodel = keras.Sequential([keras.Input((4,))])\n"
            "for units in (8, 4):\n    model.add(keras.layers.Dense(units))\n",
            bad=False,
        ),
    )

    def check(self, analysis: Analysis) -> Iterator[Diagnostic]:
        for cut in analysis.file.incomplete:
            yield self.diagnostic(cut.loc, f"analysis incomplete here: {cut.reason}")
