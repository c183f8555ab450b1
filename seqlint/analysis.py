"""One file's extracted models together with their inferred shapes: what rules look at."""

from __future__ import annotations

import ast
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
    # its parse, for the fixes (see :func:`seqlint.fixes.shared_tree`)
    tree: ast.Module | None = None

    @classmethod
    def of(cls, file: FileIR, text: str = "") -> Analysis:
        names: Counter[str] = Counter()
        analysis = cls(file, text=text)
        for model in sorted(file.models, key=lambda m: m.order):
            analysis.shapes[model.uid] = infer(model, names)
        analysis._built_as_layers()
        return analysis

    def _built_as_layers(self) -> None:
        """A Sequential with no input of its own that another model uses as a layer is built
        by that model (``features`` in ``Sequential([Input(...), features, ...])``): give it
        the shapes it gets there, when every use feeds it the same shape."""
        received: dict[int, dict[tuple[int | None, ...], ModelShapes]] = {}
        for outer in self.shapes.values():
            for inner, shape, inferred in outer.nested:
                received.setdefault(inner.uid, {})[tuple(shape)] = inferred
        for model in self.file.models:
            own = self.shapes.get(model.uid)
            uses = received.get(model.uid, {})
            if own is None or own.input_source is not None or model.uncertain or len(uses) != 1:
                continue
            ((shape, built),) = uses.items()
            if len(built.layers) != len(own.layers):
                continue
            for mine, theirs in zip(own.layers, built.layers, strict=True):
                mine.input_shape, mine.output_shape = theirs.input_shape, theirs.output_shape
                mine.trainable, mine.non_trainable = theirs.trainable, theirs.non_trainable
                mine.error = theirs.error
            own.input_shape, own.input_source = shape, "nested"

    def models(self) -> list[tuple[ModelIR, ModelShapes]]:
        """Models that hold at least one entry, in summary order."""
        return [(m, self.shapes[m.uid]) for m in self.file.ordered_models() if m.entries]
