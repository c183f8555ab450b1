"""Learning-rate schedules (``keras.optimizers.schedules``).

Keras evaluates a schedule from Python floats, which become float32 tensors: the learning rate a
schedule gives is a float32 value, whatever the model's dtype (``golden/optimizers/*expdecay``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy

_F = numpy.float32


class LearningRateSchedule:
    """Base class: ``schedule(step)`` gives the learning rate of the step (0-based)."""

    def __call__(self, step: Any) -> numpy.floating[Any]:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored if staircase)."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        if decay_steps <= 0:
            raise ValueError(
                f"Argument `decay_steps` must be > 0. Received: decay_steps={decay_steps}"
            )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> numpy.floating[Any]:
        p = _F(step) / _F(self.decay_steps)
        if self.staircase:
            p = numpy.floor(p)
        return _F(self.initial_learning_rate) * numpy.power(_F(self.decay_rate), p)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> numpy.floating[Any]:
        p = _F(step) / _F(self.decay_steps)
        if self.staircase:
            p = numpy.floor(p)
        return _F(self.initial_learning_rate) / (_F(1) + _F(self.decay_rate) * p)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``."""

    def __init__(
        self,
        boundaries: Sequence[float],
        values: Sequence[float],
        name: str = "PiecewiseConstant",
    ) -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries}, values={values}"
            )
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.name = name

    def __call__(self, step: Any) -> numpy.floating[Any]:
        s = float(step)
        for b, v in zip(self.boundaries, self.values, strict=False):
            if s <= b:
                return _F(v)
        return _F(self.values[-1])

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate``."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: Any) -> numpy.floating[Any]:
        s = _F(step)
        steps = _F(self.decay_steps)
        if self.cycle:
            mult = _F(1.0) if s == 0 else _F(math.ceil(s / steps))
            steps = steps * mult
        else:
            s = min(s, steps)
        frac = (_F(1) - s / steps) ** _F(self.power)
        start, end = _F(self.initial_learning_rate), _F(self.end_learning_rate)
        return (start - end) * frac + end

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """Cosine decay (with optional linear warmup) as ``keras.optimizers.schedules.CosineDecay``."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def __call__(self, step: Any) -> numpy.floating[Any]:
        s = _F(step)
        initial = _F(self.initial_learning_rate)
        warm = _F(self.warmup_steps)
        if self.warmup_target is not None and s < warm:
            target = _F(self.warmup_target)
            return (target - initial) * (s / warm) + initial
        start = initial if self.warmup_target is None else _F(self.warmup_target)
        s = min(s - warm, _F(self.decay_steps))
        done = s / _F(self.decay_steps)
        cos = _F(0.5) * (_F(1) + _F(numpy.cos(_F(math.pi) * done)))
        decayed = (_F(1) - _F(self.alpha)) * cos + _F(self.alpha)
        return start * decayed

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


_SCHEDULES: dict[str, type[LearningRateSchedule]] = {
    cls.__name__: cls
    for cls in (
        ExponentialDecay,
        InverseTimeDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        CosineDecay,
    )
}


def get(identifier: Any) -> LearningRateSchedule:
    """A schedule from an instance or a config dict
    ``{"class"|"class_name": ..., "config": ...}``."""
    if isinstance(identifier, LearningRateSchedule):
        return identifier
    if isinstance(identifier, dict):
        name = identifier.get("class", identifier.get("class_name"))
        cls = _SCHEDULES.get(str(name))
        if cls is not None:
            return cls.from_config(dict(identifier.get("config") or {}))
    raise ValueError(f"Could not interpret learning rate schedule: {identifier!r}")
