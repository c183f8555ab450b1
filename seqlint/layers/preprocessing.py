"""Preprocessing layers: Rescaling, Normalization, Resizing, CenterCrop, the Random* image
augmentations, CategoryEncoding, Discretization, Hashing and the lookup/vectorization layers.

Image layers follow Keras's ``compute_output_shape`` literally, quirks included: ``Resizing``,
``CenterCrop`` and ``RandomCrop`` treat a rank-3 input as one unbatched image
``(height, width, channels)``, so on a Sequential input without a channel axis
(``(None, 28, 28)``) they overwrite the batch axis, as Keras does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seqlint.layers._common import (
    as_bool,
    fmt_shape,
    positive_int,
)
from seqlint.layers.base import (
    UNKNOWN,
    BoundArgs,
    Dim,
    LayerDef,
    Param,
    Shape,
    ShapeError,
    WeightSpec,
    as_int,
    register,
)
from seqlint.layers.normalization import axes_of

# accepted through **kwargs by Keras's BaseImagePreprocessingLayer
_IMAGE_EXTRA = (
    Param("factor", None, keyword_only=True),
    Param("bounding_box_format", None, keyword_only=True),
)


def _literal_numbers(value: Any) -> bool:
    """A number or a (nested) list / tuple of numbers written in the source."""
    if isinstance(value, (list, tuple)):
        return all(_literal_numbers(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _plain_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Preprocessing(LayerDef):
    role = "preprocessing"

    def activation(self, args: BoundArgs) -> str | None:
        return None


@register
class Rescaling(_Preprocessing):
    """``x * scale + offset``: keeps the shape, learns nothing."""

    name = "Rescaling"
    traits = frozenset({"elementwise", "linear"})
    params = (Param("scale"), Param("offset", 0.0))


@register
class Normalization(_Preprocessing):
    """Feature-wise ``(x - mean) / sqrt(var)``.

    Without ``mean``/``variance`` Keras creates three non-trainable weights: mean and variance
    over the kept ``axis`` dims and a scalar count, so ``axis=-1`` on ``(None, 9)`` counts
    ``9 + 9 + 1 = 19``. With ``mean=`` and ``variance=`` given there are no weights.
    """

    name = "Normalization"
    traits = frozenset({"elementwise", "linear"})
    params = (
        Param("axis", -1),
        Param("mean", None),
        Param("variance", None),
        Param("invert", False),
    )

    def validate(self, args: BoundArgs) -> str | None:
        mean, variance = args["mean"], args["variance"]
        for given, missing in ((mean, variance), (variance, mean)):
            if missing is None and _literal_numbers(given):
                return (
                    "When setting values directly, both `mean` and `variance` must be set. "
                    f"Received: mean={mean} and variance={variance}"
                )
        return None

    def _kept(self, args: BoundArgs, input_shape: Shape) -> list[int] | None:
        axis = args["axis"]
        if axis is None:
            return []
        return axes_of(axis, len(input_shape))

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        self._kept(args, input_shape)
        return input_shape

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        """Given ``mean``/``variance``: none. Otherwise the statistics ``adapt`` sets."""
        kept = self._kept(args, input_shape)
        mean = args["mean"]
        if mean is UNKNOWN or kept is None:
            return None
        if mean is not None:
            return []
        shape = tuple(input_shape[a] for a in sorted(a % len(input_shape) for a in kept))
        return [
            WeightSpec("mean", shape, "zeros", trainable=False),
            WeightSpec("variance", shape, "ones", trainable=False),
            WeightSpec("count", (), "zeros", trainable=False),
        ]


def _fmt_last(args: BoundArgs) -> bool | None:
    value = args.get("data_format", None)
    if value is None:
        return True
    if value in ("channels_last", "channels_first"):
        return value == "channels_last"
    return None


def _replace(input_shape: Shape, index: dict[int, Dim], layer: str) -> Shape:
    out = list(input_shape)
    for i, value in index.items():
        if not -len(out) <= i < len(out):
            raise ShapeError(
                "rank",
                f"{layer} expects image inputs (height, width, channels), with or without a batch "
                f"axis; received input of shape {fmt_shape(input_shape)}",
            )
        out[i] = value
    return tuple(out)


class _SizedImage(_Preprocessing):
    """Resizing / CenterCrop: output ``height x width``; a rank-4 input is a batch of images,
    any other rank one unbatched image."""

    passthrough = True
    check_rank = False

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        if self.check_rank and len(input_shape) not in (3, 4):
            raise ShapeError(
                "rank",
                "`input_shape` must be a non-nested tuple or list of rank-1 with size 3 "
                f"(unbatched) or 4 (batched). {self.name} received {fmt_shape(input_shape)}",
            )
        last = _fmt_last(args)
        if last is None:
            return (None,) * len(input_shape)
        h, w = positive_int(args["height"]), positive_int(args["width"])
        first = (1 if last else 2) if len(input_shape) == 4 else (0 if last else 1)
        return _replace(input_shape, {first: h, first + 1: w}, self.name)


@register
class Resizing(_SizedImage):
    name = "Resizing"
    params = (
        Param("height"),
        Param("width"),
        Param("interpolation", "bilinear"),
        Param("crop_to_aspect_ratio", False),
        Param("pad_to_aspect_ratio", False),
        Param("fill_mode", "constant"),
        Param("fill_value", 0.0),
        Param("antialias", False),
        Param("data_format", None),
        *_IMAGE_EXTRA,
    )


@register
class CenterCrop(_SizedImage):
    name = "CenterCrop"
    check_rank = True
    params = (
        Param("height"),
        Param("width"),
        Param("data_format", None),
        *_IMAGE_EXTRA,
    )


@register
class RandomCrop(_Preprocessing):
    """Crops to ``height x width`` at axes -3/-2 (channels_last) or -2/-1 (channels_first)."""

    name = "RandomCrop"
    role = "augmentation"
    passthrough = True
    params = (
        Param("height"),
        Param("width"),
        Param("seed", None),
        Param("data_format", None),
        Param("name", None),
        *_IMAGE_EXTRA,
    )

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        last = _fmt_last(args)
        if last is None:
            return (None,) * len(input_shape)
        h, w = positive_int(args["height"]), positive_int(args["width"])
        first = -3 if last else -2
        return _replace(input_shape, {first: h, first + 1: w}, self.name)


class _Augmentation(_Preprocessing):
    """Shape-preserving image augmentation (active in training only)."""

    role = "augmentation"
    passthrough = True


@register
class RandomColorDegeneration(_Augmentation):
    """Needs RGB images: rank 3 or 4 with 3 channels."""

    name = "RandomColorDegeneration"
    params = (
        Param("factor"),
        Param("value_range", (0, 255)),
        Param("data_format", None),
        Param("seed", None),
        Param("bounding_box_format", None, keyword_only=True),
    )

    def validate(self, args: BoundArgs) -> str | None:
        return _factor_check(-1, 1, value_range=True)(self, args)

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        if len(input_shape) not in (3, 4):
            raise ShapeError(
                "rank",
                "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of "
                f"images). Received: input_shape={fmt_shape(input_shape)}",
            )
        last = _fmt_last(args)
        if last is not None:
            channels = input_shape[-1 if last else -3]
            if channels is not None and channels != 3:
                raise ShapeError(
                    "dimension",
                    "Input images must have 3 channels, but received images with "
                    f"{channels} channels.",
                )
        return input_shape


_VR = (0, 255)

# name -> constructor params (Keras 3.15 order and defaults)
_AUGMENTATIONS: dict[str, tuple[Param, ...]] = {
    "RandomFlip": (
        Param("mode", "horizontal_and_vertical"),
        Param("seed", None),
        Param("data_format", None),
    ),
    "RandomRotation": (
        Param("factor"),
        Param("fill_mode", "reflect"),
        Param("interpolation", "bilinear"),
        Param("seed", None),
        Param("fill_value", 0.0),
        Param("data_format", None),
    ),
    "RandomZoom": (
        Param("height_factor"),
        Param("width_factor", None),
        Param("fill_mode", "reflect"),
        Param("interpolation", "bilinear"),
        Param("seed", None),
        Param("fill_value", 0.0),
        Param("data_format", None),
    ),
    "RandomTranslation": (
        Param("height_factor"),
        Param("width_factor"),
        Param("fill_mode", "reflect"),
        Param("interpolation", "bilinear"),
        Param("seed", None),
        Param("fill_value", 0.0),
        Param("data_format", None),
    ),
    "RandomContrast": (Param("factor"), Param("value_range", _VR), Param("seed", None)),
    "RandomBrightness": (Param("factor"), Param("value_range", _VR), Param("seed", None)),
    "RandomColorJitter": (
        Param("value_range", _VR),
        Param("brightness_factor", None),
        Param("contrast_factor", None),
        Param("saturation_factor", None),
        Param("hue_factor", None),
        Param("seed", None),
        Param("data_format", None),
    ),
    "RandomElasticTransform": (
        Param("factor", 1.0),
        Param("scale", 1.0),
        Param("interpolation", "bilinear"),
        Param("fill_mode", "reflect"),
        Param("fill_value", 0.0),
        Param("value_range", _VR),
        Param("seed", None),
        Param("data_format", None),
    ),
    "RandomErasing": (
        Param("factor", 1.0),
        Param("scale", (0.02, 0.33)),
        Param("fill_value", None),
        Param("value_range", _VR),
        Param("seed", None),
        Param("data_format", None),
    ),
    "RandomGaussianBlur": (
        Param("factor", 1.0),
        Param("kernel_size", 3),
        Param("sigma", 1.0),
        Param("value_range", _VR),
        Param("data_format", None),
        Param("seed", None),
    ),
    "RandomGrayscale": (Param("factor", 0.5), Param("data_format", None), Param("seed", None)),
    "RandomHue": (
        Param("factor"),
        Param("value_range", _VR),
        Param("data_format", None),
        Param("seed", None),
    ),
    "RandomInvert": (
        Param("factor", 1.0),
        Param("value_range", _VR),
        Param("seed", None),
        Param("data_format", None),
    ),
    "RandomPerspective": (
        Param("factor", 1.0),
        Param("scale", 1.0),
        Param("interpolation", "bilinear"),
        Param("fill_value", 0.0),
        Param("seed", None),
        Param("data_format", None),
    ),
    "RandomPosterization": (
        Param("factor"),
        Param("value_range", _VR),
        Param("data_format", None),
        Param("seed", None),
    ),
    "RandomSaturation": (
        Param("factor"),
        Param("value_range", _VR),
        Param("data_format", None),
        Param("seed", None),
    ),
    "RandomSharpness": (
        Param("factor"),
        Param("value_range", _VR),
        Param("data_format", None),
        Param("seed", None),
    ),
    "RandomShear": (
        Param("x_factor", 0.0),
        Param("y_factor", 0.0),
        Param("interpolation", "bilinear"),
        Param("fill_mode", "reflect"),
        Param("fill_value", 0.0),
        Param("data_format", None),
        Param("seed", None),
    ),
    "AutoContrast": (Param("value_range", _VR),),
    "Equalization": (Param("value_range", _VR), Param("bins", 256), Param("data_format", None)),
    "Solarization": (
        Param("addition_factor", 0.0),
        Param("threshold_factor", 0.0),
        Param("value_range", _VR),
        Param("seed", None),
    ),
    "AugMix": (
        Param("value_range", _VR),
        Param("num_chains", 3),
        Param("chain_depth", 3),
        Param("factor", 0.3),
        Param("alpha", 1.0),
        Param("all_ops", True),
        Param("interpolation", "bilinear"),
        Param("seed", None),
        Param("data_format", None),
    ),
    "RandAugment": (
        Param("value_range", _VR),
        Param("num_ops", 2),
        Param("factor", 0.5),
        Param("interpolation", "bilinear"),
        Param("seed", None),
        Param("data_format", None),
    ),
    "CutMix": (Param("factor", 1.0), Param("seed", None), Param("data_format", None)),
    "MixUp": (Param("alpha", 0.2), Param("data_format", None), Param("seed", None)),
    "ContrastLimitedAdaptiveHistogramEqualization": (
        Param("value_range", _VR),
        Param("clip_limit", 4.0),
        Param("tile_grid_size", (8, 8)),
        Param("data_format", None),
    ),
}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _base_factor_error(factor: Any, low: float, high: float) -> str | None:
    """Keras's ``BaseImagePreprocessingLayer._set_factor`` check (RandomRotation,
    RandomContrast)."""
    error = (
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        f"[{low}, {high}]. Received: factor={factor}"
    )
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            return error
        if all(_number(f) for f in factor) and (factor[0] > high or factor[1] < low):
            return error
        return None
    if _number(factor) and not low <= factor <= high:
        return error
    return None


def _two_factor_error(
    args: BoundArgs, names: tuple[str, ...], prefix: str, half_open: bool
) -> str | None:
    """RandomZoom's / RandomTranslation's ``_set_factor``: each factor a number or a pair in
    (-1, 1] (zoom) or [-1, 1] (translation)."""
    for name in names:
        factor = args[name]
        if factor is None and name == "width_factor" and half_open:
            continue  # RandomZoom's width_factor is optional
        values: list[Any]
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                return f"{prefix}Received: {name}={factor}"
            values = list(factor)
        elif _number(factor):
            values = [factor]
        else:
            continue
        for v in values:
            if _number(v) and (v > 1.0 or (v <= -1.0 if half_open else v < -1.0)):
                return f"{prefix}Received: input_number={v}"
    return None


def _rotation_validate(self: LayerDef, args: BoundArgs) -> str | None:
    return _base_factor_error(args["factor"], -1, 1)


def _contrast_validate(self: LayerDef, args: BoundArgs) -> str | None:
    return _base_factor_error(args["factor"], 0, 1)


def _zoom_validate(self: LayerDef, args: BoundArgs) -> str | None:
    prefix = (
        "The `height_factor` and `width_factor` arguments should be a number (or a list of two "
        "numbers) in the range (-1.0, 1.0]. "
    )
    return _two_factor_error(args, ("height_factor", "width_factor"), prefix, half_open=True)


def _translation_validate(self: LayerDef, args: BoundArgs) -> str | None:
    prefix = (
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        "[-1.0, 1.0]. "
    )
    return _two_factor_error(args, ("height_factor", "width_factor"), prefix, half_open=False)


def _factor_error(factor: Any, low: float, high: float) -> str | None:
    """``_set_factor`` as :func:`_base_factor_error`, which also refuses a string (a literal
    of the wrong kind; an unknown value is never judged)."""
    if isinstance(factor, str):
        return (
            "The `factor` argument should be a number (or a list of two numbers) in the range "
            f"[{low}, {high}]. Received: factor={factor}"
        )
    return _base_factor_error(factor, low, high)


def _named_factor_error(args: BoundArgs, name: str) -> str | None:
    """``_set_factor_by_name`` of RandomElasticTransform, RandomErasing, RandomGaussianBlur:
    a number or a pair in [0, 1] (the message says ``factor=`` whatever the name)."""
    error = _factor_error(args[name], 0, 1)
    if error is None:
        return None
    return error.replace("The `factor` argument", f"The `{name}` argument", 1)


def _shear_validate(self: LayerDef, args: BoundArgs) -> str | None:
    prefix = (
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        "[0, 1.0]. "
    )
    for name in ("x_factor", "y_factor"):
        factor = args[name]
        values = list(factor) if isinstance(factor, (tuple, list)) else [factor]
        if isinstance(factor, str) or (isinstance(factor, (tuple, list)) and len(factor) != 2):
            return f"{prefix}Received: {name}={factor}"
        for v in values:
            if _number(v) and not 0.0 <= v <= 1.0:
                return f"{prefix}Received: input_number={v}"
    return None


def _perspective_validate(self: LayerDef, args: BoundArgs) -> str | None:
    scale = args["scale"]
    error = _factor_error(args["factor"], 0, 1)
    if error is None and _number(scale) and not 0.0 <= scale <= 1.0:
        error = (
            f"The `scale` argument should be a number in the range [0,1]. Received: scale={scale}"
        )
    return error


def _scaled_validate(self: LayerDef, args: BoundArgs) -> str | None:
    return _factor_error(args["factor"], 0, 1) or _named_factor_error(args, "scale")


def _blur_validate(self: LayerDef, args: BoundArgs) -> str | None:
    error = _factor_error(args["factor"], 0, 1)
    size = args["kernel_size"]
    if error is None and isinstance(size, (tuple, list)):
        if len(size) != 2:
            return (
                "The `kernel_size` argument should be a number (or a list of two numbers) "
                f"Received: kernel_size={size}"
            )
        if any(_number(k) and k % 2 == 0 for k in size):
            error = f"kernel_size must be an odd number. Received: kernel_size={size}"
    elif error is None and (isinstance(size, str) or (_number(size) and size % 2 == 0)):
        error = f"kernel_size must be an odd number. Received: kernel_size={size}"
    return error or _named_factor_error(args, "sigma")


def _mixing_validate(self: LayerDef, args: BoundArgs) -> str | None:
    """CutMix's factor lies in [0, 1]; MixUp takes the base layer's factor in [-1, 1]."""
    return _factor_error(args["factor"], 0 if self.name == "CutMix" else -1, 1)


def _value_range_error(value_range: Any) -> str | None:
    """The ``_set_value_range`` check of the colour layers: a list or tuple of two."""
    if isinstance(value_range, (list, tuple)) and len(value_range) == 2:
        return None
    if isinstance(value_range, (list, tuple, int, float, str)):
        return (
            "The `value_range` argument should be a list of two numbers. "
            f"Received: value_range={value_range}"
        )
    return None  # not a literal: unknown here


def _factor_check(low: float, high: float, value_range: bool) -> Any:
    """A ``validate`` for the colour layers: ``factor`` in ``[low, high]`` as Keras's
    ``_set_factor``, then (where Keras checks it) ``value_range``."""

    def validate(self: LayerDef, args: BoundArgs) -> str | None:
        error = _base_factor_error(args["factor"], low, high)
        if error is None and value_range:
            error = _value_range_error(args["value_range"])
        return error

    return validate


def _grayscale_validate(self: LayerDef, args: BoundArgs) -> str | None:
    factor = args["factor"]
    if _number(factor) and not 0 <= factor <= 1:
        return f"`factor` should be between 0 and 1. Received: factor={factor}"
    return None


def _solarization_validate(self: LayerDef, args: BoundArgs) -> str | None:
    prefix = (
        "The `addition_factor` and `threshold_factor` arguments should be a number (or a list "
        "of two numbers) in the range [0, 1]. "
    )
    for name in ("addition_factor", "threshold_factor"):
        factor = args[name]
        values = list(factor) if isinstance(factor, (list, tuple)) else [factor]
        if isinstance(factor, (list, tuple)) and len(factor) != 2:
            return f"{prefix}Received: {name}={factor}"
        for v in values:
            if _number(v) and not 0 <= v <= 1:
                return f"{prefix}Received: input_number={v}"
    return _value_range_error(args["value_range"])


def _jitter_validate(self: LayerDef, args: BoundArgs) -> str | None:
    """RandomColorJitter builds RandomBrightness, RandomContrast, RandomSaturation and
    RandomHue from its factors, which check them."""
    bounds = {
        "brightness_factor": (-1, 1),
        "contrast_factor": (0, 1),
        "saturation_factor": (-1, 1),
        "hue_factor": (0, 1),
    }
    for name, (low, high) in bounds.items():
        if args[name] is not None:
            error = _base_factor_error(args[name], low, high)
            if error is not None:
                return error
    return None


def _auto_contrast_validate(self: LayerDef, args: BoundArgs) -> str | None:
    return _value_range_error(args["value_range"])


# Keras's constructor checks of the generated augmentation layers (verified with keras 3.15.1)
_AUGMENTATION_CHECKS = {
    "RandomRotation": _rotation_validate,
    "RandomContrast": _contrast_validate,
    "RandomZoom": _zoom_validate,
    "RandomTranslation": _translation_validate,
    "RandomShear": _shear_validate,
    "RandomPerspective": _perspective_validate,
    "RandomElasticTransform": _scaled_validate,
    "RandomErasing": _scaled_validate,
    "RandomGaussianBlur": _blur_validate,
    "CutMix": _mixing_validate,
    "MixUp": _mixing_validate,
    "RandomGrayscale": _grayscale_validate,
    "RandomInvert": _factor_check(0, 1, value_range=False),
    "Solarization": _solarization_validate,
    "RandomPosterization": _factor_check(1, 8, value_range=True),
    "RandomSaturation": _factor_check(-1, 1, value_range=True),
    "RandomHue": _factor_check(0, 1, value_range=False),
    "RandomSharpness": _factor_check(0, 1, value_range=True),
    "RandomColorJitter": _jitter_validate,
    "AutoContrast": _auto_contrast_validate,
    # their operations check the factor pair and value_range they are given
    "RandAugment": _factor_check(0, 1, value_range=True),
    "AugMix": _factor_check(0, 1, value_range=True),
}


# Image transforms without randomness: the same in training and at inference.
_DETERMINISTIC = frozenset(
    {"AutoContrast", "Equalization", "ContrastLimitedAdaptiveHistogramEqualization"}
)


def _register_augmentations() -> None:
    for layer_name, layer_params in _AUGMENTATIONS.items():
        names = {p.name for p in layer_params}
        extra = tuple(
            Param(k, None, keyword_only=True)
            for k in ("factor", "bounding_box_format", "data_format")
            if k not in names
        )
        cls = type(
            layer_name,
            (_Augmentation,),
            {
                "__doc__": f"Keras ``{layer_name}``: keeps the input shape.",
                "__module__": __name__,
                "name": layer_name,
                "params": layer_params + extra,
                "role": "preprocessing" if layer_name in _DETERMINISTIC else "augmentation",
                "validate": _AUGMENTATION_CHECKS.get(layer_name, LayerDef.validate),
            },
        )
        register(cls)
        globals()[layer_name] = cls


_register_augmentations()

if TYPE_CHECKING:  # made by _register_augmentations(); the ones the runtime names
    RandomFlip: type[_Augmentation]
    RandomRotation: type[_Augmentation]
    RandomZoom: type[_Augmentation]
    RandomTranslation: type[_Augmentation]
    RandomContrast: type[_Augmentation]
    RandomBrightness: type[_Augmentation]
    RandomShear: type[_Augmentation]
    RandomPerspective: type[_Augmentation]
    RandomElasticTransform: type[_Augmentation]
    RandomErasing: type[_Augmentation]
    RandomGaussianBlur: type[_Augmentation]
    MixUp: type[_Augmentation]
    CutMix: type[_Augmentation]
    RandomGrayscale: type[_Augmentation]
    RandomInvert: type[_Augmentation]
    Solarization: type[_Augmentation]
    RandomPosterization: type[_Augmentation]
    RandomSaturation: type[_Augmentation]
    RandomHue: type[_Augmentation]
    RandomSharpness: type[_Augmentation]
    RandomColorJitter: type[_Augmentation]
    AutoContrast: type[_Augmentation]
    Equalization: type[_Augmentation]
    ContrastLimitedAdaptiveHistogramEqualization: type[_Augmentation]
    RandAugment: type[_Augmentation]
    AugMix: type[_Augmentation]


# ---- categorical ------------------------------------------------------------------------------


@register
class CategoryEncoding(_Preprocessing):
    """Integer ids to ``num_tokens``-wide one-hot / multi-hot / count vectors."""

    name = "CategoryEncoding"
    params = (Param("num_tokens", None), Param("output_mode", "multi_hot"), Param("sparse", False))

    def validate(self, args: BoundArgs) -> str | None:
        mode, n = args["output_mode"], args["num_tokens"]
        if isinstance(mode, str) and mode not in ("count", "one_hot", "multi_hot", "binary"):
            return f"Unknown arg for output_mode: {mode}"
        if n is None:
            return (
                "num_tokens must be set to use this layer. If the number of tokens is not known "
                "beforehand, use the IntegerLookup layer instead."
            )
        if _plain_int(n) and n < 1:
            return f"`num_tokens` must be >= 1. Received: num_tokens={n}."
        return None

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        n = positive_int(args["num_tokens"])
        mode = args["output_mode"]
        if mode not in ("one_hot", "multi_hot", "count"):
            return None
        if len(input_shape) == 0:
            return (n,)
        if mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
            return (*input_shape, n)
        return (*input_shape[:-1], n)


@register
class Discretization(_Preprocessing):
    """Buckets values by ``bin_boundaries`` (``len + 1`` bins) or ``num_bins``. Takes no
    ``**kwargs`` in Keras 3."""

    name = "Discretization"
    base_kwargs = False
    params = (
        Param("bin_boundaries", None),
        Param("num_bins", None),
        Param("epsilon", 0.01),
        Param("output_mode", "int"),
        Param("sparse", False),
        Param("dtype", None),
        Param("name", None),
    )

    def validate(self, args: BoundArgs) -> str | None:
        mode, bins, bounds = args["output_mode"], args["num_bins"], args["bin_boundaries"]
        modes = ("int", "one_hot", "multi_hot", "count")
        if isinstance(mode, str) and mode not in modes:
            return (
                "Unknown value for `output_mode` argument of Discretization. Allowed values "
                f"are: {modes}. Received: output_mode={mode}"
            )
        if _plain_int(bins) and bins < 0:
            return f"`num_bins` must be greater than or equal to 0. Received: `num_bins={bins}`"
        known = bounds is None or isinstance(bounds, (list, tuple))
        if bins is not None and bins is not UNKNOWN and bounds is not None and known:
            # (the extractor keeps a list literal as a tuple: shown as the usual list)
            return (
                "Both `num_bins` and `bin_boundaries` should not be set. Received: "
                f"`num_bins={bins}` and `bin_boundaries={list(bounds)}`"
            )
        if bins is None and bounds is None:
            return "You need to set either `num_bins` or `bin_boundaries`."
        return None

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        mode = args["output_mode"]
        if mode == "int":
            return input_shape
        if mode not in ("one_hot", "multi_hot", "count"):
            return None
        bounds = args["bin_boundaries"]
        depth: Dim
        if isinstance(bounds, (list, tuple)):
            depth = len(bounds) + 1
        elif bounds is None:
            depth = as_int(args["num_bins"])
        else:
            depth = None
        if mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return (*input_shape[:-1], depth)
            return (*input_shape, depth)
        if len(input_shape) >= 2:
            return (input_shape[0], *input_shape[2:], depth)
        return (depth,)


@register
class Hashing(_Preprocessing):
    name = "Hashing"
    params = (
        Param("num_bins"),
        Param("mask_value", None),
        Param("salt", None),
        Param("output_mode", "int"),
        Param("sparse", False),
    )

    def validate(self, args: BoundArgs) -> str | None:
        num_bins, mode, salt = args["num_bins"], args["output_mode"], args["salt"]
        if num_bins is None or (_known_int(num_bins) and num_bins <= 0):
            return (
                "The `num_bins` for `Hashing` cannot be `None` or non-positive values. "
                f"Received: num_bins={num_bins}."
            )
        dtype = args.values.get("dtype")
        if mode == "int" and isinstance(dtype, str) and dtype not in ("int32", "int64"):
            return (
                "When `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or "
                f"'in64'. Received: dtype={dtype}"
            )
        modes = ("int", "one_hot", "multi_hot", "count")
        if isinstance(mode, str) and mode not in modes:
            return (
                f"Invalid value for argument `output_mode`. Expected one of {modes}. "
                f"Received: output_mode={mode}"
            )
        if args["sparse"] is True and mode == "int":
            return (
                '`sparse` may only be true if `output_mode` is `"one_hot"`, `"multi_hot"`, or '
                f'`"count"`. Received: sparse=True and output_mode={mode}'
            )
        pair = isinstance(salt, (tuple, list)) and len(salt) == 2
        if salt is not None and salt is not UNKNOWN and not _known_int(salt) and not pair:
            return (
                "The `salt` argument for `Hashing` can only be a tuple of size 2 "
                f"integers, or a single integer. Received: salt={salt}."
            )
        return None

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        mode = args["output_mode"]
        if mode == "int":
            return input_shape
        if mode not in ("one_hot", "multi_hot", "count"):
            return None
        n = positive_int(args["num_bins"])
        if len(input_shape) == 0:
            return (n,)
        return (*input_shape[:-1], n)


def _lookup_shape(args: BoundArgs, input_shape: Shape, mode: Any) -> Shape | None:
    """IndexLookup's rule; the vocabulary size is only known with ``pad_to_max_tokens``."""
    if mode == "int":
        return input_shape
    if mode not in ("one_hot", "multi_hot", "count", "tf_idf"):
        return None
    pad = as_bool(args["pad_to_max_tokens"])
    depth = as_int(args["max_tokens"]) if pad else None
    if mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return (*input_shape[:-1], depth)
        return (*input_shape, depth)
    return (*input_shape[:-1], depth)


