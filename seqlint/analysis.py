"""One file's extracted models together with their inferred shapes: what rules look at."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from seqlint.infer import ModelShapes, infer
from seqlint.ir import FileIR, ModelIR


@dataclass
class Analysis:
    file: FileIR
    shapes: dict[int, ModelShapes] = field(default_factory=dict)
    # the analysed text (notebook cells joined): fixes locate their edits in it
    text: str = ""

    @classmethod
    def of(cls, file: FileIR, text: str = "") -> Analysis:
        names: Counter[str] = Counter()
        analysis = cls(file, text=text)
        for model in sorted(file.models, key=lambda m: m.order):
            analysis.shapes[model.uid] = infer(model, names)
        return analysis

    def models(self) -> list[tuple[ModelIR, ModelShapes]]:
        """Models that hold at least one entry, in summary order."""
        return [(m, self.shapes[m.uid]) for m in self.file.ordered_models() if m.entries]
