"""Weight constraints (``keras.constraints``), applied to a variable after each optimizer step
(``kernel_constraint=``, ``bias_constraint=``, ...; see :class:`~seqlint.runtime.model.Sequential`).
"""

from __future__ import annotations

from typing import Any

from seqlint.runtime.backend import get_array_module

EPSILON = 1e-7


class Constraint:
    """Base class: ``constraint(w)`` returns the projected weights."""

    def __call__(self, w: Any) -> Any:
        return w

    def get_config(self) -> dict[str, Any]:
        return {}


def _norms(w: Any, axis: Any) -> Any:
    xp = get_array_module(w)
    return xp.sqrt((w * w).sum(axis=axis, keepdims=True))


class MaxNorm(Constraint):
    def __init__(self, max_value: float = 2.0, axis: Any = 0) -> None:
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        xp = get_array_module(w)
        norms = _norms(w, self.axis)
        desired = xp.clip(norms, 0, self.max_value)
        return w * (desired / (EPSILON + norms))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    def __call__(self, w: Any) -> Any:
        return get_array_module(w).maximum(w, 0)  # like Keras: +0.0, never -0.0


class UnitNorm(Constraint):
    def __init__(self, axis: Any = 0) -> None:
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        return w / (EPSILON + _norms(w, self.axis))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    def __init__(
        self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0
    ) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        xp = get_array_module(w)
        norms = _norms(w, self.axis)
        desired = (
            self.rate * xp.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        )
        return w * (desired / (EPSILON + norms))

    def get_config(self) -> dict[str, Any]:
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

_CLASSES: dict[str, type[Constraint]] = {
    "MaxNorm": MaxNorm,
    "NonNeg": NonNeg,
    "UnitNorm": UnitNorm,
    "MinMaxNorm": MinMaxNorm,
    "max_norm": MaxNorm,
    "non_neg": NonNeg,
    "unit_norm": UnitNorm,
    "min_max_norm": MinMaxNorm,
}


def get(identifier: Any) -> Constraint | None:
    """A constraint from ``None``, an instance, a name (``"max_norm"``), a config dict, or a
    callable ``w -> w``."""
    if identifier is None or isinstance(identifier, Constraint):
        return identifier
    if isinstance(identifier, str):
        cls = _CLASSES.get(identifier)
        if cls is None:
            raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")
        return cls()
    if isinstance(identifier, dict):
        cls = _CLASSES.get(str(identifier.get("class_name", identifier.get("class"))))
        if cls is None:
            raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")
        return cls(**dict(identifier.get("config") or {}))
    if callable(identifier):
        return _Callable(identifier)
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")


class _Callable(Constraint):
    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def __call__(self, w: Any) -> Any:
        return self.fn(w)
