"""Colour and histogram augmentation: RandomGrayscale, RandomInvert, Solarization,
RandomPosterization, RandomSaturation, RandomHue, RandomColorDegeneration, RandomSharpness,
RandomColorJitter, AutoContrast, Equalization.

Each follows Keras 3.15's ``transform_images``: the identity at inference (except
``AutoContrast``, which Keras applies at inference too), and in training one draw per image from
the range Keras draws it from (the random streams differ from Keras's). ``value_range`` (Keras's
default ``(0, 255)``) is read as Keras reads it, including its quirks: ``RandomInvert`` computes
``value_range[1] - x``, ``Solarization`` draws its addition from ``U(lo, hi * 255)``,
``RandomSaturation`` clips the saturation channel to ``value_range`` and ``Equalization`` builds
one histogram per channel over the whole batch. HSV conversions are TF's
(``tf.image.rgb_to_hsv``/``hsv_to_rgb``).

These layers have no input gradient: Keras models put them first, before any weight, where the
runtime never back-propagates (``backward`` refuses by name when asked).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy

from seqlint.layers import preprocessing as defs
from seqlint.layers.base import all_layers
from seqlint.runtime import config
from seqlint.runtime.layers.augmentation import RandomBrightness, RandomContrast, _pair
from seqlint.runtime.layers.base import KERNELS, Array, RuntimeLayer, kernel

_GRAY = (0.2989, 0.5870, 0.1140)  # tf.image.rgb_to_grayscale's weights


def _sorted_range(value: Any) -> tuple[float, float]:
    lo, hi = sorted(float(v) for v in value)
    return lo, hi


def _rescale(x: Array, source: Any, target: Any) -> Array:
    """Keras's ``_transform_value_range``: ``x`` mapped linearly from ``source`` to ``target``
    (unchanged when the two are equal)."""
    (s0, s1), (t0, t1) = (float(v) for v in source), (float(v) for v in target)
    if s0 == t0 and s1 == t1:
        return x
    return (x - s0) / (s1 - s0) * (t1 - t0) + t0


def rgb_to_hsv(xp: Any, img: Array) -> Array:
    """TF's ``rgb_to_hsv`` over the last axis (any scale: V keeps the input's)."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    v = img.max(axis=-1)
    spread = v - img.min(axis=-1)
    s = xp.where(v > 0, spread / xp.where(v > 0, v, 1), 0)
    norm = 1.0 / (6.0 * xp.where(spread > 0, spread, 1))
    h = xp.where(
        r == v,
        norm * (g - b),
        xp.where(g == v, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0),
    )
    h = xp.where(spread > 0, h, 0)
    h = xp.where(h < 0, h + 1, h)
    return xp.stack([h, s, v], axis=-1).astype(img.dtype)


def hsv_to_rgb(xp: Any, img: Array) -> Array:
    """TF's ``hsv_to_rgb`` over the last axis."""
    h, s, v = img[..., 0], img[..., 1], img[..., 2]
    dh = h * 6
    dr = xp.clip(xp.abs(dh - 3) - 1, 0, 1)
    dg = xp.clip(2 - xp.abs(dh - 2), 0, 1)
    db = xp.clip(2 - xp.abs(dh - 4), 0, 1)
    one_s = 1 - s
    return xp.stack([(one_s + s * d) * v for d in (dr, dg, db)], axis=-1).astype(img.dtype)


