"""Random geometric, blur and mixing augmentation: RandomShear, RandomPerspective,
RandomElasticTransform, RandomErasing, RandomGaussianBlur, MixUp, CutMix.

Each is the identity at inference, as in Keras, and in training draws its transform from the
distributions Keras 3.15.1 draws it from (the random streams differ from Keras's). Given the same
draw the output is Keras's (TensorFlow backend): the shear and the perspective are TF's
``ImageProjectiveTransformV3`` sampling (shared with RandomRotation, see
:mod:`~seqlint.runtime.layers.augmentation`), the elastic transform is Keras's
``map_coordinates`` on a Gaussian-blurred noise field, the blur is Keras's depthwise Gaussian
kernel with ``SAME`` zero padding.

Inside a Sequential model the layers see images only, never labels, so ``MixUp`` and ``CutMix``
mix the images and leave the labels alone, as Keras does there.

Gradients: these layers belong in front of the weights, where the model never asks for one
(its backward pass stops at the first layer with weights). Every transform is linear in the
image for a given draw (up to the clip to ``value_range``), so each still has its exact input
gradient, for a model that puts one after a layer with weights.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy

from seqlint.layers import preprocessing as defs
from seqlint.runtime.layers.augmentation import _Affine, _pair, scatter_taps
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel


def _check_rank(x: Array) -> None:
    """Keras's ``_is_batched``: one image (rank 3) or a batch of images (rank 4)."""
    if x.ndim not in (3, 4):
        raise ValueError(
            "Expected image tensor to have rank 3 (single image) or 4 (batch of images). "
            f"Received: data.shape={tuple(x.shape)}"
        )


def _gaussian_1d(size: int, sigma: float) -> numpy.ndarray:
    x = numpy.arange(size, dtype=numpy.float64) - (size - 1) / 2
    k = numpy.exp(-0.5 * (x / sigma) ** 2)
    return k / k.sum()


def gaussian_kernel(size: tuple[int, int], sigma: tuple[float, float]) -> numpy.ndarray:
    """Keras's 2-D blur kernel ``(size[0], size[1])``: the outer product of the y kernel
    (``size[1]``, ``sigma[1]``) and the x kernel (``size[0]``, ``sigma[0]``), reshaped to
    ``size`` as Keras reshapes it (for a non-square size that scrambles the rows, as in Keras)."""
    kx = _gaussian_1d(size[0], sigma[0])
    ky = _gaussian_1d(size[1], sigma[1])
    return numpy.outer(ky, kx).reshape(size[0], size[1])


def _correlate(xp: Any, img: Array, weights: numpy.ndarray, axis: int, before: int) -> Array:
    """1-D cross-correlation along ``axis``, zero padding ``before`` and ``len - 1 - before``
    (TF's ``SAME``: ``(len - 1) // 2`` before). Its adjoint is the reversed weights with the
    paddings swapped."""
    k = len(weights)
    pad = [(0, 0)] * img.ndim
    pad[axis] = (before, k - 1 - before)
    padded = xp.pad(img, pad)
    size = img.shape[axis]
    out = xp.zeros_like(img)
    for t, wt in enumerate(weights):
        window = [slice(None)] * img.ndim
        window[axis] = slice(t, t + size)
        out += img.dtype.type(wt) * padded[tuple(window)]
    return out


def gaussian_blur(
    xp: Any,
    img: Array,
    size: tuple[int, int],
    sigma: tuple[float, float],
    adjoint: bool = False,
) -> Array:
    """Keras's ``ops.image.gaussian_blur`` of ``(n, h, w, c)`` images (each channel alone,
    ``SAME`` zero padding), or with ``adjoint`` its transpose (the input gradient). A square
    kernel is separable: two 1-D passes."""
    kern = gaussian_kernel(size, sigma)
    if size[0] == size[1]:
        passes = [(_gaussian_1d(size[1], sigma[1]), 1), (_gaussian_1d(size[0], sigma[0]), 2)]
        for weights, axis in passes:
            before = (len(weights) - 1) // 2
            if adjoint:
                weights, before = weights[::-1], len(weights) - 1 - before
            img = _correlate(xp, img, weights, axis, before)
        return img
    kh, kw = kern.shape
    top, left = (kh - 1) // 2, (kw - 1) // 2
    if adjoint:
        kern, top, left = kern[::-1, ::-1], kh - 1 - top, kw - 1 - left
    padded = xp.pad(img, [(0, 0), (top, kh - 1 - top), (left, kw - 1 - left), (0, 0)])
    n, h, w, c = img.shape
    out = xp.zeros_like(img)
    for i in range(kh):
        for j in range(kw):
            out += img.dtype.type(kern[i, j]) * padded[:, i : i + h, j : j + w, :]
    return out