def _known_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _lookup_validate(args: BoundArgs, integer: bool) -> str | None:
    """IndexLookup's constructor checks (IntegerLookup words two of them its own way)."""
    max_tokens, num_oov = args["max_tokens"], args["num_oov_indices"]
    if _known_int(max_tokens) and max_tokens <= 1:
        if integer:
            return (
                "If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. "
                f"Received: max_tokens={max_tokens}"
            )
        return f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}"
    if _known_int(num_oov) and num_oov < 0:
        if integer:
            return (
                "The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. "
                f"Received: num_oov_indices={num_oov}"
            )
        return (
            "`num_oov_indices` must be greater than or equal to 0. "
            f"Received: num_oov_indices={num_oov}"
        )
    if integer and args["vocabulary_dtype"] not in ("int64", UNKNOWN):
        return (
            "Only `vocabulary_dtype='int64'` is supported at this time. Received: "
            f"vocabulary_dtype={args['vocabulary_dtype']}"
        )
    if args["pad_to_max_tokens"] is True and max_tokens is None:
        return (
            "If pad_to_max_tokens is True, must set `max_tokens`. "
            f"Received: max_tokens={max_tokens}"
        )
    method = args["oov_method"] if integer else "floormod"
    if isinstance(method, str) and method not in ("floormod", "farmhash"):
        name = "IntegerLookup"
        return (
            f"Unknown value for `oov_method` argument of {name}. Allowed values are: "
            f"('floormod', 'farmhash'). Received: oov_method={method}"
        )
    salt = args["salt"]
    if salt is not None and salt is not UNKNOWN:
        if integer and method == "floormod":
            return (
                "`salt` can only be used when `oov_method='farmhash'`. "
                f"Received: oov_method={method}"
            )
        pair = isinstance(salt, (tuple, list)) and len(salt) == 2
        if not pair and not _known_int(salt):
            return (
                "The `salt` argument for `IndexLookup` can only be a tuple of 2 integers, or "
                f"a single integer. Received: salt={salt}."
            )
    return _lookup_mode_validate(args, "StringLookup" if not integer else "IntegerLookup")