class _ColorLayer(RuntimeLayer):
    """Rank-3 or rank-4 images, transformed as a channels_last batch ``(n, h, w, c)``."""

    input_gradient: ClassVar[bool] = False  # backward refuses (see the module doc)
    at_inference = False  # AutoContrast: Keras applies it whatever ``training`` says
    needs_rgb = False  # an HSV conversion: exactly 3 channels

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        if x.ndim not in (3, 4):
            raise ValueError(
                f"Expected the input image to be rank 3 or 4. Received: inputs.shape={x.shape}"
            )
        if not (training or self.at_inference):
            return x
        img = x if x.ndim == 4 else x[None]
        first = self.channels_first()
        if first:
            img = img.transpose(0, 2, 3, 1)
        if self.needs_rgb and img.shape[-1] != 3:
            raise ValueError(
                f"{self.class_name} needs RGB images (3 channels); received images with "
                f"{img.shape[-1]} channels"
            )
        y = self.transform(img).astype(x.dtype)
        if first:
            y = y.transpose(0, 3, 1, 2)
        return y if x.ndim == 4 else y[0]

    def transform(self, img: Array) -> Array:
        """The training-time transform of a channels_last batch."""
        raise NotImplementedError

    def backward(self, dy: Array) -> Array:
        raise NotImplementedError(
            f"{self.class_name}: its input gradient is not implemented (an image augmentation "
            "layer goes before the layers with weights, where none is needed)"
        )

    def draw(self, n: int, bounds: tuple[float, float]) -> Array:
        """``n`` uniform draws in ``[lo, hi)``, one per image."""
        lo, hi = bounds
        return lo + (hi - lo) * self.uniform((n,))

    def value_range(self) -> tuple[float, float]:
        return _sorted_range(self.get("value_range", (0, 255)))

    def grayscale(self, img: Array) -> Array:
        """``rgb_to_grayscale`` with the channel axis kept (1 channel: unchanged)."""
        channels = img.shape[-1]
        if channels == 1:
            return img
        if channels != 3:
            raise ValueError(
                "Invalid channel size: expected 3 (RGB) or 1 (Grayscale). Received input with "
                f"shape: images.shape={img.shape}"
            )
        weights = self.xp.asarray(_GRAY, dtype=img.dtype)
        return (img @ weights)[..., None]


def _per_image(values: Array) -> Array:
    return values.reshape(-1, 1, 1, 1)


@kernel(defs.RandomGrayscale)
class RandomGrayscale(_ColorLayer):
    """Each image becomes grey (all channels the luma) with probability ``factor``."""

    def transform(self, img: Array) -> Array:
        apply = self.uniform((img.shape[0],)) < float(self.get("factor", 0.5))
        return self.xp.where(_per_image(apply), self.grayscale(img), img)


@kernel(defs.RandomInvert)
class RandomInvert(_ColorLayer):
    """Each image becomes ``value_range[1] - x`` with a probability drawn from ``factor``."""

    def transform(self, img: Array) -> Array:
        n = img.shape[0]
        probability = self.draw(n, _pair(self.get("factor", 1.0), low=0.0))
        apply = self.uniform((n,)) < probability
        top = float(self.get("value_range", (0, 255))[1])
        return self.xp.where(_per_image(apply), top - img, img)


@kernel(defs.Solarization)
class Solarization(_ColorLayer):
    """On the 0-255 scale: add ``U(a0, a1 * 255)``, clip, then invert the values at or above
    a threshold ``U(t0, t1 * 255)`` (Keras scales only the upper end of each range)."""

    def transform(self, img: Array) -> Array:
        n = img.shape[0]
        a0, a1 = _pair(self.get("addition_factor", 0.0), low=0.0)
        t0, t1 = _pair(self.get("threshold_factor", 0.0), low=0.0)
        addition = _per_image(self.draw(n, (a0, a1 * 255)))
        threshold = _per_image(self.draw(n, (t0, t1 * 255)))
        vr = self.value_range()
        y = self.xp.clip(_rescale(img, vr, (0, 255)) + addition, 0, 255)
        y = self.xp.where(y < threshold, y, 255 - y)
        return _rescale(y, (0, 255), vr)


@kernel(defs.RandomPosterization)
class RandomPosterization(_ColorLayer):
    """Keeps the ``bits`` high bits of each 8-bit value, ``bits`` an integer in
    ``[factor[0], factor[1])`` per image (``factor[0]`` when the two are equal)."""

    def transform(self, img: Array) -> Array:
        n = img.shape[0]
        lo, hi = _pair(self.get("factor"), low=1.0)
        if lo != hi:
            bits = self.xp.floor(self.draw(n, (int(lo), int(hi))))
        else:
            bits = self.xp.full((n,), int(lo), dtype=numpy.float64)
        step = _per_image(2.0 ** (8 - bits))
        vr = self.value_range()
        # Keras casts to uint8: truncation, and values outside 0-255 clipped here
        values = self.xp.floor(self.xp.clip(_rescale(img, vr, (0, 255)), 0, 255))
        return _rescale(self.xp.floor(values / step) * step, (0, 255), vr)


