"""Regularization layers: Dropout and its variants, noise, ActivityRegularization.

All of them keep the shape and learn nothing; they do not set an activation.
"""

from __future__ import annotations

from seqlint.layers._common import data_format_error, rate_error, require_ndim
from seqlint.layers.base import BoundArgs, LayerDef, Param, Shape, register


class _PassThrough(LayerDef):
    role = "regularization"
    traits = frozenset({"linear", "elementwise"})
    passthrough = True

    def activation(self, args: BoundArgs) -> str | None:
        return None


@register
class Dropout(_PassThrough):
    name = "Dropout"
    traits = frozenset({"dropout", "linear", "elementwise"})
    params = (Param("rate"), Param("noise_shape", None), Param("seed", None))

    def validate(self, args: BoundArgs) -> str | None:
        return rate_error(args["rate"])


@register
class AlphaDropout(_PassThrough):
    name = "AlphaDropout"
    traits = frozenset({"dropout", "linear", "elementwise"})
    params = (Param("rate"), Param("noise_shape", None), Param("seed", None))

    def validate(self, args: BoundArgs) -> str | None:
        return rate_error(args["rate"])


@register
class GaussianDropout(_PassThrough):
    name = "GaussianDropout"
    traits = frozenset({"dropout", "linear", "elementwise"})
    params = (Param("rate"), Param("seed", None))

    def validate(self, args: BoundArgs) -> str | None:
        return rate_error(args["rate"])


@register
class GaussianNoise(_PassThrough):
    name = "GaussianNoise"
    params = (Param("stddev"), Param("seed", None))

    def validate(self, args: BoundArgs) -> str | None:
        return rate_error(args["stddev"], "stddev")  # Keras 3 refuses stddev > 1 too


@register
class ActivityRegularization(_PassThrough):
    name = "ActivityRegularization"
    params = (Param("l1", 0.0), Param("l2", 0.0))

    def validate(self, args: BoundArgs) -> str | None:
        for name in ("l1", "l2"):
            value = args[name]
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
                return (
                    f"Invalid value for argument {name}: expected a non-negative float."
                    f"Received: {name}={value}"
                )
        return None


class _SpatialDropout(_PassThrough):
    """SpatialDropout1D/2D/3D take no ``**kwargs`` in Keras 3: ``input_shape=`` is a TypeError."""

    traits = frozenset({"dropout", "linear", "elementwise"})
    base_kwargs = False
    ndim = 0

    def validate(self, args: BoundArgs) -> str | None:
        return rate_error(args["rate"]) or data_format_error(args.get("data_format"))

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        require_ndim(self.name, input_shape, self.ndim)
        return input_shape


@register
class SpatialDropout1D(_SpatialDropout):
    name = "SpatialDropout1D"
    ndim = 3
    params = (Param("rate"), Param("seed", None), Param("name", None), Param("dtype", None))


@register
class SpatialDropout2D(_SpatialDropout):
    name = "SpatialDropout2D"
    ndim = 4
    params = (
        Param("rate"),
        Param("data_format", None),
        Param("seed", None),
        Param("name", None),
        Param("dtype", None),
    )


@register
class SpatialDropout3D(_SpatialDropout):
    name = "SpatialDropout3D"
    ndim = 5
    params = (
        Param("rate"),
        Param("data_format", None),
        Param("seed", None),
        Param("name", None),
        Param("dtype", None),
    )