def _lookup_mode_validate(args: BoundArgs, caller: str) -> str | None:
    """The ``output_mode`` checks IndexLookup and TextVectorization share."""
    mode = args["output_mode"]
    if not isinstance(mode, str):
        return None
    mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(mode, mode)
    allowed = ("int", "one_hot", "multi_hot", "count", "tf_idf")
    if mode not in allowed:
        return (
            f"Unknown value for `output_mode` argument of {caller}. Allowed values are: "
            f"{allowed}. Received: output_mode={mode}"
        )
    if args.values.get("invert") is True and mode != "int":
        return f"`output_mode` must be `'int'` when `invert` is true. Received: output_mode={mode}"
    if args["sparse"] is True and mode == "int":
        return (
            "`sparse` may only be true if `output_mode` is `'one_hot'`, `'multi_hot'`, "
            f"`'count'` or `'tf_idf'`. Received: sparse=True and output_mode={mode}"
        )
    idf = args["idf_weights"]
    if idf is not None and idf is not UNKNOWN and mode != "tf_idf":
        if isinstance(idf, tuple):  # the extractor keeps list literals as tuples
            idf = list(idf)
        return (
            "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. Received: "
            f"idf_weights={idf} and output_mode={mode}"
        )
    return None


_LOOKUP_EXTRA = (
    Param("vocabulary_size", None, keyword_only=True),
    Param("has_input_vocabulary", None, keyword_only=True),
)


