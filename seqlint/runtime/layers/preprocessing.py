"""Rescaling: ``x * scale + offset``. Keras casts ``scale`` and ``offset`` through float32
(``ops.cast`` of a Python float), so ``1/255`` is ``0.003921568859368563`` even in float64."""

from __future__ import annotations

from typing import Any

import numpy

from seqlint.runtime.layers.base import Array, RuntimeLayer


def _through_float32(xp: Any, value: Any, dtype: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(numpy.float32(value))
    return xp.asarray(numpy.asarray(value, dtype=numpy.float32), dtype=dtype)


class Rescaling(RuntimeLayer):
    class_name = "Rescaling"

    def _constants(self) -> tuple[Any, Any]:
        return (
            _through_float32(self.xp, self.get("scale"), self.dtype),
            _through_float32(self.xp, self.get("offset", 0.0), self.dtype),
        )

    def forward(self, x: Array, training: bool = False) -> Array:
        scale, offset = self._constants()
        return self.cast_input(x) * scale + offset

    def backward(self, dy: Array) -> Array:
        scale, _ = self._constants()
        return dy * scale
