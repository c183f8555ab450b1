"""Random image augmentation: RandomRotation, RandomZoom, RandomTranslation, RandomContrast,
RandomBrightness, RandomCrop.

Each is the identity at inference, as in Keras, and random in training: the parameters are drawn
per image from the ranges Keras draws them from (the random streams differ from Keras's).
Rotation, zoom and translation are Keras's affine maps (output pixel -> input position) sampled as
TF's ``ImageProjectiveTransformV3`` does: ``bilinear`` or ``nearest`` interpolation, fill modes
``reflect``, ``wrap``, ``nearest`` and ``constant`` (``fill_value`` outside the image). Every
transform is linear in the image (up to the clip of contrast and brightness to ``value_range``),
so ``backward`` scatters the gradient back through the same sampling weights.
"""

from __future__ import annotations

import math
from typing import Any

import numpy

from seqlint.layers import preprocessing as preprocessing_defs
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")


def _pair(factor: Any, low: float | None = None) -> tuple[float, float]:
    """Keras's ``_set_factor``: a number ``f`` is ``(-f, f)`` (``low`` bounds the lower end, as
    in RandomContrast's bounds ``(0, 1)``), a pair is sorted."""
    if isinstance(factor, (tuple, list)):
        lo, hi = sorted(float(f) for f in factor)
        return lo, hi
    f = abs(float(factor))
    return (-f if low is None else max(-f, low)), f


def _map_coordinate(xp: Any, coord: Array, size: int, mode: str) -> Array:
    """TF's ``map_coordinate`` of a fill mode: an input position outside ``[0, size - 1]`` moved
    inside (``constant`` leaves it outside, to read ``fill_value``)."""
    if mode == "constant":
        return coord
    if mode == "nearest" or size <= 1:
        return xp.clip(coord, 0, size - 1) if size > 1 else xp.zeros_like(coord)
    if mode == "reflect":
        sz2 = 2.0 * size
        c = coord
        neg = c < 0
        cn = xp.where(c < -sz2, sz2 * xp.trunc(-c / sz2) + c, c)
        cn = xp.where(cn < -size, cn + sz2, -cn - 1)
        cp = c - sz2 * xp.trunc(c / sz2)
        cp = xp.where(cp >= size, sz2 - cp - 1, cp)
        out = xp.where(neg, cn, xp.where(c > size - 1, cp, c))
        return xp.clip(out, 0, size - 1)
    # wrap
    sz = size - 1.0
    c = coord
    out = xp.where(
        c < 0,
        c + size * (xp.trunc(-c / sz) + 1),
        xp.where(c > size - 1, c - size * xp.trunc(c / sz), c),
    )
    return xp.clip(out, 0, size - 1)


def scatter_taps(xp: Any, taps: list[tuple[Array, Array]], g: Array) -> Array:
    """The gradient of a sampling ``y[i, p] = sum over taps of wt[i, p] * x[i, idx[i, p]]``:
    ``g`` (``(n, pixels, c)``) scattered back through every tap's flat index and weight."""
    n, pixels, c = g.shape
    dx = xp.zeros((n * pixels, c), dtype=g.dtype)
    base = (xp.arange(n) * pixels)[:, None]
    for idx, wt in taps:
        rows = (idx + base).reshape(-1)
        vals = (wt[..., None] * g).reshape(-1, c).astype(g.dtype)
        if hasattr(xp, "add") and hasattr(xp.add, "at"):
            xp.add.at(dx, rows, vals)
        else:  # pragma: no cover - older CuPy
            import cupyx  # type: ignore[import-not-found]

            cupyx.scatter_add(dx, rows, vals)
    return dx.reshape(n, pixels, c)


