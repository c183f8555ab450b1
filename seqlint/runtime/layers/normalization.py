"""BatchNormalization and LayerNormalization.

Both evaluate ``inv = gamma / sqrt(var + eps); y = x * inv + (beta - mean * inv)`` like Keras,
with the biased variance. BatchNormalization in training (and trainable) uses the batch
statistics, lets gradients flow through them and updates the moving statistics in ``forward``:
``moving = moving * momentum + batch * (1 - momentum)``; otherwise it uses the moving statistics.
"""

from __future__ import annotations

from typing import Any

import numpy

from seqlint.layers import normalization as normalization_defs
from seqlint.layers.base import Shape
from seqlint.runtime.core import Variable
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel


def _axes(value: Any, ndim: int) -> list[int]:
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    return sorted(int(a) % ndim for a in items)


@kernel(normalization_defs.BatchNormalization)
class BatchNormalization(RuntimeLayer):
    supports_masking = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.get("renorm"):
            raise NotImplementedError("BatchNormalization: renorm is not supported")
        self.momentum = float(self.get("momentum", 0.99))
        self.epsilon = float(self.get("epsilon", 1e-3))
        self.gamma: Variable | None = None
        self.beta: Variable | None = None
        self.moving_mean: Variable | None = None
        self.moving_variance: Variable | None = None
        self._cache: dict[str, Any] = {}

    def _axis(self, ndim: int) -> int:
        return int(self.get("axis", -1)) % ndim

    def build(self, input_shape: Shape) -> None:
        axis = self._axis(len(input_shape))
        dim = input_shape[axis]
        if dim is None:
            raise ValueError("BatchNormalization needs a known size on its axis")
        self.build_weights(input_shape)  # gamma, beta, moving_mean, moving_variance

    def forward(self, x: Array, training: bool = False) -> Array:
        assert self.moving_mean is not None and self.moving_variance is not None
        xp = self.xp
        x = self.cast_input(x)
        axis = self._axis(x.ndim)
        reduce = tuple(i for i in range(x.ndim) if i != axis)
        if training and self.mask is not None and self.trainable:
            raise NotImplementedError(
                "BatchNormalization: training on a masked input is not supported (Keras takes "
                "the batch statistics over the unmasked steps only)"
            )
        bshape = [1] * x.ndim
        bshape[axis] = x.shape[axis]
        train = bool(training) and self.trainable
        if train:
            mean = x.mean(axis=reduce)
            centered = x - mean.reshape(bshape)
            var = (centered * centered).mean(axis=reduce)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean.value * m + mean * (1.0 - m))
            self.moving_variance.assign(self.moving_variance.value * m + var * (1.0 - m))
        else:
            mean = self.moving_mean.value
            var = self.moving_variance.value
        rstd = 1 / xp.sqrt(var + self.epsilon)
        inv = rstd if self.gamma is None else rstd * self.gamma.value
        shift = -mean * inv if self.beta is None else self.beta.value - mean * inv
        y = x * inv.reshape(bshape) + shift.reshape(bshape)
        xhat = (x - mean.reshape(bshape)) * rstd.reshape(bshape)
        self._cache = {
            "xhat": xhat,
            "rstd": rstd,
            "train": train,
            "reduce": reduce,
            "bshape": bshape,
        }
        return y

    def backward(self, dy: Array) -> Array:
        c = self._cache
        xhat, rstd, reduce, bshape = c["xhat"], c["rstd"], c["reduce"], c["bshape"]
        self.set_grad(self.gamma, lambda: (dy * xhat).sum(axis=reduce))
        self.set_grad(self.beta, lambda: dy.sum(axis=reduce))
        dxhat = dy if self.gamma is None else dy * self.gamma.value.reshape(bshape)
        if not c["train"]:
            return dxhat * rstd.reshape(bshape)
        mean_d = dxhat.mean(axis=reduce, keepdims=True)
        mean_dx = (dxhat * xhat).mean(axis=reduce, keepdims=True)
        return (dxhat - mean_d - xhat * mean_dx) * rstd.reshape(bshape)