@register
class StringLookup(_Preprocessing):
    name = "StringLookup"
    traits = frozenset({"text_input"})
    params = (
        Param("max_tokens", None),
        Param("num_oov_indices", 1),
        Param("mask_token", None),
        Param("oov_token", "[UNK]"),
        Param("vocabulary", None),
        Param("idf_weights", None),
        Param("invert", False),
        Param("output_mode", "int"),
        Param("pad_to_max_tokens", False),
        Param("sparse", False),
        Param("encoding", "utf-8"),
        Param("name", None),
        Param("salt", None),
        *_LOOKUP_EXTRA,
    )

    def validate(self, args: BoundArgs) -> str | None:
        return _lookup_validate(args, integer=False)

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        return _lookup_shape(args, input_shape, args["output_mode"])


@register
class IntegerLookup(_Preprocessing):
    name = "IntegerLookup"
    params = (
        Param("max_tokens", None),
        Param("num_oov_indices", 1),
        Param("mask_token", None),
        Param("oov_token", -1),
        Param("vocabulary", None),
        Param("vocabulary_dtype", "int64"),
        Param("idf_weights", None),
        Param("invert", False),
        Param("output_mode", "int"),
        Param("sparse", False),
        Param("pad_to_max_tokens", False),
        Param("oov_method", "floormod"),
        Param("salt", None),
        Param("name", None),
        *_LOOKUP_EXTRA,
    )

    def validate(self, args: BoundArgs) -> str | None:
        return _lookup_validate(args, integer=True)

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        return _lookup_shape(args, input_shape, args["output_mode"])


