"""Weight regularizers (``keras.regularizers``) with their gradients.

A layer's ``kernel_regularizer=``/``bias_regularizer=``/... penalty is added to the model's loss
(and to the logged ``loss``) by :class:`~seqlint.runtime.model.Sequential`, like Keras's
``model.losses``. Keras stores the factors as float32 tensors, so in a float64 model they are
float32-rounded (``L2(0.01)`` multiplies by ``float32(0.01)``).
"""

from __future__ import annotations

from typing import Any

import numpy

from seqlint.runtime.backend import get_array_module


def _factor(value: float, dtype: Any) -> Any:
    return numpy.dtype(dtype).type(numpy.float32(value))


def _check(value: Any, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not numpy.isfinite(value)
        or value < 0
    ):
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float. "
            f"Received: {name}={value}"
        )
    return float(value)


class Regularizer:
    """Base class: ``penalty = regularizer(w)``, ``gradient(w)`` = d penalty / d w."""

    def __call__(self, x: Any) -> Any:
        return x.dtype.type(0)

    def gradient(self, x: Any) -> Any:
        return get_array_module(x).zeros_like(x)

    def get_config(self) -> dict[str, Any]:
        return {}


class L1L2(Regularizer):
    """``l1 * sum(|w|) + l2 * sum(w**2)``."""

    def __init__(self, l1: float | None = 0.0, l2: float | None = 0.0) -> None:
        self.l1 = _check(0.0 if l1 is None else l1, "l1")
        self.l2 = _check(0.0 if l2 is None else l2, "l2")

    def __call__(self, x: Any) -> Any:
        xp = get_array_module(x)
        value = x.dtype.type(0)
        if self.l1:
            value = value + _factor(self.l1, x.dtype) * xp.abs(x).sum()
        if self.l2:
            value = value + _factor(self.l2, x.dtype) * (x * x).sum()
        return value

    def gradient(self, x: Any) -> Any:
        xp = get_array_module(x)
        grad = xp.zeros_like(x)
        if self.l1:
            grad = grad + _factor(self.l1, x.dtype) * xp.sign(x)
        if self.l2:
            grad = grad + 2 * _factor(self.l2, x.dtype) * x
        return grad

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    def __init__(self, l1: float | None = 0.01) -> None:
        super().__init__(l1=0.01 if l1 is None else l1, l2=0.0)

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


class L2(L1L2):
    def __init__(self, l2: float | None = 0.01) -> None:
        super().__init__(l1=0.0, l2=0.01 if l2 is None else l2)

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


l1 = L1
l2 = L2
l1_l2 = L1L2

_CLASSES: dict[str, type[Regularizer]] = {"L1": L1, "L2": L2, "L1L2": L1L2}
# Keras looks names up case-sensitively among the class names and their snake_case forms;
# ``"l1l2"`` is ``L1L2()`` (no penalty) and ``"l1_l2"`` is not a name at all.
_BY_NAME: dict[str, type[Regularizer]] = {**_CLASSES, "l1": L1, "l2": L2, "l1l2": L1L2}


def get(identifier: Any) -> Regularizer | None:
    """A regularizer from ``None``, an instance, a name (``"l2"``, ``"L1"``: the class defaults,
    0.01 for L1/L2 and 0 for L1L2), a config dict, or an object with ``l1``/``l2`` attributes
    (e.g. a Keras regularizer)."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str):
        cls_ = _BY_NAME.get(identifier)
        if cls_ is None:
            raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")
        return cls_()
    if isinstance(identifier, dict):
        name = identifier.get("class_name", identifier.get("class"))
        cls = _CLASSES.get(str(name))
        if cls is None:
            raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")
        return cls(**dict(identifier.get("config") or {}))
    l1_value = getattr(identifier, "l1", None)
    l2_value = getattr(identifier, "l2", None)
    if l1_value is not None or l2_value is not None:
        return L1L2(float(l1_value or 0.0), float(l2_value or 0.0))
    raise ValueError(
        f"Could not interpret regularizer identifier: {identifier!r} (the runtime needs a "
        "gradient: use L1, L2 or L1L2)"
    )
