"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, ZeroPadding1D/2D/3D,
Cropping1D/2D/3D, UpSampling1D/2D/3D (nearest; bilinear for 2D). Output shapes come from the
shared definitions (``seqlint.layers``)."""

from __future__ import annotations

from typing import Any, ClassVar

from seqlint.layers._common import pair, pairs
from seqlint.runtime.layers._windows import ints
from seqlint.runtime.layers.base import Array, RuntimeLayer


class _Reshaping(RuntimeLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_shape: tuple[int, ...] = ()


class Flatten(_Reshaping):
    """C-order flattening of the non-batch axes (``channels_first`` moves channels last first)."""

    class_name = "Flatten"

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


class Reshape(_Reshaping):
    class_name = "Reshape"

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._in_shape = x.shape
        return x.reshape(self.output_shape_for(x.shape))

    def backward(self, dy: Array) -> Array:
        return dy.reshape(self._in_shape)


class Permute(_Reshaping):
    """``Permute(dims)``: 1-based, batch axis excluded."""

    class_name = "Permute"

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


class RepeatVector(_Reshaping):
    class_name = "RepeatVector"

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


class ZeroPadding1D(_ZeroPadding):
    class_name = "ZeroPadding1D"
    rank = 1


class ZeroPadding2D(_ZeroPadding):
    class_name = "ZeroPadding2D"
    rank = 2


class ZeroPadding3D(_ZeroPadding):
    class_name = "ZeroPadding3D"
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


class Cropping1D(_Cropping):
    class_name = "Cropping1D"
    rank = 1
    has_format = False


class Cropping2D(_Cropping):
    class_name = "Cropping2D"
    rank = 2


class Cropping3D(_Cropping):
    class_name = "Cropping3D"
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


class UpSampling1D(_UpSampling):
    class_name = "UpSampling1D"
    rank = 1
    has_format = False


class UpSampling3D(_UpSampling):
    class_name = "UpSampling3D"
    rank = 3


class UpSampling2D(_UpSampling):
    """``interpolation="nearest"`` repeats; ``"bilinear"`` is ``tf.image.resize`` bilinear with
    half-pixel centres (``src = (dst + 0.5) / size - 0.5``, clamped to the edges), applied as
    one interpolation matrix per axis."""

    class_name = "UpSampling2D"
    rank = 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.interpolation = str(self.get("interpolation", "nearest")).lower()
        if self.interpolation not in ("nearest", "bilinear"):
            raise NotImplementedError(
                f"UpSampling2D: interpolation={self.interpolation!r} is not supported"
            )
        self._mats: tuple[Array, Array] | None = None

    def _matrix(self, n_in: int, factor: int, dtype: Any) -> Array:
        xp = self.xp
        n_out = n_in * factor
        src = (xp.arange(n_out, dtype=xp.float64) + 0.5) * (n_in / n_out) - 0.5
        floor = xp.floor(src)
        lower = xp.maximum(floor, 0).astype(xp.int64)
        upper = xp.minimum(xp.ceil(src), n_in - 1).astype(xp.int64)
        lerp = src - floor
        rows = xp.arange(n_out)
        mat = xp.zeros((n_out, n_in), dtype=xp.float64)
        mat[rows, lower] += 1 - lerp
        mat[rows, upper] += lerp
        return mat.astype(dtype)

    def forward(self, x: Array, training: bool = False) -> Array:
        if self.interpolation == "nearest":
            return super().forward(x, training)
        xp = self.xp
        x = self.cast_input(x)
        self._in_shape = x.shape
        moved = self.channels_first()
        if moved:
            x = xp.moveaxis(x, 1, -1)
        n, h, w, c = x.shape
        sh, sw = self._sizes()
        mh, mw = self._matrix(h, sh, x.dtype), self._matrix(w, sw, x.dtype)
        self._mats = (mh, mw)
        y = (mh @ x.reshape(n, h, w * c)).reshape(n * h * sh, w, c)
        y = (mw @ y).reshape(n, h * sh, w * sw, c)
        return xp.moveaxis(y, -1, 1) if moved else y

    def backward(self, dy: Array) -> Array:
        if self.interpolation == "nearest":
            return super().backward(dy)
        xp = self.xp
        assert self._mats is not None
        mh, mw = self._mats
        moved = self.channels_first()
        if moved:
            dy = xp.moveaxis(dy, 1, -1)
        n, p, q, c = dy.shape
        h, w = mh.shape[1], mw.shape[1]
        g = (mw.T @ dy.reshape(n * p, q, c)).reshape(n, p, w * c)
        dx = (mh.T @ g).reshape(n, h, w, c)
        return xp.moveaxis(dx, -1, 1) if moved else dx