def _fix_index(xp: Any, idx: Array, size: int, mode: str) -> tuple[Array, Array | None]:
    """Keras's ``map_coordinates`` index fixing: a safe index, and for ``constant`` which
    indices were inside (the others read ``fill_value``)."""
    if mode == "constant":
        return xp.clip(idx, 0, size - 1), (idx >= 0) & (idx < size)
    if mode == "nearest":
        return xp.clip(idx, 0, size - 1), None
    if mode == "wrap":
        return idx % size, None
    # reflect: |i| folded into [0, 2 size), the upper half mirrored back one short
    folded = xp.abs(idx) % (2 * size)
    over = folded >= size
    return xp.where(over, 2 * size - folded - 1, folded), None


def coordinate_taps(
    xp: Any, ys: Array, xs: Array, shape: tuple[int, int], interpolation: str, fill_mode: str
) -> tuple[list[tuple[Array, Array]], Array]:
    """Keras's ``map_coordinates`` at per-image positions ``ys``/``xs`` (``(n, h, w)``) of
    ``shape`` images, as ``(flat index, weight)`` taps (order 0: round half to even; order 1:
    bilinear) and the weight each pixel gives ``fill_value`` (``constant`` only)."""
    h, w = shape
    n = ys.shape[0]

    def corners(coord: Array) -> list[tuple[Array, Array]]:
        if interpolation == "nearest":
            return [(xp.round(coord), xp.ones_like(coord))]
        low = xp.floor(coord)
        up = coord - low
        return [(low, 1.0 - up), (low + 1.0, up)]

    taps = []
    fill = xp.zeros((n, h * w), dtype=ys.dtype)
    for (iy, wy), (ix, wx) in itertools.product(corners(ys), corners(xs)):
        sy, vy = _fix_index(xp, iy.astype(xp.int64), h, fill_mode)
        sx, vx = _fix_index(xp, ix.astype(xp.int64), w, fill_mode)
        weight = (wy * wx).reshape(n, h * w)
        if vy is not None and vx is not None:
            inside = (vy & vx).reshape(n, h * w)
            fill += xp.where(inside, 0.0, weight)
            weight = xp.where(inside, weight, 0.0)
        taps.append(((sy * w + sx).reshape(n, h * w), weight))
    return taps, fill


def sample_taps(
    xp: Any, img: Array, taps: list[tuple[Array, Array]], fill: Array, value: float
) -> Array:
    """``(n, h, w, c)`` images read through :func:`coordinate_taps`."""
    n, h, w, c = img.shape
    flat = img.reshape(n, h * w, c)
    out = (fill * value)[..., None].astype(img.dtype) * xp.ones((1, 1, c), dtype=img.dtype)
    for idx, weight in taps:
        got = xp.take_along_axis(flat, idx[..., None], axis=1)
        out += weight[..., None].astype(img.dtype) * got
    return out.reshape(n, h, w, c)


def map_coordinates(
    xp: Any,
    img: Array,
    ys: Array,
    xs: Array,
    interpolation: str,
    fill_mode: str,
    fill_value: float,
) -> Array:
    """``(n, h, w, c)`` images sampled at per-image positions ``ys``/``xs`` of shape
    ``(n, h, w)``, as Keras's ``map_coordinates`` applied to every channel."""
    taps, fill = coordinate_taps(xp, ys, xs, img.shape[1:3], interpolation, fill_mode)
    return sample_taps(xp, img, taps, fill, fill_value)


