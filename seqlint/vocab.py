"""Words shared by the checker and the runtime, with no dependencies: how shapes, sizes and
automatic layer names are written. A leaf module, so the runtime never loads the checker."""

from __future__ import annotations

import re
from collections.abc import Sequence


def format_shape(shape: Sequence[int | None] | None) -> str:
    """``(None, 64)`` as Keras prints it; ``?`` when the shape is unknown."""
    if shape is None:
        return "?"
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def readable_size(n_bytes: float) -> str:
    """Keras's memory size: ``2.50 KB``."""
    for unit in ("B", "KB", "MB", "GB"):
        if n_bytes < 1024:
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
    return f"{n_bytes:.2f} TB"


def snake_case(name: str) -> str:
    """Keras's automatic layer names: ``MaxPooling2D`` → ``max_pooling2d``."""
    s = re.sub(r"\W+", "", name)
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", s)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s)
    return s.lower()
