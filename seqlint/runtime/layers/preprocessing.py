"""Rescaling: ``x * scale + offset``. Keras casts ``scale`` and ``offset`` through float32
(``ops.cast`` of a Python float), so ``1/255`` is ``0.003921568859368563`` even in float64."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy

from seqlint.layers import preprocessing as preprocessing_defs
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel
from seqlint.runtime.layers.lookup import host as host_array
from seqlint.runtime.layers.quantiles import bin_boundaries
from seqlint.runtime.layers.reshaping import (
    bilinear_resize,
    bilinear_resize_grad,
    resize_positions,
)

if TYPE_CHECKING:
    from seqlint.runtime.core import Variable


def _through_float32(xp: Any, value: Any, dtype: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(numpy.float32(value))
    return xp.asarray(numpy.asarray(value, dtype=numpy.float32), dtype=dtype)


@kernel(preprocessing_defs.Rescaling)
class Rescaling(RuntimeLayer):
    supports_masking = True

    def _constants(self) -> tuple[Any, Any]:
        return (
            _through_float32(self.xp, self.get("scale"), self.dtype),
            _through_float32(self.xp, self.get("offset", 0.0), self.dtype),
        )

    def forward(self, x: Array, training: bool = False) -> Array:
        scale, offset = self._constants()
        return self.cast_input(x) * scale + offset

    def backward(self, dy: Array) -> Array:
        scale, _ = self._constants()
        return dy * scale


@kernel(preprocessing_defs.Normalization)
class Normalization(RuntimeLayer):
    """``(x - mean) / max(sqrt(variance), 1e-7)`` per kept axis (``invert=True``: the reverse).

    With ``mean``/``variance`` given the layer has no weights; otherwise it owns the
    non-trainable weights ``mean``, ``variance`` and ``count`` (Keras's order), zeros / ones
    until :meth:`adapt` sets them from data."""

    epsilon = 1e-7  # keras.config.epsilon()
    # Set by build_weights when the statistics are adapted, not given.
    mean: Variable
    variance: Variable
    count: Variable

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        axis = self.get("axis", -1)
        self.axis: tuple[int, ...] = (
            () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        )
        self.invert = bool(self.get("invert", False))
        self._given = self.get("mean") is not None
        self._keep: list[int] = []
        self._reduce: list[int] = []
        self._broadcast: list[int] = []

    def build(self, input_shape: Any) -> None:
        ndim = len(input_shape)
        self._keep = sorted(d if d >= 0 else d + ndim for d in self.axis)
        if any(d < 1 or d >= ndim for d in self._keep):
            raise ValueError(
                "All `axis` values must be in the range [-ndim, ndim). Received inputs with "
                f"ndim={ndim}, while axis={self.axis}"
            )
        self._reduce = [d for d in range(ndim) if d not in self._keep]
        kept = tuple(input_shape[d] for d in self._keep)
        if any(d is None for d in kept):
            raise ValueError(
                f"All `axis` values to be kept must have a known shape. Received axis={self.axis}"
            )
        self._broadcast = [input_shape[d] if d in self._keep else 1 for d in range(ndim)]
        self.build_weights(input_shape)  # adapted: mean, variance, count; given: none

    def adapt(self, data: Any) -> None:
        """Set ``mean``/``variance`` from ``data`` (batch first), as ``keras`` ``adapt`` does."""
        data = numpy.asarray(data)
        self.ensure_built((None, *data.shape[1:]))
        if self._given:
            raise ValueError("adapt() is not supported when `mean` and `variance` are given")
        values = data.astype(numpy.float64)
        axes = tuple(self._reduce)
        kept = self.mean.shape
        self.mean.assign(self.xp.asarray(values.mean(axis=axes).reshape(kept), dtype=self.dtype))
        self.variance.assign(self.xp.asarray(values.var(axis=axes).reshape(kept), dtype=self.dtype))
        self.count.assign(self.xp.asarray(float(data.shape[0]), dtype=self.dtype))

    def _stats(self) -> tuple[Array, Array]:
        xp, shape = self.xp, tuple(self._broadcast)
        if self._given:
            kept = tuple(shape[d] for d in self._keep)
            mean = numpy.broadcast_to(numpy.asarray(self.get("mean"), numpy.float32), kept)
            var = numpy.broadcast_to(numpy.asarray(self.get("variance"), numpy.float32), kept)
            mean_a = xp.asarray(mean.reshape(shape), dtype=self.dtype)
            var_a = xp.asarray(var.reshape(shape), dtype=self.dtype)
        else:
            mean_a = self.mean.value.reshape(shape)
            var_a = self.variance.value.reshape(shape)
        scale = xp.maximum(xp.sqrt(var_a), self.dtype(self.epsilon))
        return mean_a, scale

    def forward(self, x: Array, training: bool = False) -> Array:
        mean, scale = self._stats()
        x = self.cast_input(x)
        return mean + x * scale if self.invert else (x - mean) / scale

    def backward(self, dy: Array) -> Array:
        _, scale = self._stats()
        return dy * scale if self.invert else dy / scale


@kernel(preprocessing_defs.CenterCrop)
class CenterCrop(RuntimeLayer):
    """The central ``height`` x ``width`` window of each image (Keras crops at offset
    ``(size - target) // 2``). A target larger than the image (which Keras resizes to) is not
    supported."""

    def _window(self, shape: tuple[int, ...]) -> tuple[slice, ...]:
        h_axis = -3 if not self.channels_first() else -2
        h, w = int(self.get("height")), int(self.get("width"))
        size_h, size_w = shape[h_axis], shape[h_axis + 1]
        if h > size_h or w > size_w:
            raise NotImplementedError(
                f"CenterCrop to {h}x{w} of a {size_h}x{size_w} image: Keras resizes it first, "
                "which seqlint.runtime does not do"
            )
        top, left = (size_h - h) // 2, (size_w - w) // 2
        index = [slice(None)] * len(shape)
        index[h_axis] = slice(top, top + h)
        index[h_axis + 1] = slice(left, left + w)
        return tuple(index)

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._shape = tuple(x.shape)
        return x[self._window(self._shape)]

    def backward(self, dy: Array) -> Array:
        dx = self.xp.zeros(self._shape, dtype=dy.dtype)
        dx[self._window(self._shape)] = dy
        return dx


@kernel(preprocessing_defs.RandomFlip)
class RandomFlip(RuntimeLayer):
    """In training, each image is flipped with probability 1/2 (``horizontal``, ``vertical`` or
    both with one draw per image, as Keras does); the identity at inference."""

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._flips = None
        mode = str(self.get("mode", "horizontal_and_vertical"))
        axes = {"horizontal": (-2,), "vertical": (-3,), "horizontal_and_vertical": (-2, -3)}
        self._axes = tuple(a + (1 if self.channels_first() else 0) for a in axes.get(mode, ()))
        if not training or not self._axes:
            return x
        batched = x.ndim == 4
        shape = (x.shape[0], 1, 1, 1) if batched else (1, 1, 1)
        self._flips = self.uniform(shape) <= 0.5
        return self.xp.where(self._flips, self.xp.flip(x, axis=self._axes), x)

    def backward(self, dy: Array) -> Array:
        if self._flips is None:
            return dy
        return self.xp.where(self._flips, self.xp.flip(dy, axis=self._axes), dy)


@kernel(preprocessing_defs.Resizing)
class Resizing(RuntimeLayer):
    """``tf.image.resize`` to ``(height, width)``: ``bilinear`` (half-pixel centres, float32 as
    TF computes it) or ``nearest`` (source ``floor((dst + 0.5) * in / out)``). Other
    interpolations, antialiasing and the aspect-ratio options are not supported."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.interpolation = str(self.get("interpolation", "bilinear")).lower()
        unsupported = [
            k for k in ("crop_to_aspect_ratio", "pad_to_aspect_ratio", "antialias") if self.get(k)
        ]
        if self.interpolation not in ("bilinear", "nearest") or unsupported:
            what = unsupported or [f"interpolation={self.interpolation!r}"]
            raise NotImplementedError(f"Resizing: {', '.join(what)} is not supported")

    def _axes(self) -> tuple[int, int]:
        return (2, 3) if self.channels_first() else (1, 2)

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._in_shape = tuple(x.shape)
        ah, aw = self._axes()
        out_h, out_w = int(self.get("height")), int(self.get("width"))
        xp = self.xp
        if self.interpolation == "nearest":
            self._rows = _nearest(xp, x.shape[ah], out_h)
            self._cols = _nearest(xp, x.shape[aw], out_w)
            return xp.take(xp.take(x, self._rows, axis=ah), self._cols, axis=aw)
        self._lerps = (
            resize_positions(xp, x.shape[ah], out_h),
            resize_positions(xp, x.shape[aw], out_w),
        )
        return bilinear_resize(xp, x, self._lerps, self.channels_first())

    def backward(self, dy: Array) -> Array:
        xp = self.xp
        if self.interpolation == "bilinear":
            return bilinear_resize_grad(xp, dy, self._lerps, self._in_shape, self.channels_first())
        ah, aw = self._axes()
        dx = xp.zeros(self._in_shape, dtype=dy.dtype)
        rows = xp.zeros((self._in_shape[ah], len(self._rows)), dtype=dy.dtype)
        rows[self._rows, xp.arange(len(self._rows))] = 1
        cols = xp.zeros((self._in_shape[aw], len(self._cols)), dtype=dy.dtype)
        cols[self._cols, xp.arange(len(self._cols))] = 1
        spec = "hy,ncyx,wx->nchw" if self.channels_first() else "hy,nyxc,wx->nhwc"
        dx += xp.einsum(spec, rows, dy, cols)
        return dx


def _nearest(xp: Any, n_in: int, n_out: int) -> Array:
    scale = numpy.float32(n_in) / numpy.float32(n_out)
    src = xp.floor((xp.arange(n_out, dtype=numpy.float32) + numpy.float32(0.5)) * scale)
    return xp.minimum(src.astype(xp.int64), n_in - 1)


def _encode(xp: Any, ids: Array, depth: int, mode: str, dtype: Any) -> Array:
    """Keras's ``one_hot`` / ``multi_hot`` / ``count`` encodings of integer ids (ids outside
    ``[0, depth)`` count nowhere, as TF's bincount drops them)."""
    if mode == "one_hot":
        if ids.ndim > 1 and ids.shape[-1] == 1:
            ids = ids[..., 0]
        return (ids[..., None] == xp.arange(depth)).astype(dtype)
    rows = ids.reshape(-1, ids.shape[-1]) if ids.ndim > 1 else ids.reshape(1, -1)
    out = xp.zeros((rows.shape[0], depth), dtype=dtype)
    for j in range(rows.shape[1]):
        hit = rows[:, j][:, None] == xp.arange(depth)
        out += hit
    if mode == "multi_hot":
        out = (out > 0).astype(dtype)
    shape = (*ids.shape[:-1], depth) if ids.ndim > 1 else (depth,)
    return out.reshape(shape)


@kernel(preprocessing_defs.CategoryEncoding)
class CategoryEncoding(RuntimeLayer):
    """Integer ids to ``num_tokens``-wide one-hot / multi-hot / count vectors (no gradient to
    the ids)."""

    def cast_input(self, x: Array) -> Array:
        return self.xp.asarray(x).astype("int64", copy=False)

    def forward(self, x: Array, training: bool = False) -> Array:
        if self.get("sparse"):
            raise NotImplementedError("CategoryEncoding: sparse=True is not supported")
        mode = str(self.get("output_mode", "multi_hot"))
        return _encode(self.xp, self.cast_input(x), int(self.get("num_tokens")), mode, self.dtype)

    def backward(self, dy: Array) -> Array:
        return None


@kernel(preprocessing_defs.Discretization)
class Discretization(RuntimeLayer):
    """Bucket index of each value: ``i`` where ``boundaries[i - 1] <= x < boundaries[i]``
    (TF's Bucketize), or its one-hot / multi-hot / count encoding. With ``num_bins``,
    ``adapt`` learns the boundaries from Keras's approximate quantiles (:mod:`.quantiles`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bin_boundaries: list[float] | None = self.get("bin_boundaries")

    def adapt(self, data: Any) -> None:
        num_bins = self.get("num_bins")
        if num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with "
                "`bin_boundaries`, use `num_bins` instead."
            )
        epsilon = float(self.get("epsilon", 0.01))
        self.bin_boundaries = bin_boundaries(host_array(data), int(num_bins), epsilon)

    def forward(self, x: Array, training: bool = False) -> Array:
        bounds = self.bin_boundaries
        if bounds is None:
            raise ValueError(
                "You need to either pass the `bin_boundaries` argument at construction time "
                "or call `adapt(dataset)` before you can start using the `Discretization` "
                "layer."
            )
        xp = self.xp
        ids = xp.searchsorted(
            xp.asarray(sorted(float(b) for b in bounds)), xp.asarray(x), side="right"
        )
        mode = str(self.get("output_mode", "int"))
        if mode == "int":
            return ids.astype("int32")  # Keras's output_dtype for int mode
        return _encode(xp, ids, len(bounds) + 1, mode, self.dtype)

    def backward(self, dy: Array) -> Array:
        return None