@register
class TextVectorization(_Preprocessing):
    """Strings to token ids ``(batch, output_sequence_length)`` (``int`` mode) or to
    vocabulary-wide vectors."""

    name = "TextVectorization"
    traits = frozenset({"text_input"})
    params = (
        Param("max_tokens", None),
        Param("standardize", "lower_and_strip_punctuation"),
        Param("split", "whitespace"),
        Param("ngrams", None),
        Param("output_mode", "int"),
        Param("output_sequence_length", None),
        Param("pad_to_max_tokens", False),
        Param("vocabulary", None),
        Param("idf_weights", None),
        Param("sparse", False),
        Param("ragged", False),
        Param("encoding", "utf-8"),
        Param("name", None),
        *_LOOKUP_EXTRA,
    )

    def validate(self, args: BoundArgs) -> str | None:
        for arg, allowed in (
            ("standardize", ("lower_and_strip_punctuation", "lower", "strip_punctuation")),
            ("split", ("whitespace", "character")),
        ):
            value = args[arg]
            if isinstance(value, (int, float, list, tuple)) or (
                isinstance(value, str) and value not in allowed
            ):
                return (
                    f"Unknown value for `{arg}` argument of TextVectorization. Allowed values "
                    f"are: {allowed}. Received: {arg}={value}"
                )
        mode = args["output_mode"]
        if isinstance(mode, str):
            mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(mode, mode)
            modes = ("int", "one_hot", "multi_hot", "count", "tf_idf")
            if mode not in modes:
                return (
                    "Unknown value for `output_mode` argument of TextVectorization. Allowed "
                    f"values are: {modes}. Received: output_mode={mode}"
                )
        ngrams = args["ngrams"]
        int_tuple = isinstance(ngrams, tuple) and all(_known_int(n) for n in ngrams)
        if (
            ngrams is not None
            and ngrams is not UNKNOWN
            and not _known_int(ngrams)
            and not int_tuple
        ):
            return (
                "`ngrams` must be None, an integer, or a tuple of integers. "
                f"Received: ngrams={ngrams}"
            )
        length = args["output_sequence_length"]
        if mode == "int" and isinstance(length, (float, str, list, tuple)):
            return (
                "`output_sequence_length` must be either None or an integer when "
                f"`output_mode` is 'int'. Received: output_sequence_length={length}"
            )
        if isinstance(mode, str) and mode != "int" and length is not None and length is not UNKNOWN:
            return (
                "`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                f"Received output_sequence_length={length}."
            )
        if args["ragged"] is True and isinstance(mode, str) and mode != "int":
            return (
                "`ragged` must not be true if `output_mode` is `'int'`. "
                f"Received: ragged=True and output_mode={mode}"
            )
        max_tokens = args["max_tokens"]
        if _known_int(max_tokens) and max_tokens <= 1:
            return f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}"
        if args["pad_to_max_tokens"] is True and max_tokens is None:
            return (
                "If pad_to_max_tokens is True, must set `max_tokens`. "
                f"Received: max_tokens={max_tokens}"
            )
        return _lookup_mode_validate(args, "StringLookup")

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        mode = args["output_mode"]
        if mode == "int":
            length = args["output_sequence_length"]
            return (input_shape[0] if input_shape else None, as_int(length))
        split = args["split"]
        if split is UNKNOWN:
            return None
        shape: Shape = input_shape
        if split is None:
            if len(shape) <= 1:
                shape = (*shape, 1)
        else:
            shape = (*shape, None)
        return _lookup_shape(args, shape, mode)