@kernel(defs.RandomSaturation)
class RandomSaturation(_ColorLayer):
    """Saturation times ``f / (1 - f + epsilon)``, ``f`` uniform in ``factor`` (0.5 keeps the
    image, 0 makes it grey), clipped to ``value_range``."""

    needs_rgb = True

    def transform(self, img: Array) -> Array:
        xp = self.xp
        f = self.draw(img.shape[0], _pair(self.get("factor")))
        scale = (f / (1 - f + config.epsilon())).astype(img.dtype).reshape(-1, 1, 1)
        hsv = rgb_to_hsv(xp, img)
        lo, hi = self.value_range()
        s = xp.clip(hsv[..., 1] * scale, lo, hi)
        return hsv_to_rgb(xp, xp.stack([hsv[..., 0], s, hsv[..., 2]], axis=-1))


@kernel(defs.RandomHue)
class RandomHue(_ColorLayer):
    """Hue shifted by ``+-U(factor) / 2`` turns (the sign a coin toss per image)."""

    needs_rgb = True

    def transform(self, img: Array) -> Array:
        xp = self.xp
        n = img.shape[0]
        sign = xp.where(self.uniform((n,)) > 0.5, -1.0, 1.0)
        shift = (sign * self.draw(n, _pair(self.get("factor"), low=0.0)) * 0.5).astype(img.dtype)
        vr = self.get("value_range", (0, 255))
        hsv = rgb_to_hsv(xp, _rescale(img, vr, (0, 1)))
        h = hsv[..., 0] + shift.reshape(-1, 1, 1)
        h = xp.where(h > 1.0, h - 1.0, h)
        h = xp.where(h < 0.0, h + 1.0, h)
        rgb = hsv_to_rgb(xp, xp.stack([h, hsv[..., 1], hsv[..., 2]], axis=-1))
        return _rescale(xp.clip(rgb, 0, 1), (0, 1), vr)


@kernel(defs.RandomColorDegeneration)
class RandomColorDegeneration(_ColorLayer):
    """``x + f (grey(x) - x)``, ``f`` uniform in ``factor``, clipped to ``value_range``."""

    def transform(self, img: Array) -> Array:
        f = _per_image(self.draw(img.shape[0], _pair(self.get("factor")))).astype(img.dtype)
        lo, hi = self.value_range()
        return self.xp.clip(img + f * (self.grayscale(img) - img), lo, hi)


@kernel(defs.RandomSharpness)
class RandomSharpness(_ColorLayer):
    """Blends each image with its 3x3 smoothing (centre 5/13, neighbours 1/13, zero padding)
    as ``x + (1 - 2f) (smooth - x)``, ``f`` uniform in ``factor``, clipped to ``value_range``."""

    def transform(self, img: Array) -> Array:
        xp = self.xp
        n, h, w, _ = img.shape
        f = _per_image(self.draw(n, _pair(self.get("factor"), low=0.0))).astype(img.dtype)
        padded = xp.pad(img, ((0, 0), (1, 1), (1, 1), (0, 0)))
        total = sum(padded[:, i : i + h, j : j + w] for i in range(3) for j in range(3))
        smooth = (total + 4 * img) / 13.0  # every tap 1/13, the centre 4/13 more
        lo, hi = self.value_range()
        return xp.clip(img + (1 - 2 * f) * (smooth - img), lo, hi)


