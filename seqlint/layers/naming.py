"""Names and shape text shared by the checker and the runtime (a leaf: imports nothing of
seqlint), so that the runtime never loads the checker to name a layer or print a shape."""

from __future__ import annotations

import re

from seqlint.layers.base import Shape


def snake_case(name: str) -> str:
    """Keras's automatic layer names: ``MaxPooling2D`` → ``max_pooling2d``."""
    s = re.sub(r"\W+", "", name)
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", s)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s)
    return s.lower()


def format_shape(shape: Shape | None) -> str:
    """``(None, 28, 28, 1)`` as Keras prints it; ``?`` for an unknown rank."""
    if shape is None:
        return "?"
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"
