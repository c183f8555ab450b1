"""Pooling: Max/Average pooling 1D/2D/3D and their global forms.

* ``same`` max pooling pads with ``-inf`` (padding never wins); ``same`` average pooling divides
  by the number of real elements in each window (TF).
* Max-pool gradients follow TF on the CPU: 1D/2D send each output's gradient to the *first*
  maximum of its window (scan order), 3D sends it to every window element within ``1e-5`` of the
  maximum (TF's ``MaxPool3DGrad`` CPU kernel); overlapping windows add up.
* Global max pooling splits the gradient equally among tied maxima (TF's ``reduce_max``).
"""

from __future__ import annotations

import itertools
from typing import Any, ClassVar

import numpy

from seqlint.layers import pooling as pooling_defs
from seqlint.runtime.layers._windows import (
    _offsets,
    col2im,
    crop,
    ints,
    pad,
    pad_amounts,
    prod,
    spread,
    windows,
)
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel

_MAXPOOL3D_TIE = 1e-5


class _Pooling(RuntimeLayer):
    rank: ClassVar[int] = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        r = self.rank
        self.pool_size = ints(self.get("pool_size"), r, "pool_size")
        strides = self.get("strides")
        self.strides = self.pool_size if strides is None else ints(strides, r, "strides")
        self.padding = str(self.get("padding", "valid")).lower()
        self._cache: dict[str, Any] = {}
        self._counts_cache: dict[tuple[Any, ...], Array] = {}

    def _prepare(self, x: Array, value: float) -> tuple[Array, Array, dict[str, Any]]:
        """Channels-last input, its window view and the geometry."""
        x = self.cast_input(x)
        out_shape = self.output_shape_for(x.shape)
        if self.channels_first():
            x = self.xp.moveaxis(x, 1, -1)
            out = tuple(out_shape[2:])
        else:
            out = tuple(out_shape[1:-1])
        ones = (1,) * self.rank
        pads = pad_amounts(x.shape[1:-1], out, self.pool_size, self.strides, ones, self.padding)
        xpad = pad(self.xp, x, pads, value)
        win = windows(self.xp, xpad, self.pool_size, self.strides, ones, out)
        geo = {"pads": pads, "padded": xpad.shape, "out": out, "spatial": x.shape[1:-1]}
        return xpad, win, geo

    def _finish(self, y: Array) -> Array:
        return self.xp.moveaxis(y, -1, 1) if self.channels_first() else y

    def _start_backward(self, dy: Array) -> Array:
        return self.xp.moveaxis(dy, 1, -1) if self.channels_first() else dy