class _Affine(RuntimeLayer):
    """Samples each image at ``(x', y') = (a0 x + a1 y + a2, b0 x + b1 y + b2)`` for its matrix
    (x = column, y = row), as ``keras.ops.image.affine_transform``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fill_mode = str(self.get("fill_mode", "reflect"))
        self.interpolation = str(self.get("interpolation", "bilinear"))
        if self.fill_mode not in _FILL_MODES:
            raise NotImplementedError(
                f"Unknown `fill_mode` {self.fill_mode}. Expected of one {_FILL_MODES}."
            )
        if self.interpolation not in ("bilinear", "nearest"):
            raise NotImplementedError(
                f"{self.class_name}: interpolation={self.interpolation!r} is not supported"
            )
        self._taps: list[tuple[Array, Array]] | None = None

    def matrices(self, n: int, height: int, width: int) -> Array:
        """``(n, 6)`` affine rows ``a0 a1 a2 b0 b1 b2`` drawn for ``n`` images."""
        raise NotImplementedError

    def _channels_last(self, x: Array) -> Array:
        """``x`` as ``(n, h, w, c)``."""
        if x.ndim == 3:
            x = x[None]
        return x.transpose(0, 2, 3, 1) if self.channels_first() else x

    def _restore(self, y: Array, ndim: int) -> Array:
        if self.channels_first():
            y = y.transpose(0, 3, 1, 2)
        return y[0] if ndim == 3 else y

    def source_positions(self, m: Array, xs: Array, ys: Array) -> tuple[Array, Array]:
        """The input position ``(x', y')`` each output pixel ``(xs, ys)`` reads, per matrix row
        (a projective subclass divides by its third row)."""
        src_x = m[:, 0:1] * xs + m[:, 1:2] * ys + m[:, 2:3]
        src_y = m[:, 3:4] * xs + m[:, 4:5] * ys + m[:, 5:6]
        return src_x, src_y

    def _sampling(self, m: Array, h: int, w: int) -> list[tuple[Array, Array]]:
        """``(flat index, weight)`` per tap for every output pixel of every image; a weight is 0
        where the tap falls outside the image (there it reads ``fill_value``)."""
        xp = self.xp
        rows, cols = xp.meshgrid(
            xp.arange(h, dtype=m.dtype), xp.arange(w, dtype=m.dtype), indexing="ij"
        )
        xs, ys = cols.reshape(1, -1), rows.reshape(1, -1)
        src_x, src_y = self.source_positions(m, xs, ys)
        src_x = _map_coordinate(xp, src_x, w, self.fill_mode)
        src_y = _map_coordinate(xp, src_y, h, self.fill_mode)
        if self.interpolation == "nearest":
            # TF rounds half away from zero
            corners = [
                (
                    xp.sign(src_y) * xp.floor(xp.abs(src_y) + 0.5),
                    xp.sign(src_x) * xp.floor(xp.abs(src_x) + 0.5),
                    xp.ones_like(src_x),
                )
            ]
        else:
            y0, x0 = xp.floor(src_y), xp.floor(src_x)
            wy1, wx1 = src_y - y0, src_x - x0
            corners = [
                (y0, x0, (1 - wy1) * (1 - wx1)),
                (y0, x0 + 1, (1 - wy1) * wx1),
                (y0 + 1, x0, wy1 * (1 - wx1)),
                (y0 + 1, x0 + 1, wy1 * wx1),
            ]
        taps = []
        for cy, cx, wt in corners:
            inside = (cy >= 0) & (cy <= h - 1) & (cx >= 0) & (cx <= w - 1)
            idx = xp.where(inside, cy * w + cx, 0).astype(xp.int64)
            taps.append((idx, xp.where(inside, wt, 0.0)))
        return taps

    def transform(self, x: Array, m: Array) -> Array:
        xp = self.xp
        img = self._channels_last(x)
        n, h, w, c = img.shape
        taps = self._sampling(m.astype(numpy.float64), h, w)
        flat = img.reshape(n, h * w, c)
        out = xp.zeros((n, h * w, c), dtype=x.dtype)
        covered = xp.zeros((n, h * w), dtype=numpy.float64)
        for idx, wt in taps:
            out += (wt[..., None] * xp.take_along_axis(flat, idx[..., None], axis=1)).astype(
                x.dtype
            )
            covered += wt
        fill = float(self.get("fill_value", 0.0) or 0.0)
        if self.fill_mode == "constant" and fill:
            out += (fill * (1.0 - covered))[..., None].astype(x.dtype)
        self._taps, self._geom = taps, (x.ndim, n, h, w, c)
        return self._restore(out.reshape(n, h, w, c), x.ndim)

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._taps = None
        if not training:
            return x
        img_shape = self._channels_last(x).shape
        n, h, w = img_shape[0], img_shape[1], img_shape[2]
        return self.transform(x, self.matrices(n, h, w))

    def backward(self, dy: Array) -> Array:
        if self._taps is None:
            return dy
        xp = self.xp
        ndim, n, h, w, c = self._geom
        dx = scatter_taps(xp, self._taps, self._channels_last(dy).reshape(n, h * w, c))
        return self._restore(dx.reshape(n, h, w, c), ndim)

    def _uniform(self, n: int, lo: float, hi: float) -> Array:
        return lo + (hi - lo) * self.uniform((n,))


@kernel(preprocessing_defs.RandomRotation)
class RandomRotation(_Affine):
    """An angle per image, uniform in ``factor * 360`` degrees, about the image centre."""

    def matrices(self, n: int, height: int, width: int) -> Array:
        xp = self.xp
        lo, hi = _pair(self.get("factor"))
        angle = self._uniform(n, lo * 360.0, hi * 360.0) * (math.pi / 180.0)
        cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
        cos, sin = xp.cos(angle), xp.sin(angle)
        a0, a1, b0, b1 = cos, -sin, sin, cos
        a2 = cx - cx * a0 - cy * a1
        b2 = cy - cx * b0 - cy * b1
        return xp.stack([a0, a1, a2, b0, b1, b2], axis=1)


@kernel(preprocessing_defs.RandomZoom)
class RandomZoom(_Affine):
    """Zoom ``1 + U(height_factor)`` per image (the width's own, or the same draw without
    ``width_factor``), about the image centre; a positive factor zooms out."""

    def matrices(self, n: int, height: int, width: int) -> Array:
        xp = self.xp
        hl, hu = _pair(self.get("height_factor"))
        zy = self._uniform(n, 1.0 + hl, 1.0 + hu)
        wf = self.get("width_factor")
        if wf is None:
            zx = zy
        else:
            wl, wu = _pair(wf)
            zx = self._uniform(n, 1.0 + wl, 1.0 + wu)
        zeros = xp.zeros(n)
        x_off = (width - 1.0) / 2.0 * (1.0 - zx)
        y_off = (height - 1.0) / 2.0 * (1.0 - zy)
        return xp.stack([zx, zeros, x_off, zeros, zy, y_off], axis=1)


@kernel(preprocessing_defs.RandomTranslation)
class RandomTranslation(_Affine):
    """A shift per image of ``U(height_factor) * height`` rows and ``U(width_factor) * width``
    columns."""

    def matrices(self, n: int, height: int, width: int) -> Array:
        xp = self.xp
        hl, hu = _pair(self.get("height_factor"))
        wl, wu = _pair(self.get("width_factor"))
        dy = self._uniform(n, hl, hu) * height
        dx = self._uniform(n, wl, wu) * width
        ones, zeros = xp.ones(n), xp.zeros(n)
        return xp.stack([ones, zeros, -dx, zeros, ones, -dy], axis=1)


class _Photometric(RuntimeLayer):
    """Per-image colour changes clipped to ``value_range``."""

    def _batch_shape(self, x: Array) -> tuple[int, ...]:
        if x.ndim not in (3, 4):
            raise ValueError(
                f"Expected the input image to be rank 3 or 4. Received inputs.shape={x.shape}"
            )
        return (x.shape[0], 1, 1, 1) if x.ndim == 4 else (1, 1, 1)

    def _clip(self, y: Array) -> Array:
        lo, hi = sorted(float(v) for v in self.get("value_range", (0, 255)))
        self._inside = (y >= lo) & (y <= hi)
        return self.xp.clip(y, lo, hi)


@kernel(preprocessing_defs.RandomContrast)
class RandomContrast(_Photometric):
    """``(x - mean) * f + mean`` per image and channel (mean over height and width), ``f``
    uniform in ``[1 - lower, 1 + upper]`` of Keras's factor bounds ``(0, 1)``, then clipped."""

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._f = None
        if not training:
            return x
        lo, hi = _pair(self.get("factor"), low=0.0)
        f = (1.0 - lo) + ((1.0 + hi) - (1.0 - lo)) * self.uniform(self._batch_shape(x))
        self._f = f.astype(x.dtype)
        self._axes = (-2, -1) if self.channels_first() else (-3, -2)
        mean = x.mean(axis=self._axes, keepdims=True)
        return self._clip((x - mean) * self._f + mean)

    def backward(self, dy: Array) -> Array:
        if self._f is None:
            return dy
        g = dy * self._inside
        # d/dx of (x - mean) f + mean: f g + (1 - f) mean(g)
        return self._f * g + (1 - self._f) * g.mean(axis=self._axes, keepdims=True)