class _Image(RuntimeLayer):
    """An image augmentation: the identity at inference, :meth:`augment` of ``(n, h, w, c)``
    images in training (channels_first is transposed around it; a rank-3 input is one image,
    as Keras reads it)."""

    def _nhwc(self, x: Array) -> Array:
        img = x[None] if x.ndim == 3 else x
        return img.transpose(0, 2, 3, 1) if self.channels_first() else img

    def _layout(self, y: Array, ndim: int) -> Array:
        if self.channels_first():
            y = y.transpose(0, 3, 1, 2)
        return y[0] if ndim == 3 else y

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        _check_rank(x)
        self._augmented = False
        if not training:
            return x
        out = self.augment(self._nhwc(x))
        if out is None:
            return x
        self._augmented = True
        return self._layout(out, x.ndim)

    def augment(self, img: Array) -> Array | None:
        """The training-time transform of ``(n, h, w, c)`` images (``None``: unchanged)."""
        raise NotImplementedError

    def backward(self, dy: Array) -> Array:
        if not self._augmented:
            return dy
        return self._layout(self.augment_backward(self._nhwc(dy)), dy.ndim)

    def augment_backward(self, g: Array) -> Array:
        """The input gradient of :meth:`augment` for the output gradient ``g`` (NHWC)."""
        g = g * self._inside
        return self.xp.where(self._gate, self.transposed(g), g)

    def transposed(self, g: Array) -> Array:
        """The transpose of the (linear) transform :meth:`_gate_and_clip` was given."""
        raise NotImplementedError

    def _gate_and_clip(self, applied: Array, transformed: Array, img: Array) -> Array:
        """Keras's ending: the transformed images where ``applied``, the others unchanged, the
        whole batch clipped to ``value_range``."""
        vlo, vhi = self._value_range()
        self._gate = applied[:, None, None, None]
        out = self.xp.where(self._gate, transformed, img)
        self._inside = ((out >= vlo) & (out <= vhi)).astype(out.dtype)
        return self.xp.clip(out, vlo, vhi)

    def _applied(self, n: int) -> Array:
        """Keras's per-image gate of ``factor``: ``U(0, 1) < U(factor)``, a ``(n,)`` bool."""
        lo, hi = _pair(self.get("factor", 1.0), low=0.0)
        probability = lo + (hi - lo) * self.uniform((n,))
        return self.uniform((n,)) < probability

    def _value_range(self) -> tuple[float, float]:
        lo, hi = (float(v) for v in self.get("value_range", (0, 255)))
        return lo, hi


@kernel(defs.RandomShear)
class RandomShear(_Affine):
    """``x' = x + sx y``, ``y' = sy x + y`` about the top-left corner, ``sx`` and ``sy`` uniform
    in ``x_factor`` and ``y_factor`` and both negated for a random half of the images."""

    def forward(self, x: Array, training: bool = False) -> Array:
        _check_rank(x)
        return super().forward(x, training)

    def matrices(self, n: int, height: int, width: int) -> Array:
        xp = self.xp
        sign = xp.where(self.uniform((n,)) > 0.5, -1.0, 1.0)
        yl, yu = _pair(self.get("y_factor", 0.0))
        xl, xu = _pair(self.get("x_factor", 0.0))
        shear_y = self._uniform(n, yl, yu) * sign
        shear_x = self._uniform(n, xl, xu) * sign
        ones, zeros = xp.ones(n), xp.zeros(n)
        return xp.stack([ones, shear_x, zeros, shear_y, ones, zeros], axis=1)


