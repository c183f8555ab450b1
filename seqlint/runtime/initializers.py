"""Keras's weight initializers (same distributions, same fan rules).

An initializer is called as ``init(shape, dtype, xp, rng)`` (see ``Layer.add_weight``): it draws
with the NumPy generator ``rng`` on the host, casts to ``dtype`` and hands the array to the array
module ``xp``, so NumPy and CuPy runs draw the same numbers for the same seed.

``get`` accepts what Keras accepts: a name (``"glorot_uniform"``, ``"GlorotUniform"``,
``"uniform"``), a serialisation dict (``{"class_name": "RandomNormal", "config": {...}}``), an
initializer object, or a callable (called as ``fn(shape, dtype, xp, rng)`` when it takes four
arguments, else ``fn(shape, dtype)``).
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import numpy

Array = Any
Shape = tuple[int, ...]

# stddev of a unit normal truncated to [-2, 2] (Keras's VarianceScaling correction)
_TRUNCATED_STD = 0.87962566103423978


def compute_fans(shape: Sequence[int]) -> tuple[int, int]:
    """Keras's ``compute_fans``: conv kernels ``(*k, in, out)`` multiply both fans by the
    receptive field size."""
    shape = tuple(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _truncated_normal(rng: numpy.random.Generator, shape: Shape, mean: float, std: float) -> Any:
    """Normal samples re-drawn until they fall within two standard deviations."""
    out = rng.standard_normal(shape)
    bad = numpy.abs(out) > 2
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = numpy.abs(out) > 2
    return mean + std * out


class Initializer:
    """Base class: subclasses implement :meth:`sample` (a float64 NumPy array)."""

    name: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed

    def sample(self, shape: Shape, rng: numpy.random.Generator) -> Any:
        raise NotImplementedError

    def __call__(
        self,
        shape: Sequence[int],
        dtype: Any = numpy.float32,
        xp: Any = numpy,
        rng: numpy.random.Generator | None = None,
    ) -> Array:
        if self.seed is not None:
            rng = numpy.random.default_rng(self.seed)
        elif rng is None:
            rng = numpy.random.default_rng()
        value = numpy.asarray(self.sample(tuple(int(d) for d in shape), rng), dtype=dtype)
        # (ascontiguousarray makes a 0-d array 1-d: keep scalar weights such as a count scalar)
        return xp.asarray(numpy.ascontiguousarray(value).reshape(value.shape))

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.get_config()})"


class Zeros(Initializer):
    name = "zeros"

    def sample(self, shape: Shape, rng: numpy.random.Generator) -> Any:
        return numpy.zeros(shape)


class Ones(Initializer):
    name = "ones"

    def sample(self, shape: Shape, rng: numpy.random.Generator) -> Any:
        return numpy.ones(shape)


class Constant(Initializer):
    """``value`` everywhere. Keras casts a Python float through float32 (so ``Constant(0.1)``
    in float64 is ``float(numpy.float32(0.1))``)."""

    name = "constant"

    def __init__(self, value: Any = 0.0, seed: int | None = None) -> None:
        super().__init__(seed)
        self.value = value

    def sample(self, shape: Shape, rng: numpy.random.Generator) -> Any:
        value = self.value
        if isinstance(value, float):
            value = float(numpy.float32(value))
        return numpy.broadcast_to(numpy.asarray(value, dtype=numpy.float64), shape).copy()

    def get_config(self) -> dict[str, Any]:
        return {"value": self.value}


class RandomUniform(Initializer):
    name = "random_uniform"
    aliases: ClassVar[tuple[str, ...]] = ("uniform",)

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def sample(self, shape: Shape, rng: numpy.random.Generator) -> Any:
        return rng.uniform(self.minval, self.maxval, shape)

    def get_config(self) -> dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(Initializer):
    name = "random_normal"
    aliases: ClassVar[tuple[str, ...]] = ("normal",)

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def sample(self, shape: Shape, rng: numpy.random.Generator) -> Any:
        return self.mean + self.stddev * rng.standard_normal(shape)

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """Normal values more than two standard deviations from the mean are re-drawn."""

    name = "truncated_normal"
    aliases = ()

    def sample(self, shape: Shape, rng: numpy.random.Generator) -> Any:
        return _truncated_normal(rng, shape, self.mean, self.stddev)


class VarianceScaling(Initializer):
    """``scale / n`` variance with ``n`` = fan_in, fan_out or their average;
    ``truncated_normal`` (stddev corrected by 0.8796...), ``untruncated_normal`` or
    ``uniform`` (limit ``sqrt(3 * scale / n)``)."""

    name = "variance_scaling"

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
    ) -> None:
        super().__init__(seed)
        if scale <= 0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"Invalid `distribution` argument: {distribution}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def sample(self, shape: Shape, rng: numpy.random.Generator) -> Any:
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return _truncated_normal(rng, shape, 0.0, math.sqrt(scale) / _TRUNCATED_STD)
        if self.distribution == "untruncated_normal":
            return math.sqrt(scale) * rng.standard_normal(shape)
        limit = math.sqrt(3.0 * scale)
        return rng.uniform(-limit, limit, shape)

    def get_config(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
        }


def _scaling(name: str, scale: float, mode: str, distribution: str) -> type[VarianceScaling]:
    def __init__(self: VarianceScaling, seed: int | None = None) -> None:
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self: VarianceScaling) -> dict[str, Any]:
        return {"seed": self.seed}

    cls_name = "".join(part.capitalize() for part in name.split("_"))
    return type(
        cls_name,
        (VarianceScaling,),
        {"name": name, "__init__": __init__, "get_config": get_config, "__doc__": None},
    )


GlorotUniform = _scaling("glorot_uniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _scaling("glorot_normal", 1.0, "fan_avg", "truncated_normal")
HeUniform = _scaling("he_uniform", 2.0, "fan_in", "uniform")
HeNormal = _scaling("he_normal", 2.0, "fan_in", "truncated_normal")
LecunUniform = _scaling("lecun_uniform", 1.0, "fan_in", "uniform")
LecunNormal = _scaling("lecun_normal", 1.0, "fan_in", "truncated_normal")


class Orthogonal(Initializer):
    """Keras: QR of a ``(max(rows, cols), min(rows, cols))`` normal matrix, columns signed by
    ``diag(R)``, transposed when rows < cols; rows = product of all axes but the last."""

    name = "orthogonal"

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        super().__init__(seed)
        self.gain = gain

    def sample(self, shape: Shape, rng: numpy.random.Generator) -> Any:
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        rows = math.prod(shape[:-1])
        cols = shape[-1]
        a = rng.standard_normal((max(rows, cols), min(rows, cols)))
        q, r = numpy.linalg.qr(a)
        q = q * numpy.sign(numpy.diag(r))
        if rows < cols:
            q = q.T
        return self.gain * q.reshape(shape)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain * eye`` for 2-D shapes."""

    name = "identity"
    aliases: ClassVar[tuple[str, ...]] = ("identity_initializer",)

    def __init__(self, gain: float = 1.0) -> None:
        super().__init__(None)
        self.gain = gain

    def sample(self, shape: Shape, rng: numpy.random.Generator) -> Any:
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        return self.gain * numpy.eye(*shape)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}