class _MaxPooling(_Pooling):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # set by a Sequential model around its forward pass: apply the previous layer's ReLU
        # after pooling (see ``Sequential._relu_before_max_pool``); 1D/2D only
        self.relu_after = False

    def forward(self, x: Array, training: bool = False) -> Array:
        xpad, win, geo = self._prepare(x, -float("inf"))
        if self.rank == 3:
            n, c = win.shape[0], win.shape[-1]
            flat = win.reshape(n, *geo["out"], prod(self.pool_size), c)
            y = flat.max(axis=-2)
            geo["flat"] = flat
        else:
            # one strided slice per window offset: an elementwise maximum over prod(pool_size)
            # views is far cheaper than copying the windows out and taking an argmax
            xp = self.xp
            slices = self._slices(geo)
            y = xpad[slices[0]].copy()
            for sl in slices[1:]:
                xp.maximum(y, xpad[sl], out=y)
            geo["xpad"] = xpad
            geo["relu"] = self.relu_after
            if self.relu_after:
                xp.maximum(y, 0, out=y)
        geo["y"] = y
        self._cache = geo
        return self._finish(y)

    def _slices(self, geo: dict[str, Any]) -> list[tuple[slice, ...]]:
        ones = (1,) * self.rank
        return [
            (slice(None), *sl) for _, sl in _offsets(self.pool_size, self.strides, ones, geo["out"])
        ]

    def backward(self, dy: Array) -> Array:
        xp = self.xp
        geo = self._cache
        dy = self._start_backward(dy)
        y = geo["y"]
        if self.rank == 3:
            flat = geo["flat"]
            sel = xp.abs(flat - y[..., None, :]) < _MAXPOOL3D_TIE
            dcols = sel.astype(dy.dtype) * dy[..., None, :]
            n, c = dy.shape[0], dy.shape[-1]
            dcols = dcols.reshape(n, *geo["out"], *self.pool_size, c)
            ones = (1,) * self.rank
            dx = col2im(xp, dcols, geo["padded"], self.pool_size, self.strides, ones, geo["out"])
            return self._finish(crop(dx, geo["pads"]))
        if geo["relu"]:
            dy = dy * (y > 0)  # the ReLU's gradient: windows whose maximum was <= 0 pass nothing
        # each output's gradient goes to the first maximum of its window in scan order (TF's
        # CPU kernel): offsets are visited in that order with boolean masks of the windows
        # not yet served; the last offset serves the rest
        xpad = geo["xpad"]
        disjoint = all(s >= k for s, k in zip(self.strides, self.pool_size, strict=True))
        # windows that tile the input exactly write every element once: no zero fill needed
        tiles = all(
            s == k and o * k == n
            for s, k, o, n in zip(
                self.strides, self.pool_size, geo["out"], xpad.shape[1:-1], strict=True
            )
        )
        dx = (xp.empty if tiles else xp.zeros)(xpad.shape, dtype=dy.dtype)
        slices = self._slices(geo)
        free = xp.ones(y.shape, dtype=bool)
        sel = xp.empty(y.shape, dtype=bool)
        for k, sl in enumerate(slices):
            if k < len(slices) - 1:
                xp.equal(xpad[sl], y, out=sel)
                sel &= free
                free ^= sel
            else:
                sel = free
            if disjoint:
                xp.multiply(dy, sel, out=dx[sl])
            else:
                dx[sl] += dy * sel
        return self._finish(crop(dx, geo["pads"]))


class _AveragePooling(_Pooling):
    def _counts(self, geo: dict[str, Any], dtype: Any) -> Array:
        """Number of real (non-padding) elements in each window, shape ``(1, *out, 1)``."""
        key = (tuple(geo["spatial"]), str(dtype))
        counts = self._counts_cache.get(key)
        if counts is None:
            ones = self.xp.ones((1, *geo["spatial"], 1), dtype=dtype)
            unit = (1,) * self.rank
            padded = pad(self.xp, ones, geo["pads"])
            win = windows(self.xp, padded, self.pool_size, self.strides, unit, geo["out"])
            counts = win.sum(axis=tuple(range(1 + self.rank, 1 + 2 * self.rank)))
            self._counts_cache[key] = counts
        return counts

    def forward(self, x: Array, training: bool = False) -> Array:
        _, win, geo = self._prepare(x, 0.0)
        total = win.sum(axis=tuple(range(1 + self.rank, 1 + 2 * self.rank)))
        counts = self._counts(geo, total.dtype) if self.padding == "same" else None
        y = total / (prod(self.pool_size) if counts is None else counts)
        geo["counts"] = counts
        self._cache = geo
        return self._finish(y)

    def backward(self, dy: Array) -> Array:
        geo = self._cache
        dy = self._start_backward(dy)
        counts = geo["counts"]
        g = dy / (prod(self.pool_size) if counts is None else counts)
        ones = (1,) * self.rank
        dx = spread(self.xp, g, geo["padded"], self.pool_size, self.strides, ones, geo["out"])
        return self._finish(crop(dx, geo["pads"]))


@kernel(pooling_defs.MaxPooling1D)
class MaxPooling1D(_MaxPooling):
    rank = 1