@kernel(normalization_defs.LayerNormalization)
class LayerNormalization(RuntimeLayer):
    """Normalises over ``axis`` (an int or a list); gamma/beta have the shape of those axes."""

    supports_masking = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.get("rms_scaling"):
            raise NotImplementedError("LayerNormalization: rms_scaling is not supported")
        self.epsilon = float(self.get("epsilon", 1e-3))
        self.gamma: Variable | None = None
        self.beta: Variable | None = None
        self._cache: dict[str, Any] = {}

    def build(self, input_shape: Shape) -> None:
        # Keras sorts the axes as given (``[1, -1]`` -> ``[-1, 1]``), so gamma/beta can have the
        # sizes in that order; forward reshapes them (C order) to the broadcast shape like Keras
        self.build_weights(input_shape)  # gamma, beta

    def forward(self, x: Array, training: bool = False) -> Array:
        xp = self.xp
        x = self.cast_input(x)
        axes = tuple(_axes(self.get("axis", -1), x.ndim))
        bshape = [x.shape[i] if i in axes else 1 for i in range(x.ndim)]
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)
        rstd = 1 / xp.sqrt(var + self.epsilon)
        inv = rstd if self.gamma is None else rstd * self.gamma.value.reshape(bshape)
        res = -mean * inv
        if self.beta is not None:
            res = res + self.beta.value.reshape(bshape)
        y = x * inv + res
        other = tuple(i for i in range(x.ndim) if i not in axes)
        self._cache = {
            "xhat": centered * rstd,
            "rstd": rstd,
            "axes": axes,
            "other": other,
            "bshape": bshape,
        }
        return y

    def backward(self, dy: Array) -> Array:
        c = self._cache
        xhat, rstd, axes, other, bshape = c["xhat"], c["rstd"], c["axes"], c["other"], c["bshape"]
        gamma, beta = self.gamma, self.beta
        if gamma is not None:
            self.set_grad(gamma, lambda: (dy * xhat).sum(axis=other).reshape(gamma.shape))
        if beta is not None:
            self.set_grad(beta, lambda: dy.sum(axis=other).reshape(beta.shape))
        dxhat = dy if gamma is None else dy * gamma.value.reshape(bshape)
        mean_d = dxhat.mean(axis=axes, keepdims=True)
        mean_dx = (dxhat * xhat).mean(axis=axes, keepdims=True)
        return (dxhat - mean_d - xhat * mean_dx) * rstd


@kernel(normalization_defs.UnitNormalization)
class UnitNormalization(RuntimeLayer):
    """``x * min(1 / sqrt(sum(x ** 2)), 1e12)`` over ``axis`` (Keras's ``ops.normalize`` with
    ``epsilon=1e-12``); no weights."""

    supports_masking = True

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        axis = self.get("axis", -1)
        self._axis = tuple(axis) if isinstance(axis, (list, tuple)) else (int(axis),)
        square_sum = (x * x).sum(axis=self._axis, keepdims=True)
        with numpy.errstate(divide="ignore"):
            inv = self.xp.minimum(1.0 / self.xp.sqrt(square_sum), self.dtype(1e12))
        self._x, self._inv = x, inv
        self._capped = inv >= self.dtype(1e12)
        return x * inv

    def backward(self, dy: Array) -> Array:
        x, inv = self._x, self._inv
        # d(x / |x|) = (dy - y * sum(dy * y)) / |x|; where the cap holds, the factor is constant
        y = x * inv
        dx = (dy - y * (dy * y).sum(axis=self._axis, keepdims=True)) * inv
        return self.xp.where(self._capped, dy * inv, dx)