_CLASSES: tuple[type[Initializer], ...] = (
    Zeros,
    Ones,
    Constant,
    RandomUniform,
    RandomNormal,
    TruncatedNormal,
    VarianceScaling,
    GlorotUniform,
    GlorotNormal,
    HeUniform,
    HeNormal,
    LecunUniform,
    LecunNormal,
    Orthogonal,
    Identity,
)

_BY_NAME: dict[str, type[Initializer]] = {}
for _cls in _CLASSES:
    for _key in (_cls.name, *_cls.aliases, _cls.__name__):
        _BY_NAME[_key] = _cls
_BY_NAME["OrthogonalInitializer"] = Orthogonal
_BY_NAME["IdentityInitializer"] = Identity


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _lookup(name: str) -> type[Initializer]:
    cls = _BY_NAME.get(name) or _BY_NAME.get(name.lower()) or _BY_NAME.get(_snake(name))
    if cls is None:
        raise ValueError(f"Could not interpret initializer identifier: {name!r}")
    return cls


class _Wrapped(Initializer):
    """A user callable, adapted to ``(shape, dtype, xp, rng)``."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        super().__init__(None)
        self.fn = fn
        try:
            params = inspect.signature(fn).parameters.values()
            positional = [
                p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
            self.full = len(positional) >= 4 or any(p.kind is p.VAR_POSITIONAL for p in params)
        except (TypeError, ValueError):
            self.full = False

    def __call__(
        self,
        shape: Sequence[int],
        dtype: Any = numpy.float32,
        xp: Any = numpy,
        rng: numpy.random.Generator | None = None,
    ) -> Array:
        if self.full:
            return xp.asarray(self.fn(tuple(shape), dtype, xp, rng), dtype=dtype)
        value = self.fn(tuple(shape), dtype)
        return xp.asarray(numpy.asarray(value, dtype=dtype))


def get(identifier: Any) -> Initializer:
    """An initializer from a Keras identifier (see the module doc)."""
    if isinstance(identifier, Initializer):
        return identifier
    if identifier is None:
        raise ValueError("Could not interpret initializer identifier: None")
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, Mapping):
        name = identifier.get("class_name")
        if not isinstance(name, str):
            raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")
        config = dict(identifier.get("config", {}) or {})
        return _lookup(name)(**config)
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return _Wrapped(identifier)
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "get",
]
