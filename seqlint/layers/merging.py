"""Merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot).

They combine a *list* of tensors, so inside a Sequential (one tensor in, one out) Keras refuses
them when building: ``output_shape`` always raises ``ShapeError("rank", ...)`` with Keras's
message.
"""

from __future__ import annotations

from typing import NoReturn

from seqlint.layers._common import fmt_shape
from seqlint.layers.base import BoundArgs, LayerDef, Param, Shape, ShapeError, register


class _Merge(LayerDef):
    role = "merge"
    merge = True

    def _message(self, input_shape: Shape) -> str:
        return (
            "A merge layer should be called on a list of inputs. "
            f"Received: input_shape={fmt_shape(input_shape)} (not a list of shapes)"
        )

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> NoReturn:
        raise ShapeError("rank", self._message(input_shape))

    def activation(self, args: BoundArgs) -> str | None:
        return None


@register
class Add(_Merge):
    name = "Add"


@register
class Subtract(_Merge):
    name = "Subtract"


@register
class Multiply(_Merge):
    name = "Multiply"


@register
class Average(_Merge):
    name = "Average"


@register
class Maximum(_Merge):
    name = "Maximum"


@register
class Minimum(_Merge):
    name = "Minimum"


@register
class Concatenate(_Merge):
    name = "Concatenate"
    params = (Param("axis", -1),)

    def _message(self, input_shape: Shape) -> str:
        return (
            "A `Concatenate` layer should be called on a list of at least 1 input. "
            f"Received: input_shape={fmt_shape(input_shape)}"
        )


@register
class Dot(_Merge):
    name = "Dot"
    params = (Param("axes"), Param("normalize", False))

    def _message(self, input_shape: Shape) -> str:
        return (
            "A `Dot` layer should be called on a list of 2 inputs. "
            f"Received: input_shape={fmt_shape(input_shape)}"
        )


class _QueryValue(_Merge):
    """Attention layers take ``[query, value]`` or ``[query, value, key]``: a list of tensors,
    like the merge layers."""

    role = "attention"

    def _message(self, input_shape: Shape) -> str:
        return (
            f"{self.name} layer must be called on a list of inputs, namely [query, value] or "
            f"[query, value, key]. Received: inputs={fmt_shape(input_shape)}."
        )


@register
class Attention(_QueryValue):
    name = "Attention"
    params = (
        Param("use_scale", False),
        Param("score_mode", "dot"),
        Param("dropout", 0.0),
        Param("seed", None),
    )

    def validate(self, args: BoundArgs) -> str | None:
        mode = args["score_mode"]
        if isinstance(mode, str) and mode not in ("dot", "concat"):
            return (
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={mode}"
            )
        return None


@register
class AdditiveAttention(_QueryValue):
    name = "AdditiveAttention"
    params = (Param("use_scale", True), Param("dropout", 0.0))