@kernel(defs.RandomColorJitter)
class RandomColorJitter(_ColorLayer):
    """Keras's chain RandomBrightness, RandomContrast, RandomSaturation, RandomHue (those
    whose factor is given), each with this layer's ``value_range`` and ``seed``. Keras builds
    them without ``data_format``, so channels_first images are refused."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.channels_first():
            raise NotImplementedError(
                "RandomColorJitter: data_format='channels_first' is not supported (Keras's "
                "inner layers read the images as channels_last)"
            )
        common = {"value_range": self.get("value_range", (0, 255)), "seed": self.get("seed")}
        chain: list[tuple[str, type[RuntimeLayer]]] = [
            ("brightness_factor", RandomBrightness),
            ("contrast_factor", RandomContrast),
            ("saturation_factor", RandomSaturation),
            ("hue_factor", RandomHue),
        ]
        self.steps = [
            cls(self.get(name), **common) for name, cls in chain if self.get(name) is not None
        ]

    def transform(self, img: Array) -> Array:
        for step in self.steps:
            step.backend, step.dtype = self.backend, self.dtype
            step._noise = self.noise_rng()  # one stream: this layer's seed drives every step
            img = step.forward(img, training=True)
        return img


@kernel(defs.AutoContrast)
class AutoContrast(_ColorLayer):
    """Stretches each image's channels to the full ``value_range`` (min to the bottom, max to
    the top); a constant channel stays as it is. Keras applies it at inference too, and reduces
    over axes 1 and 2 of the batch whatever the data format."""

    at_inference = True

    def channels_first(self) -> bool:
        return False  # Keras reduces over axes (1, 2) of the batch, whatever the format

    def transform(self, img: Array) -> Array:
        xp = self.xp
        vr = self.value_range()
        scaled = _rescale(img, vr, (0, 255))
        low = scaled.min(axis=(1, 2), keepdims=True)
        spread = scaled.max(axis=(1, 2), keepdims=True) - low
        flat = spread <= 0  # Keras's 0 * inf gives NaN there, replaced by the input
        scale = 255.0 / xp.where(flat, 1, spread)
        y = _rescale(xp.clip(scaled * scale - low * scale, 0, 255), (0, 255), vr)
        return xp.where(flat, img, y)


@kernel(defs.Equalization)
class Equalization(_ColorLayer):
    """Histogram equalization in training, one ``bins``-bin histogram per channel over the
    whole batch (as Keras does); the identity at inference, as in Keras 3.15."""

    def transform(self, img: Array) -> Array:
        xp = self.xp
        bins = int(self.get("bins", 256))
        lo, hi = self.value_range()
        scale = 255.0 / (hi - lo)
        channels = []
        for c in range(img.shape[-1]):
            channel = img[..., c] * scale - lo * scale
            equalized = self._equalize(channel.astype(img.dtype), bins)
            channels.append(equalized * ((hi - lo) / 255.0) + lo)
        return xp.stack(channels, axis=-1)

    def _equalize(self, channel: Array, bins: int) -> Array:
        xp = self.xp
        values = channel.astype(numpy.float32)
        index = xp.clip(
            xp.trunc(values * numpy.float32(bins - 1) / numpy.float32(255)), 0, bins - 1
        )
        hist = xp.bincount(index.astype(xp.int64).reshape(-1), minlength=bins)
        if int((hist > 0).sum()) <= 1:
            return channel
        cdf = xp.cumsum(hist)
        cdf_min = cdf[int(xp.argmax(cdf > 0))]
        denominator = cdf[-1] - cdf_min
        denominator = denominator if int(denominator) != 0 else 1
        table = xp.clip(xp.round((cdf - cdf_min) * 255 / denominator), 0, 255)
        position = (channel / channel.dtype.type(255.0)) * channel.dtype.type(bins - 1)
        return table[xp.clip(position, 0, bins - 1).astype(xp.int32)].astype(channel.dtype)


@kernel(defs.ContrastLimitedAdaptiveHistogramEqualization)
class ContrastLimitedAdaptiveHistogramEqualization(_ColorLayer):
    """CLAHE as Keras 3.15 computes it, at inference too: the image (on the 0-255 scale) is cut
    into ``tile_grid_size`` tiles (padded at the bottom and right by mirroring), each tile's
    256-bin histogram is clipped at ``clip_limit * tile_pixels / 256`` with the excess spread
    evenly, and each pixel's value is mapped through the four nearest tiles' cumulative
    histograms, bilinearly weighted by its distance to their centres."""

    at_inference = True

    def transform(self, img: Array) -> Array:
        xp = self.xp
        vr = self.get("value_range", (0, 255))
        scaled = _rescale(img.astype(numpy.float32), vr, (0, 255)).astype(numpy.float32)
        grid_h, grid_w = (int(v) for v in self.get("tile_grid_size", (8, 8)))
        n, height, width, channels = scaled.shape
        tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
        # padded at the bottom and right by mirroring, edge included (NumPy's "symmetric")
        down = list(range(height)) + list(range(height - 1, 2 * height - tile_h * grid_h - 1, -1))
        across = list(range(width)) + list(range(width - 1, 2 * width - tile_w * grid_w - 1, -1))
        padded = xp.take(xp.take(scaled, xp.asarray(down), axis=1), xp.asarray(across), axis=2)
        pixels = xp.clip(xp.trunc(padded), 0, 255).astype(xp.int64)  # Keras casts to int32
        luts = self._tile_luts(pixels, grid_h, grid_w, tile_h, tile_w)
        # the tiles' tables with one more tile of edge copies on every side
        luts = xp.concatenate([luts[:, :1], luts, luts[:, -1:]], axis=1)
        luts = xp.concatenate([luts[:, :, :1], luts, luts[:, :, -1:]], axis=2)
        rows = self._neighbours(tile_h * grid_h, tile_h, grid_h)
        cols = self._neighbours(tile_w * grid_w, tile_w, grid_w)
        b = xp.arange(n)[:, None, None, None]
        c = xp.arange(channels)[None, None, None, :]
        result: Array = 0
        for r, wr in rows:
            for q, wq in cols:
                result = result + (
                    luts[b, r[None, :, None, None], q[None, None, :, None], c, pixels]
                    * wr[None, :, None, None]
                    * wq[None, None, :, None]
                )
        out = result[:, :height, :width, :].astype(numpy.float32)
        return _rescale(out, (0, 255), vr)

    def _tile_luts(
        self, pixels: Array, grid_h: int, grid_w: int, tile_h: int, tile_w: int
    ) -> Array:
        """The ``(n, grid_h, grid_w, channels, 256)`` mapping tables of the tiles."""
        xp = self.xp
        n, channels = pixels.shape[0], pixels.shape[-1]
        tiles = pixels.reshape(n, grid_h, tile_h, grid_w, tile_w, channels)
        tiles = tiles.transpose(0, 1, 3, 5, 2, 4).reshape(-1, tile_h * tile_w)
        offsets = (xp.arange(tiles.shape[0]) * 256)[:, None]
        counts = xp.bincount((tiles + offsets).reshape(-1), minlength=tiles.shape[0] * 256)
        hist = counts.reshape(n, grid_h, grid_w, channels, 256).astype(numpy.float32)
        clip_limit = float(self.get("clip_limit", 4.0))
        if clip_limit > 0:
            limit = numpy.float32(clip_limit * (tile_h * tile_w) / 256.0)
            clipped = xp.minimum(hist, limit)
            hist = clipped + (hist - clipped).sum(axis=-1, keepdims=True) / numpy.float32(256)
        cdf = xp.cumsum(hist, axis=-1)
        cdf_min = cdf.min(axis=-1, keepdims=True)
        denominator = numpy.float32(tile_h * tile_w) - cdf_min
        denominator = xp.where(denominator == 0, numpy.float32(1), denominator)
        return xp.clip((cdf - cdf_min) * numpy.float32(255) / denominator, 0, 255)

    def _neighbours(self, size: int, tile: int, grid: int) -> list[tuple[Array, Array]]:
        """For each pixel row (or column): the two padded-grid tiles around it and their
        bilinear weights."""
        xp = self.xp
        position = (xp.arange(size, dtype=numpy.float32) - numpy.float32(tile / 2.0)) / (
            numpy.float32(tile)
        ) + numpy.float32(1)
        lower = xp.floor(position)
        weight = position - lower
        first = xp.clip(lower, 0, grid + 1).astype(xp.int64)
        second = xp.clip(lower + 1, 0, grid + 1).astype(xp.int64)
        return [(first, 1 - weight), (second, weight)]


# the operations of RandAugment and AugMix, in Keras 3.15's order
_RANDAUGMENT_OPS = (
    "RandomShear",
    "RandomTranslation",
    "RandomRotation",
    "RandomBrightness",
    "RandomColorDegeneration",
    "RandomContrast",
    "RandomSharpness",
    "RandomPosterization",
    "Solarization",
    "AutoContrast",
    "Equalization",
)
_AUGMIX_OPS = (
    "RandomShear",
    "RandomTranslation",
    "RandomRotation",
    "RandomPosterization",
    "Solarization",
    "AutoContrast",
    "Equalization",
)
_AUGMIX_COLOUR_OPS = (
    "RandomBrightness",
    "RandomColorDegeneration",
    "RandomContrast",
    "RandomSharpness",
)


class _Chain(RuntimeLayer):
    """A layer that runs other augmentation layers, built as Keras builds them: every
    operation gets the factor range ``(lo, hi)`` (Keras reads a number ``f`` as ``(0, f)``),
    posterization keeps ``max(1, int(8 hi))`` bits at most, the colour operations get
    ``value_range`` and the geometric ones ``interpolation``. The operations' draws come from
    this layer's seeded stream."""

    input_gradient: ClassVar[bool] = False
    operations: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        factor = _pair(self.get("factor"), low=0.0)
        value_range = self.get("value_range", (0, 255))
        interpolation = self.get("interpolation", "bilinear")
        geometric = {"interpolation": interpolation}
        arguments: dict[str, dict[str, Any]] = {
            "RandomShear": {"x_factor": factor, "y_factor": factor, **geometric},
            "RandomTranslation": {"height_factor": factor, "width_factor": factor, **geometric},
            "RandomRotation": {"factor": factor, **geometric},
            "RandomPosterization": {"factor": max(1, int(8 * factor[1]))},
            "Solarization": {"addition_factor": factor, "threshold_factor": factor},
            "AutoContrast": {},
            "Equalization": {},
        }
        self.steps: list[RuntimeLayer] = []
        for name in self.operation_names():
            cls = KERNELS.get(all_layers()[name])
            if cls is None:
                raise NotImplementedError(
                    f"{self.class_name}: its {name} operation has no runtime kernel"
                )
            kwargs = arguments.get(name, {"factor": factor})
            if name not in ("RandomShear", "RandomTranslation", "RandomRotation"):
                kwargs = {**kwargs, "value_range": value_range}
            self.steps.append(cls(**kwargs, data_format=self.get("data_format")))

    def operation_names(self) -> tuple[str, ...]:
        return self.operations

    def run_step(self, index: int, x: Array, rng: numpy.random.Generator) -> Array:
        """Operation ``index`` on ``x`` with draws from a stream seeded by ``rng``."""
        step = self.steps[index]
        step.backend, step.dtype = self.backend, self.dtype
        step._noise = numpy.random.default_rng(int(rng.integers(2**63)))
        return step.forward(x, training=True)

    def backward(self, dy: Array) -> Array:
        raise NotImplementedError(
            f"{self.class_name}: its input gradient is not implemented (an image augmentation "
            "layer goes before the layers with weights, where none is needed)"
        )

    def check_rank(self, x: Array) -> None:
        if x.ndim not in (3, 4):
            raise ValueError(
                "Expected image tensor to have rank 3 (single image) or 4 (batch of images). "
                f"Received: data.shape={x.shape}"
            )