@kernel(defs.RandomPerspective)
class RandomPerspective(_Affine):
    """Moves the corners of a random ``factor`` share of the images (each corner coordinate by
    up to ``scale / 2`` of itself, so the top-left corner stays) and samples the image through
    the homography between the corners, filling with ``fill_value``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fill_mode = "constant"  # TF's projective transform default; Keras passes no mode

    def forward(self, x: Array, training: bool = False) -> Array:
        _check_rank(x)
        return super().forward(x, training)

    def matrices(self, n: int, height: int, width: int) -> Array:
        rng = self.noise_rng()
        lo, hi = _pair(self.get("factor", 1.0), low=0.0)
        applied = rng.random(n) < lo + (hi - lo) * rng.random(n)
        scale = float(self.get("scale", 1.0))
        moves = rng.uniform(-0.5 * scale, 0.5 * scale, size=(n, 4, 2))
        start = numpy.array(
            [[0.0, 0.0], [width - 1.0, 0.0], [0.0, height - 1.0], [width - 1.0, height - 1.0]]
        )
        rows = numpy.tile(numpy.array([1.0, 0, 0, 0, 1, 0, 0, 0]), (n, 1))
        if applied.any():
            rows[applied] = homography(start, start + start * moves[applied])
        return self.xp.asarray(rows)

    def source_positions(self, m: Array, xs: Array, ys: Array) -> tuple[Array, Array]:
        xp = self.xp
        k = m[:, 6:7] * xs + m[:, 7:8] * ys + 1.0
        safe = xp.where(k == 0, 1.0, k)
        src_x, src_y = super().source_positions(m, xs, ys)
        far = -2.0 * (xs.shape[-1] + 2)  # TF gives fill_value where the projection is 0
        return xp.where(k == 0, far, src_x / safe), xp.where(k == 0, far, src_y / safe)


def homography(start: numpy.ndarray, end: numpy.ndarray) -> numpy.ndarray:
    """Keras's ``compute_homography_matrix``: the 8 projective coefficients that map each of
    the 4 ``end`` points (output pixels) to its ``start`` point (input position); ``(4, 2)``
    points give ``(8,)``, ``(k, 4, 2)`` give ``(k, 8)``."""
    start, end = numpy.broadcast_arrays(numpy.asarray(start, float), numpy.asarray(end, float))
    batch = start.shape[:-2]
    sx, sy = start[..., 0], start[..., 1]
    ex, ey = end[..., 0], end[..., 1]
    one, zero = numpy.ones_like(ex), numpy.zeros_like(ex)
    row_x = numpy.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], axis=-1)
    row_y = numpy.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], axis=-1)
    a = numpy.stack([row_x, row_y], axis=-2).reshape(*batch, 8, 8)
    b = numpy.stack([sx, sy], axis=-1).reshape(*batch, 8, 1)
    try:
        return numpy.linalg.solve(a, b)[..., 0]
    except numpy.linalg.LinAlgError:
        raise NotImplementedError(
            "RandomPerspective: an image one pixel high or wide has no homography between its "
            "corners"
        ) from None


@kernel(defs.RandomElasticTransform)
class RandomElasticTransform(_Image):
    """Displaces every pixel of a random ``factor`` share of the images along a smooth random
    field, then clips the batch to ``value_range``.

    As Keras's TensorFlow backend does: one distortion ``d ~ U(scale)`` per batch gives
    ``alpha = 0.1 d max(h, w)`` and ``sigma = 0.05 d min(h, w)``; the field is ``N(0, 1) sigma``
    per pixel blurred by a ``6 floor(sigma) + 1`` Gaussian kernel, and the same field moves
    both axes (TF draws both with one seed), so pixels move along the diagonal."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fill_mode = str(self.get("fill_mode", "reflect"))
        self.interpolation = str(self.get("interpolation", "bilinear"))
        if self.interpolation not in ("nearest", "bilinear"):
            raise NotImplementedError(
                f"Unknown `interpolation` {self.interpolation}. Expected of one "
                "('nearest', 'bilinear')."
            )
        if self.fill_mode not in ("constant", "nearest", "wrap", "reflect"):
            raise NotImplementedError(
                f"RandomElasticTransform: fill_mode={self.fill_mode!r} fails in training with "
                "Keras's TensorFlow backend (its elastic transform takes constant, nearest, "
                "wrap or reflect)"
            )

    def augment(self, img: Array) -> Array | None:
        s_lo, s_hi = _pair(self.get("scale", 1.0), low=0.0)
        f_lo, f_hi = _pair(self.get("factor", 1.0), low=0.0)
        if s_hi == 0 or f_hi == 0:
            return None  # Keras draws no transformation: not even the clip
        n, h, w, _ = img.shape
        applied = self._applied(n)
        distortion = s_lo + (s_hi - s_lo) * float(self.noise_rng().random())
        noise = self.normal((n, h, w, 1))
        warped = self.warp(img, distortion, noise)
        return self._gate_and_clip(applied, warped, img)

    def warp(self, img: Array, distortion: float, noise: Array) -> Array:
        """The elastic transform of ``img`` for a drawn distortion and ``(n, h, w, 1)`` standard
        normal noise (Keras's ``ops.image.elastic_transform`` given that noise)."""
        xp = self.xp
        n, h, w, c = img.shape
        alpha = max(h, w) * 0.1 * distortion
        sigma = min(h, w) * 0.05 * distortion
        self._taps: list[tuple[Array, Array]] | None = None
        if sigma <= 0:
            return img
        size = 6 * int(sigma) | 1
        field = gaussian_blur(xp, (noise * sigma).astype(img.dtype), (size, size), (sigma, sigma))
        field = field[..., 0]
        rows, cols = xp.meshgrid(
            xp.arange(h, dtype=img.dtype), xp.arange(w, dtype=img.dtype), indexing="ij"
        )
        shift = img.dtype.type(alpha) * field
        taps, fill = coordinate_taps(
            xp, rows + shift, cols + shift, (h, w), self.interpolation, self.fill_mode
        )
        self._taps = taps
        return sample_taps(xp, img, taps, fill, float(self.get("fill_value", 0.0) or 0.0))

    def transposed(self, g: Array) -> Array:
        if self._taps is None:
            return g
        n, h, w, c = g.shape
        return scatter_taps(self.xp, self._taps, g.reshape(n, h * w, c)).reshape(g.shape)