@kernel(pooling_defs.MaxPooling2D)
class MaxPooling2D(_MaxPooling):
    rank = 2


@kernel(pooling_defs.MaxPooling3D)
class MaxPooling3D(_MaxPooling):
    rank = 3


@kernel(pooling_defs.AveragePooling1D)
class AveragePooling1D(_AveragePooling):
    rank = 1


@kernel(pooling_defs.AveragePooling2D)
class AveragePooling2D(_AveragePooling):
    rank = 2


@kernel(pooling_defs.AveragePooling3D)
class AveragePooling3D(_AveragePooling):
    rank = 3


# ---- global pooling ---------------------------------------------------------------------------


class _GlobalPooling(RuntimeLayer):
    rank: ClassVar[int] = 0

    def _axes(self) -> tuple[int, ...]:
        start = 2 if self.channels_first() else 1
        return tuple(range(start, start + self.rank))

    def _keep(self) -> bool:
        return bool(self.get("keepdims", False))


class _GlobalMax(_GlobalPooling):
    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        y = x.max(axis=self._axes(), keepdims=True)
        self._x, self._ymax = x, y
        return y if self._keep() else y.reshape(y.shape[0], -1)

    def backward(self, dy: Array) -> Array:
        x, y = self._x, self._ymax
        dy = dy.reshape(y.shape)
        mask = (x == y).astype(x.dtype)
        return mask * (dy / mask.sum(axis=self._axes(), keepdims=True))


class _GlobalAverage(_GlobalPooling):
    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._in_shape = x.shape
        self._weights_of_steps = None
        if self.mask is not None and self.rank == 1:
            # Keras averages the unmasked steps only (all steps masked: 0 / 0)
            axis = 2 if self.channels_first() else 1
            m = self.xp.expand_dims(self.mask, 1 if self.channels_first() else 2).astype(x.dtype)
            with numpy.errstate(invalid="ignore", divide="ignore"):
                w = m / m.sum(axis=axis, keepdims=True)
            self._weights_of_steps = w
            return (x * w).sum(axis=axis, keepdims=self._keep())
        return x.mean(axis=self._axes(), keepdims=self._keep())

    def backward(self, dy: Array) -> Array:
        axes = self._axes()
        w = self._weights_of_steps
        if w is not None:
            keep = [1 if i in axes else d for i, d in enumerate(self._in_shape)]
            return dy.reshape(keep) * w
        shape = list(self._in_shape)
        keep = [1 if i in axes else d for i, d in enumerate(shape)]
        count = prod([shape[a] for a in axes])
        g = dy.reshape(keep) / count
        return self.xp.broadcast_to(g, self._in_shape).copy()


@kernel(pooling_defs.GlobalMaxPooling1D)
class GlobalMaxPooling1D(_GlobalMax):
    rank = 1


@kernel(pooling_defs.GlobalMaxPooling2D)
class GlobalMaxPooling2D(_GlobalMax):
    rank = 2


@kernel(pooling_defs.GlobalMaxPooling3D)
class GlobalMaxPooling3D(_GlobalMax):
    rank = 3


@kernel(pooling_defs.GlobalAveragePooling1D)
class GlobalAveragePooling1D(_GlobalAverage):
    rank = 1


@kernel(pooling_defs.GlobalAveragePooling2D)
class GlobalAveragePooling2D(_GlobalAverage):
    rank = 2


@kernel(pooling_defs.GlobalAveragePooling3D)
class GlobalAveragePooling3D(_GlobalAverage):
    rank = 3


# ---- adaptive pooling ---------------------------------------------------------------------------