@kernel(defs.RandAugment)
class RandAugment(_Chain):
    """In training, ``num_ops`` operations picked at random (with repetition) for the whole
    batch and applied in turn; an operation picked twice applies the same draw twice, as in
    Keras."""

    operations = _RANDAUGMENT_OPS

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self.check_rank(x)
        if not training:
            return x
        rng = self.noise_rng()
        picks = rng.integers(0, len(self.steps), size=int(self.get("num_ops", 2)))
        streams: dict[int, int] = {}
        for pick in (int(p) for p in picks):
            seed = streams.setdefault(pick, int(rng.integers(2**63)))
            x = self.run_step(pick, x, numpy.random.default_rng(seed))
        return x


@kernel(defs.AugMix)
class AugMix(_Chain):
    """In training, ``num_chains`` chains of up to ``chain_depth`` random operations (each
    link skipped with probability ``1 / (ops + 1)``), mixed with Dirichlet(``alpha``) weights,
    then blended with the input by a Beta(``alpha``, ``alpha``) draw and clipped to
    ``value_range``; one draw for the whole batch. Keras picks the operations with Python's
    unseeded ``random``; here the layer's seed drives them too."""

    def operation_names(self) -> tuple[str, ...]:
        return _AUGMIX_OPS + (_AUGMIX_COLOUR_OPS if self.get("all_ops", True) else ())

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self.check_rank(x)
        if not training:
            return x
        rng = self.noise_rng()
        alpha = float(self.get("alpha", 1.0))
        chains = int(self.get("num_chains", 3))
        gamma = rng.gamma(alpha, size=chains)
        weights = gamma / gamma.sum()
        keep = float(rng.beta(alpha, alpha))
        mixed = self.xp.zeros_like(x)
        for k in range(chains):
            y = x
            for _ in range(int(self.get("chain_depth", 3))):
                pick = int(rng.integers(0, len(self.steps) + 1))
                if pick < len(self.steps):
                    y = self.run_step(pick, y, rng)
            mixed = mixed + y * float(weights[k])
        low, high = (float(v) for v in self.get("value_range", (0, 255)))
        return self.xp.clip(keep * x + (1 - keep) * mixed, low, high).astype(x.dtype)