@kernel(defs.RandomGaussianBlur)
class RandomGaussianBlur(_Image):
    """Blurs a random ``factor`` share of the images with Keras's Gaussian kernel (one
    ``sigma ~ U(sigma)`` per axis and batch, ``kernel_size`` taps), then clips the batch to
    ``value_range``."""

    def augment(self, img: Array) -> Array | None:
        n = img.shape[0]
        applied = self._applied(n)
        s_lo, s_hi = _pair(self.get("sigma", 1.0), low=0.0)
        sx, sy = (s_lo + (s_hi - s_lo) * self.noise_rng().random(2) + 1e-6).tolist()
        size = self.get("kernel_size", 3)
        ks = (int(size[0]), int(size[1])) if isinstance(size, (tuple, list)) else (int(size),) * 2
        self._blur = (ks, (sx, sy))
        return self._gate_and_clip(applied, gaussian_blur(self.xp, img, ks, (sx, sy)), img)

    def transposed(self, g: Array) -> Array:
        ks, sigma = self._blur
        return gaussian_blur(self.xp, g, ks, sigma, adjoint=True)


def _boxes(layer: _Image, n: int, h: int, w: int, side: Array) -> Array:
    """Keras's random boxes: ``side[:, 0] * w`` by ``side[:, 1] * h`` at a uniform position per
    image, as a ``(n, h, w, 1)`` bool mask of the pixels whose index lies in the box.

    Computed in the layer's dtype, as Keras computes them in its compute dtype: in float32 a
    CutMix weight under 6e-8 makes ``1 - w`` exactly 1, a whole image pasted (8 % of the
    images at ``factor=0.1`` in Keras, 1 % in float64)."""
    xp = layer.xp
    dtype = layer.dtype
    bounds = []
    for ratio, length in ((side[:, 0].astype(dtype), w), (side[:, 1].astype(dtype), h)):
        extent = ratio * dtype(length)
        start = layer.uniform((n,)).astype(dtype) * (dtype(length) - extent)
        bounds.append((start, start + extent))
    (x0, x1), (y0, y1) = bounds
    gx = xp.arange(w, dtype=dtype)[None, None, :]
    gy = xp.arange(h, dtype=dtype)[None, :, None]
    inside = (gx >= x0[:, None, None]) & (gx < x1[:, None, None])
    inside = inside & (gy >= y0[:, None, None]) & (gy < y1[:, None, None])
    return inside[..., None]