def _adaptive_windows(n_in: int, n_out: int) -> list[tuple[int, int]]:
    """Keras's (and PyTorch's) windows: ``[floor(i * n / o), ceil((i + 1) * n / o))``."""
    return [((i * n_in) // n_out, -((-(i + 1) * n_in) // n_out)) for i in range(n_out)]


class _Adaptive(RuntimeLayer):
    """Pools each spatial axis into ``output_size`` windows that may overlap (see
    :func:`_adaptive_windows`); the output size never depends on the input size."""

    rank: ClassVar[int] = 0
    mode: ClassVar[str] = ""

    def _sizes(self) -> tuple[int, ...]:
        value = self.get("output_size")
        return (int(value),) * self.rank if isinstance(value, int) else tuple(int(v) for v in value)

    def forward(self, x: Array, training: bool = False) -> Array:
        xp = self.xp
        x = self.cast_input(x)
        if self.channels_first():
            x = xp.moveaxis(x, 1, -1)
        self._in_shape = x.shape
        windows = [
            _adaptive_windows(n, o) for n, o in zip(x.shape[1:-1], self._sizes(), strict=True)
        ]
        self._windows = windows
        out = xp.empty((x.shape[0], *self._sizes(), x.shape[-1]), dtype=x.dtype)
        self._argmax: dict[tuple[int, ...], Array] = {}
        for cell in itertools.product(*(range(len(w)) for w in windows)):
            box = (slice(None), *(slice(*windows[a][i]) for a, i in enumerate(cell)))
            part = x[box].reshape(x.shape[0], -1, x.shape[-1])
            at = (slice(None), *cell)  # a name: mypy misreads ``out[(a, *b)]`` as 3.11 syntax
            if self.mode == "max":
                idx = part.argmax(axis=1)
                self._argmax[cell] = idx
                out[at] = xp.take_along_axis(part, idx[:, None], axis=1)[:, 0]
            else:
                out[at] = part.mean(axis=1)
        return xp.moveaxis(out, -1, 1) if self.channels_first() else out

    def backward(self, dy: Array) -> Array:
        xp = self.xp
        if self.channels_first():
            dy = xp.moveaxis(dy, 1, -1)
        dx = xp.zeros(self._in_shape, dtype=dy.dtype)
        n, c = self._in_shape[0], self._in_shape[-1]
        for cell in itertools.product(*(range(len(w)) for w in self._windows)):
            spans = [self._windows[a][i] for a, i in enumerate(cell)]
            box = (slice(None), *(slice(*s) for s in spans))
            at = (slice(None), *cell)
            g = dy[at]
            if self.mode == "max":
                shape = tuple(b - a for a, b in spans)
                flat = xp.zeros((n, int(numpy.prod(shape)), c), dtype=dy.dtype)
                xp.put_along_axis(flat, self._argmax[cell][:, None], g[:, None], axis=1)
                dx[box] += flat.reshape(n, *shape, c)
            else:
                count = int(numpy.prod([b - a for a, b in spans]))
                dx[box] += (g / count).reshape(n, *(1,) * len(spans), c)
        return xp.moveaxis(dx, -1, 1) if self.channels_first() else dx


@kernel(pooling_defs.AdaptiveAveragePooling1D)
class AdaptiveAveragePooling1D(_Adaptive):
    rank, mode = 1, "average"


@kernel(pooling_defs.AdaptiveAveragePooling2D)
class AdaptiveAveragePooling2D(_Adaptive):
    rank, mode = 2, "average"


@kernel(pooling_defs.AdaptiveAveragePooling3D)
class AdaptiveAveragePooling3D(_Adaptive):
    rank, mode = 3, "average"


@kernel(pooling_defs.AdaptiveMaxPooling1D)
class AdaptiveMaxPooling1D(_Adaptive):
    rank, mode = 1, "max"


@kernel(pooling_defs.AdaptiveMaxPooling2D)
class AdaptiveMaxPooling2D(_Adaptive):
    rank, mode = 2, "max"


@kernel(pooling_defs.AdaptiveMaxPooling3D)
class AdaptiveMaxPooling3D(_Adaptive):
    rank, mode = 3, "max"
