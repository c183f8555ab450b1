"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, ZeroPadding1D/2D/3D,
Cropping1D/2D/3D, UpSampling1D/2D/3D (nearest; bilinear for 2D). Output shapes come from the
shared definitions (``seqlint.layers``)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy

from seqlint.layers import reshaping as reshaping_defs
from seqlint.layers._common import pair, pairs
from seqlint.runtime.layers._windows import ints
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel


class _Reshaping(RuntimeLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_shape: tuple[int, ...] = ()


@kernel(reshaping_defs.Flatten)
class Flatten(_Reshaping):
    """C-order flattening of the non-batch axes (``channels_first`` moves channels last first)."""

    def _moved(self, ndim: int) -> bool:
        return self.channels_first() and ndim > 2

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._in_shape = x.shape
        if self._moved(x.ndim):
            x = self.xp.moveaxis(x, 1, -1)
        return x.reshape(x.shape[0], -1)

    def backward(self, dy: Array) -> Array:
        shape = self._in_shape
        if self._moved(len(shape)):
            moved = (shape[0], *shape[2:], shape[1])
            return self.xp.moveaxis(dy.reshape(moved), -1, 1)
        return dy.reshape(shape)


@kernel(reshaping_defs.Reshape)
class Reshape(_Reshaping):
    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._in_shape = x.shape
        return x.reshape(self.output_shape_for(x.shape))

    def backward(self, dy: Array) -> Array:
        return dy.reshape(self._in_shape)


@kernel(reshaping_defs.Permute)
class Permute(_Reshaping):
    """``Permute(dims)``: 1-based, batch axis excluded."""

    def _perm(self) -> tuple[int, ...]:
        return (0, *(int(d) for d in self.get("dims")))

    def forward(self, x: Array, training: bool = False) -> Array:
        return self.xp.transpose(self.cast_input(x), self._perm())

    def backward(self, dy: Array) -> Array:
        perm = self._perm()
        inverse = [0] * len(perm)
        for i, p in enumerate(perm):
            inverse[p] = i
        return self.xp.transpose(dy, inverse)


@kernel(reshaping_defs.RepeatVector)
class RepeatVector(_Reshaping):
    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        n = int(self.get("n"))
        return self.xp.broadcast_to(x[:, None, :], (x.shape[0], n, x.shape[1])).copy()

    def backward(self, dy: Array) -> Array:
        return dy.sum(axis=1)


# ---- padding and cropping ---------------------------------------------------------------------


class _Spatial(_Reshaping):
    rank: ClassVar[int] = 0
    has_format: ClassVar[bool] = True

    def _spatial_axes(self, ndim: int) -> list[int]:
        if self.has_format and self.channels_first():
            return list(range(2, ndim))
        return list(range(1, ndim - 1))

    def _amounts(self, name: str) -> list[tuple[int, int]]:
        value = self.get(name)
        got = (
            (None if (p := pair(value)) is None else (p,))
            if self.rank == 1
            else pairs(value, self.rank)
        )
        if got is None or any(a is None or b is None for a, b in got):
            raise ValueError(f"{self.class_name}: invalid {name} {value!r}")
        return [(int(a), int(b)) for a, b in got]  # type: ignore[arg-type]


class _ZeroPadding(_Spatial):
    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        widths = [(0, 0)] * x.ndim
        for axis, amount in zip(self._spatial_axes(x.ndim), self._amounts("padding"), strict=True):
            widths[axis] = amount
        self._widths = widths
        return self.xp.pad(x, widths, mode="constant")

    def backward(self, dy: Array) -> Array:
        index = tuple(slice(a, dy.shape[i] - b) for i, (a, b) in enumerate(self._widths))
        return dy[index]


@kernel(reshaping_defs.ZeroPadding1D)
class ZeroPadding1D(_ZeroPadding):
    rank = 1


@kernel(reshaping_defs.ZeroPadding2D)
class ZeroPadding2D(_ZeroPadding):
    rank = 2


@kernel(reshaping_defs.ZeroPadding3D)
class ZeroPadding3D(_ZeroPadding):
    rank = 3


class _Cropping(_Spatial):
    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._in_shape = x.shape
        index = [slice(None)] * x.ndim
        for axis, (a, b) in zip(self._spatial_axes(x.ndim), self._amounts("cropping"), strict=True):
            index[axis] = slice(a, x.shape[axis] - b)
        self._index = tuple(index)
        return x[self._index]

    def backward(self, dy: Array) -> Array:
        dx = self.xp.zeros(self._in_shape, dtype=dy.dtype)
        dx[self._index] = dy
        return dx


@kernel(reshaping_defs.Cropping1D)
class Cropping1D(_Cropping):
    rank = 1
    has_format = False


@kernel(reshaping_defs.Cropping2D)
class Cropping2D(_Cropping):
    rank = 2


@kernel(reshaping_defs.Cropping3D)
class Cropping3D(_Cropping):
    rank = 3


# ---- up-sampling ------------------------------------------------------------------------------


class _UpSampling(_Spatial):
    def _sizes(self) -> tuple[int, ...]:
        return ints(self.get("size"), self.rank, "size")

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._in_shape = x.shape
        for axis, size in zip(self._spatial_axes(x.ndim), self._sizes(), strict=True):
            x = self.xp.repeat(x, size, axis=axis)
        return x

    def backward(self, dy: Array) -> Array:
        shape: list[int] = []
        sum_axes = []
        spatial = dict(zip(self._spatial_axes(dy.ndim), self._sizes(), strict=True))
        for axis, n in enumerate(self._in_shape):
            shape.append(n)
            if axis in spatial:
                sum_axes.append(len(shape))
                shape.append(spatial[axis])
        return dy.reshape(shape).sum(axis=tuple(sum_axes))


@kernel(reshaping_defs.UpSampling1D)
class UpSampling1D(_UpSampling):
    rank = 1
    has_format = False


@kernel(reshaping_defs.UpSampling3D)
class UpSampling3D(_UpSampling):
    rank = 3


@kernel(reshaping_defs.UpSampling2D)
class UpSampling2D(_UpSampling):
    """``interpolation="nearest"`` repeats; ``"bilinear"`` is ``tf.image.resize`` bilinear with
    half-pixel centres (``src = (dst + 0.5) * in / out - 0.5``, clamped to the edges).

    TF's ResizeBilinear kernel works in float32 whatever the input dtype (Keras casts the
    result back), so this reproduces it operation by operation: float32 positions and lerps,
    ``top = tl + (tr - tl) * x_lerp``, ``bottom = bl + (br - bl) * x_lerp``,
    ``out = top + (bottom - top) * y_lerp``; the gradient's float32 products are accumulated
    in the layer's dtype like TF's ResizeBilinearGrad."""

    rank = 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.interpolation = str(self.get("interpolation", "nearest")).lower()
        if self.interpolation not in ("nearest", "bilinear"):
            raise NotImplementedError(
                f"UpSampling2D: interpolation={self.interpolation!r} is not supported"
            )
        self._lerps: tuple[Any, Any] | None = None

    def forward(self, x: Array, training: bool = False) -> Array:
        if self.interpolation == "nearest":
            return super().forward(x, training)
        x = self.cast_input(x)
        self._in_shape = x.shape
        h, w = (x.shape[2], x.shape[3]) if self.channels_first() else x.shape[1:3]
        sh, sw = self._sizes()
        xp = self.xp
        self._lerps = (resize_positions(xp, h, h * sh), resize_positions(xp, w, w * sw))
        return bilinear_resize(xp, x, self._lerps, self.channels_first())

    def backward(self, dy: Array) -> Array:
        if self.interpolation == "nearest":
            return super().backward(dy)
        assert self._lerps is not None
        return bilinear_resize_grad(self.xp, dy, self._lerps, self._in_shape, self.channels_first())


# ---- bilinear resizing, shared with Resizing ------------------------------------------------


def resize_positions(xp: Any, n_in: int, n_out: int) -> tuple[Array, Array, Array]:
    """Lower and upper source indices and the float32 lerp of each output row/column
    (``tf.image.resize`` bilinear, half-pixel centres, clamped to the edges)."""
    f32 = numpy.float32
    scale = f32(n_in) / f32(n_out)
    src = (xp.arange(n_out, dtype=f32) + f32(0.5)) * scale - f32(0.5)
    floor = xp.floor(src)
    lower = xp.maximum(floor, 0).astype(xp.int64)
    upper = xp.minimum(xp.ceil(src), n_in - 1).astype(xp.int64)
    return lower, upper, (src - floor).astype(f32)


Lerps = tuple[tuple[Array, Array, Array], tuple[Array, Array, Array]]


def bilinear_resize(xp: Any, x: Array, lerps: Lerps, channels_first: bool) -> Array:
    """TF's ResizeBilinear in float32 operation by operation (see UpSampling2D)."""
    if channels_first:
        x = xp.moveaxis(x, 1, -1)
    rows, cols = lerps
    x32 = x.astype(numpy.float32)
    top, bottom = x32[:, rows[0]], x32[:, rows[1]]
    x_lerp = cols[2][None, None, :, None]
    top = top[:, :, cols[0]] + (top[:, :, cols[1]] - top[:, :, cols[0]]) * x_lerp
    bottom = bottom[:, :, cols[0]] + (bottom[:, :, cols[1]] - bottom[:, :, cols[0]]) * x_lerp
    y = (top + (bottom - top) * rows[2][None, :, None, None]).astype(x.dtype)
    return xp.moveaxis(y, -1, 1) if channels_first else y


def bilinear_resize_grad(
    xp: Any, dy: Array, lerps: Lerps, in_shape: tuple[int, ...], channels_first: bool
) -> Array:
    """TF's ResizeBilinearGrad: float32 products accumulated in the gradient's dtype."""
    rows, cols = lerps
    dtype = dy.dtype
    if channels_first:
        dy = xp.moveaxis(dy, 1, -1)
    g = dy.astype(numpy.float32)
    y_lerp = rows[2][None, :, None, None]
    x_lerp = cols[2][None, None, :, None]
    one = numpy.float32(1)
    h, w = (in_shape[2], in_shape[3]) if channels_first else in_shape[1:3]

    def scatter(index: Array, size: int) -> Array:
        """0/1 matrix adding each output row/column into its source one."""
        m = xp.zeros((size, index.shape[0]), dtype=dtype)
        m[index, xp.arange(index.shape[0])] = 1
        return m

    dx = None
    for row_index, d in ((rows[0], (one - y_lerp) * g), (rows[1], y_lerp * g)):
        for col_index, wx in ((cols[0], one - x_lerp), (cols[1], x_lerp)):
            part = (d * wx).astype(dtype)  # float32 product, accumulated in the dtype
            part = xp.einsum("hy,nyxc,wx->nhwc", scatter(row_index, h), part, scatter(col_index, w))
            dx = part if dx is None else dx + part
    return xp.moveaxis(dx, -1, 1) if channels_first else dx