@kernel(defs.RandomErasing)
class RandomErasing(_Image):
    """Erases one random box (area share ``U(scale)`` per axis, squared) of a random ``factor``
    share of the images: with ``fill_value`` (a number or one per channel), or without it with
    ``N(0, 1) * value_range[1]`` noise; the fill is clipped to ``value_range``."""

    def augment(self, img: Array) -> Array | None:
        xp = self.xp
        n, h, w, c = img.shape
        s_lo, s_hi = _pair(self.get("scale", (0.02, 0.33)), low=0.0)
        side = xp.sqrt((s_lo + (s_hi - s_lo) * self.uniform((n, 2))).astype(self.dtype))
        # Keras draws the x bounds, then the y bounds, then the gate
        erase = _boxes(self, n, h, w, side) & self._applied(n)[:, None, None, None]
        vlo, vhi = self._value_range()
        given = self.get("fill_value")
        if given is None:
            fill = self.normal(img.shape) * vhi
        elif isinstance(given, (tuple, list)):
            if len(given) != 3:
                raise ValueError(
                    "The `fill_value` argument should be a number (or a list of three numbers) "
                )
            fill = xp.asarray(numpy.broadcast_to(numpy.asarray(given, dtype=float), (c,)))
        else:
            fill = xp.asarray(float(given))
        fill = xp.clip(fill, vlo, vhi).astype(img.dtype)
        self._erased = erase
        return xp.where(erase, fill, img)

    def augment_backward(self, g: Array) -> Array:
        return self.xp.where(self._erased, g.dtype.type(0), g)


class _Mixing(_Image):
    """Mixes each image with another of the batch (a random permutation)."""

    def _permutation(self, n: int) -> Array:
        perm = self.noise_rng().permutation(n)
        self._inverse = self.xp.asarray(numpy.argsort(perm))
        return self.xp.asarray(perm)


@kernel(defs.MixUp)
class MixUp(_Mixing):
    """``w x + (1 - w) x[perm]`` with ``w ~ Beta(alpha, alpha)`` per image (``1/2`` for
    ``alpha=0``, as TensorFlow gives). The labels stay: a Sequential model passes the layer
    images only."""

    def augment(self, img: Array) -> Array | None:
        n = img.shape[0]
        alpha = float(self.get("alpha", 0.2))
        if alpha < 0:
            raise NotImplementedError(
                f"MixUp: alpha={alpha} (Beta(alpha, alpha) needs alpha >= 0; TensorFlow's "
                "sampler returns arbitrary weights there)"
            )
        perm = self._permutation(n)
        # Beta(0, 0) is TF's gamma(0) ratio: 1.2e-38 / 2.4e-38, a weight of exactly 1/2
        weight = self.noise_rng().beta(alpha, alpha, size=n) if alpha > 0 else numpy.full(n, 0.5)
        self._w = self.xp.asarray(weight).astype(img.dtype)[:, None, None, None]
        return self._w * img + (1 - self._w) * img[perm]

    def augment_backward(self, g: Array) -> Array:
        return self._w * g + ((1 - self._w) * g)[self._inverse]


@kernel(defs.CutMix)
class CutMix(_Mixing):
    """Pastes a box of another image of the batch into each image: ``w ~ Beta(a, a)`` per image
    with ``a ~ U(factor)`` per batch, a box of side ratio ``sqrt(1 - w)`` on both axes. A single
    image (rank 3) is left alone, as in Keras; the labels stay."""

    def augment(self, img: Array) -> Array | None:
        xp = self.xp
        if self._single:
            return None
        n, h, w, _ = img.shape
        lo, hi = _pair(self.get("factor", 1.0), low=0.0)
        rng = self.noise_rng()
        a = lo + (hi - lo) * float(rng.random()) + 1e-6
        weight = xp.asarray(rng.beta(a, a, size=n)).astype(self.dtype)
        side = xp.sqrt(self.dtype(1) - weight)
        self._box = _boxes(self, n, h, w, xp.stack([side, side], axis=1))
        perm = self._permutation(n)
        return xp.where(self._box, img[perm], img)

    def forward(self, x: Array, training: bool = False) -> Array:
        self._single = getattr(x, "ndim", 4) == 3
        return super().forward(x, training)

    def augment_backward(self, g: Array) -> Array:
        # an output pixel in the box read image perm[i]: its gradient goes back there
        pasted = self.xp.where(self._box, g, g.dtype.type(0))
        return (g - pasted) + pasted[self._inverse]