@kernel(preprocessing_defs.RandomBrightness)
class RandomBrightness(_Photometric):
    """Adds ``U(factor) * (value_range[1] - value_range[0])`` per image, then clips."""

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._trained = False
        if not training:
            return x
        lo, hi = _pair(self.get("factor"))
        vlo, vhi = sorted(float(v) for v in self.get("value_range", (0, 255)))
        delta = (lo + (hi - lo) * self.uniform(self._batch_shape(x))) * (vhi - vlo)
        self._trained = True
        return self._clip(x + delta.astype(x.dtype))

    def backward(self, dy: Array) -> Array:
        return dy * self._inside if self._trained else dy


@kernel(preprocessing_defs.RandomCrop)
class RandomCrop(RuntimeLayer):
    """In training, one random ``height x width`` window for the whole batch when the image is
    larger on both axes. At inference Keras 3 returns the image uncropped, and so does this."""

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._window = None
        if not training:
            return x
        ah, aw = (x.ndim - 2, x.ndim - 1) if self.channels_first() else (x.ndim - 3, x.ndim - 2)
        h, w = int(self.get("height")), int(self.get("width"))
        if not (x.shape[ah] > h and x.shape[aw] > w):
            raise NotImplementedError(
                "RandomCrop: an image not larger than the crop on both axes (Keras crops its "
                "centre to the aspect ratio and resizes it) is not supported"
            )
        top = int(self.uniform(()) * (x.shape[ah] - h + 1))
        left = int(self.uniform(()) * (x.shape[aw] - w + 1))
        window = [slice(None)] * x.ndim
        window[ah], window[aw] = slice(top, top + h), slice(left, left + w)
        self._window, self._shape = tuple(window), x.shape
        return x[self._window]

    def backward(self, dy: Array) -> Array:
        if self._window is None:
            return dy
        dx = self.xp.zeros(self._shape, dtype=dy.dtype)
        dx[self._window] = dy
        return dx