@kernel(normalization_defs.RMSNormalization)
class RMSNormalization(RuntimeLayer):
    """``x * rsqrt(mean(x ** 2) + epsilon) * scale`` over the trailing ``axis`` (Keras's
    ``ops.rms_normalization``); other axes are not supported."""

    scale: Variable  # set by build_weights

    def build(self, input_shape: Shape) -> None:
        axis = self.get("axis", -1)
        axes = sorted(
            a % len(input_shape) for a in (axis if isinstance(axis, (list, tuple)) else [axis])
        )
        if axes != list(range(len(input_shape) - len(axes), len(input_shape))):
            raise NotImplementedError(f"RMSNormalization: axis={axis!r} (only trailing axes)")
        self._axes = tuple(axes)
        self.build_weights(input_shape)  # scale

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        eps = self.dtype(float(self.get("epsilon", 1e-6)))
        r = 1.0 / self.xp.sqrt((x * x).mean(axis=self._axes, keepdims=True) + eps)
        self._x, self._r = x, r
        return x * r * self.scale.value

    def backward(self, dy: Array) -> Array:
        x, r = self._x, self._r
        lead = tuple(range(x.ndim - len(self._axes)))
        self.set_grad(self.scale, lambda: (dy * x * r).sum(axis=lead))
        g = dy * self.scale.value
        n = x.size // int(numpy.prod([x.shape[a] for a in lead]))
        return r * g - x * r**3 * (g * x).sum(axis=self._axes, keepdims=True) / n


@kernel(normalization_defs.GroupNormalization)
class GroupNormalization(RuntimeLayer):
    """The channels (last axis) split into ``groups``; each sample's group is normalised over
    its positions and channels (``(x - mean) * rsqrt(var + epsilon)``), then scaled by gamma and
    shifted by beta per channel, as Keras computes it. Only ``axis=-1``."""

    supports_masking = True  # Keras passes the mask on and ignores it

    gamma: Variable | None = None
    beta: Variable | None = None

    def build(self, input_shape: Shape) -> None:
        axis = int(self.get("axis", -1))
        if axis not in (-1, len(input_shape) - 1):
            raise NotImplementedError(f"GroupNormalization: axis={axis} (only the last axis)")
        self.build_weights(input_shape)  # gamma, beta

    def _grouped(self, shape: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        channels = shape[-1]
        groups = int(self.get("groups", 32))
        groups = channels if groups == -1 else groups
        grouped = (*shape[:-1], groups, channels // groups)
        axes = tuple(a for a in range(1, len(grouped)) if a != len(grouped) - 2)
        return grouped, axes

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        grouped, axes = self._grouped(tuple(x.shape))
        xr = x.reshape(grouped)
        mean = xr.mean(axis=axes, keepdims=True)
        var = xr.var(axis=axes, keepdims=True)
        rstd = 1.0 / self.xp.sqrt(var + self.dtype(float(self.get("epsilon", 1e-3))))
        xhat = ((xr - mean) * rstd).reshape(x.shape)
        self._cache = {"xhat": xhat, "rstd": rstd, "grouped": grouped, "axes": axes}
        y = xhat if self.gamma is None else xhat * self.gamma.value
        return y if self.beta is None else y + self.beta.value

    def backward(self, dy: Array) -> Array:
        c = self._cache
        xhat, rstd, grouped, axes = c["xhat"], c["rstd"], c["grouped"], c["axes"]
        lead = tuple(range(dy.ndim - 1))
        self.set_grad(self.gamma, lambda: (dy * xhat).sum(axis=lead))
        self.set_grad(self.beta, lambda: dy.sum(axis=lead))
        dxhat = (dy if self.gamma is None else dy * self.gamma.value).reshape(grouped)
        xh = xhat.reshape(grouped)
        mean_d = dxhat.mean(axis=axes, keepdims=True)
        mean_dx = (dxhat * xh).mean(axis=axes, keepdims=True)
        return ((dxhat - mean_d - xh * mean_dx) * rstd).reshape(dy.shape)
