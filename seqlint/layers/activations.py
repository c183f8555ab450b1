"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.

They keep the shape; only PReLU has weights. (``ThresholdedReLU`` is gone from Keras 3: use
``ReLU(threshold=...)``.)
"""

from __future__ import annotations

from typing import Any

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


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@register
class ReLU(LayerDef):
    name = "ReLU"
    role = "activation"
    traits = frozenset({"elementwise"})
    params = (Param("max_value", None), Param("negative_slope", 0.0), Param("threshold", 0.0))

    def validate(self, args: BoundArgs) -> str | None:
        max_value = args["max_value"]
        if _number(max_value) and max_value < 0:
            return (
                "max_value of a ReLU layer cannot be a negative value. Received: "
                f"max_value={max_value}"
            )
        for name in ("negative_slope", "threshold"):
            value = args[name]
            if value is None or (_number(value) and value < 0):
                return (
                    f"{name} of a ReLU layer cannot be None or a negative value. Received: "
                    f"{name}={value}"
                )
        return None

    def activation(self, args: BoundArgs) -> str | None:
        slope = args["negative_slope"]
        if slope is UNKNOWN:
            return None
        if isinstance(slope, (int, float)) and not isinstance(slope, bool) and slope > 0:
            return "leaky_relu"
        return "relu"


@register
class LeakyReLU(LayerDef):
    """``LeakyReLU(negative_slope=0.3)``; the Keras 2 name ``alpha=`` still works (deprecated)."""

    name = "LeakyReLU"
    role = "activation"
    traits = frozenset({"elementwise"})
    params = (Param("negative_slope", 0.3), Param("alpha", None, keyword_only=True))

    def validate(self, args: BoundArgs) -> str | None:
        slope = args["negative_slope"] if args["alpha"] is None else args["alpha"]
        if slope is None or (_number(slope) and slope < 0):
            return (
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative "
                f"value. Expected a float. Received: negative_slope={slope}"
            )
        return None

    def activation(self, args: BoundArgs) -> str | None:
        return "leaky_relu"


@register
class ELU(LayerDef):
    name = "ELU"
    role = "activation"
    traits = frozenset({"elementwise"})
    params = (Param("alpha", 1.0),)

    def activation(self, args: BoundArgs) -> str | None:
        return "elu"


@register
class Softmax(LayerDef):
    name = "Softmax"
    role = "activation"
    traits = frozenset({"elementwise"})
    params = (Param("axis", -1),)

    def activation(self, args: BoundArgs) -> str | None:
        return "softmax"


def _shared_axes(value: Any) -> list[int] | None:
    if value is None:
        return []
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, (list, tuple)):
        out = [as_int(v) for v in value]
        if any(v is None for v in out):
            return None
        return [v for v in out if v is not None]
    return None


@register
class PReLU(LayerDef):
    """One learnable slope per non-batch element, shared along ``shared_axes``."""

    name = "PReLU"
    role = "activation"
    traits = frozenset({"elementwise"})
    learns = True
    params = (
        Param("alpha_initializer", "Zeros"),
        Param("alpha_regularizer", None),
        Param("alpha_constraint", None),
        Param("shared_axes", None),
    )

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        shared = _shared_axes(args["shared_axes"]) if args["shared_axes"] is not UNKNOWN else None
        if shared is None:
            return None
        param_shape: list[Dim] = list(input_shape[1:])
        for axis in shared:
            if not -len(param_shape) <= axis - 1 < len(param_shape):
                raise ShapeError(
                    "rank",
                    f"PReLU shared_axes={args['shared_axes']!r} do not fit an input of rank "
                    f"{len(input_shape)}",
                )
            param_shape[axis - 1] = 1
        return [WeightSpec("alpha", tuple(param_shape), args["alpha_initializer"])]

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        self.weights(args, input_shape)  # Keras builds the slopes first: same rank check
        return input_shape

    def activation(self, args: BoundArgs) -> str | None:
        return "prelu"
