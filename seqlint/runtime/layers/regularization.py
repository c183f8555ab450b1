"""Dropout and noise layers: identities at inference, random in training (seeded by ``seed``).

* Dropout: inverted dropout, kept values ``x / (1 - rate)``; ``noise_shape`` (None entries take
  the input's size) shares the mask over axes; ``rate = 0`` is exactly the identity.
* SpatialDropout1D/2D/3D: whole channels dropped (mask shared over the spatial axes).
* GaussianNoise: ``x + N(0, stddev)``; GaussianDropout: ``x * N(1, rate / (1 - rate))``.
* AlphaDropout: Keras's SELU-preserving dropout ``a * (x * keep + alpha_p * (1 - keep)) + b``.
"""

from __future__ import annotations

import math
from typing import Any

from seqlint.layers import regularization as regularization_defs
from seqlint.runtime.activations import SELU_ALPHA, SELU_SCALE
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel


class _Noise(RuntimeLayer):
    """Keeps the multiplicative factor of the last training forward (``None`` = identity)."""

    supports_masking = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._factor: Array = None

    def backward(self, dy: Array) -> Array:
        return dy if self._factor is None else dy * self._factor


@kernel(regularization_defs.Dropout)
class Dropout(_Noise):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rate = float(self.get("rate"))  # in [0, 1]: the definition validated it

    def noise_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        ns = self.get("noise_shape")
        if ns is None:
            return shape
        return tuple(shape[i] if d is None else int(d) for i, d in enumerate(ns))

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        if not training or self.rate <= 0:
            self._factor = None
            return x
        if self.rate >= 1:
            self._factor = self.xp.zeros((1,) * x.ndim, dtype=x.dtype)
            return x * self._factor
        self._factor = self.dropout_mask(self.noise_shape(x.shape), self.rate)
        return x * self._factor


@kernel(regularization_defs.SpatialDropout1D)
class SpatialDropout1D(Dropout):
    def noise_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        return (shape[0], 1, shape[2])


class _SpatialDropoutND(Dropout):
    def noise_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        if self.channels_first():
            return (shape[0], shape[1], *(1,) * (len(shape) - 2))
        return (shape[0], *(1,) * (len(shape) - 2), shape[-1])


@kernel(regularization_defs.SpatialDropout2D)
class SpatialDropout2D(_SpatialDropoutND):
    """Keras ``SpatialDropout2D``."""


@kernel(regularization_defs.SpatialDropout3D)
class SpatialDropout3D(_SpatialDropoutND):
    """Keras ``SpatialDropout3D``."""


@kernel(regularization_defs.GaussianNoise)
class GaussianNoise(_Noise):
    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._factor = None
        stddev = float(self.get("stddev"))
        if not training or stddev <= 0:
            return x
        return x + (self.normal(x.shape) * stddev).astype(x.dtype)


@kernel(regularization_defs.GaussianDropout)
class GaussianDropout(_Noise):
    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        rate = float(self.get("rate"))
        if not training or rate <= 0:
            self._factor = None
            return x
        stddev = math.sqrt(rate / (1.0 - rate))
        self._factor = (1.0 + stddev * self.normal(x.shape)).astype(x.dtype)
        return x * self._factor


@kernel(regularization_defs.AlphaDropout)
class AlphaDropout(Dropout):
    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        rate = self.rate
        if not training or rate <= 0:
            self._factor = None
            return x
        alpha_p = -SELU_ALPHA * SELU_SCALE
        keep = (self.uniform(self.noise_shape(x.shape)) >= rate).astype(x.dtype)
        a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * rate
        self._factor = keep * a
        return a * (x * keep + alpha_p * (1 - keep)) + b


@kernel(regularization_defs.ActivityRegularization)
class ActivityRegularization(RuntimeLayer):
    """The identity, with ``L1L2(l1, l2)`` as its ``activity_regularizer``: the model adds
    ``(l1 * sum|y| + l2 * sum y**2) / batch`` to the loss, as Keras does."""

    supports_masking = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from seqlint.runtime.regularizers import L1L2

        l1, l2 = float(self.get("l1", 0.0)), float(self.get("l2", 0.0))
        self.args.values["activity_regularizer"] = L1L2(l1=l1, l2=l2)

    def forward(self, x: Array, training: bool = False) -> Array:
        return self.cast_input(x)

    def backward(self, dy: Array) -> Array:
        return dy
