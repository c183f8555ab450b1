"""Normalization layers: BatchNormalization, LayerNormalization, GroupNormalization,
UnitNormalization, RMSNormalization. All keep the shape and do not set an activation."""

from __future__ import annotations

from typing import Any

from seqlint.layers._common import (
    as_bool,
    axis_index,
)
from seqlint.layers.base import (
    UNKNOWN,
    BoundArgs,
    LayerDef,
    Param,
    Shape,
    ShapeError,
    TypeRefusal,
    WeightSpec,
    as_int,
    register,
)


def axes_of(value: Any, ndim: int) -> list[int] | None:
    """An ``axis`` argument (int or list) as sorted non-negative indices; ``None`` if unknown.

    Raises ShapeError("rank") for an axis out of range, as Keras does when building."""
    if value is UNKNOWN:
        return None
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    out: list[int] = []
    for item in items:
        index = axis_index(item, ndim)
        if index is None:
            return None
        out.append(index)
    return sorted(out)


def _not_an_axis(value: Any) -> bool:
    """A literal ``axis`` that is neither an int nor a list/tuple (Keras's TypeError)."""
    return value is None or isinstance(value, (float, str))


class _Normalization(LayerDef):
    role = "normalization"
    traits = frozenset({"elementwise"})
    learns = True

    def activation(self, args: BoundArgs) -> str | None:
        return None

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        axes_of(args["axis"], len(input_shape))
        return input_shape


@register
class BatchNormalization(_Normalization):
    """gamma and beta are trainable, the moving mean and variance are not (``renorm=True`` adds
    three more non-trainable vectors)."""

    name = "BatchNormalization"
    traits = frozenset({"elementwise", "linear"})
    params = (
        Param("axis", -1),
        Param("momentum", 0.99),
        Param("epsilon", 0.001),
        Param("center", True),
        Param("scale", True),
        Param("beta_initializer", "zeros"),
        Param("gamma_initializer", "ones"),
        Param("moving_mean_initializer", "zeros"),
        Param("moving_variance_initializer", "ones"),
        Param("beta_regularizer", None),
        Param("gamma_regularizer", None),
        Param("beta_constraint", None),
        Param("gamma_constraint", None),
        Param("renorm", False),
        Param("renorm_clipping", None),
        Param("renorm_momentum", 0.99),
        Param("synchronized", False),
    )

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        axis = axis_index(args["axis"], len(input_shape))
        center, scale, renorm = (as_bool(args[k]) for k in ("center", "scale", "renorm"))
        if axis is None or center is None or scale is None or renorm is None:
            return None
        shape = (input_shape[axis],)
        specs = []
        if scale:
            specs.append(WeightSpec("gamma", shape, args["gamma_initializer"]))
        if center:
            specs.append(WeightSpec("beta", shape, args["beta_initializer"]))
        specs += [
            WeightSpec("moving_mean", shape, args["moving_mean_initializer"], trainable=False),
            WeightSpec(
                "moving_variance", shape, args["moving_variance_initializer"], trainable=False
            ),
        ]
        if renorm:  # the batch renormalization statistics
            specs += [
                WeightSpec(name, shape, init, trainable=False)
                for name, init in (
                    ("moving_stddev", "ones"),
                    ("renorm_mean", "zeros"),
                    ("renorm_stddev", "ones"),
                )
            ]
        return specs


@register
class LayerNormalization(_Normalization):
    """gamma/beta over the normalised axes. The deprecated ``rms_scaling=True`` keyword keeps
    only gamma."""

    name = "LayerNormalization"
    params = (
        Param("axis", -1),
        Param("epsilon", 0.001),
        Param("center", True),
        Param("scale", True),
        Param("beta_initializer", "zeros"),
        Param("gamma_initializer", "ones"),
        Param("beta_regularizer", None),
        Param("gamma_regularizer", None),
        Param("beta_constraint", None),
        Param("gamma_constraint", None),
        Param("rms_scaling", False, keyword_only=True),
    )

    def validate(self, args: BoundArgs) -> str | None:
        axis = args["axis"]
        if _not_an_axis(axis):
            return TypeRefusal(
                "Expected an int or a list/tuple of ints for the argument 'axis', but received: "
                f"{axis!r}"
            )
        return None

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        """gamma/beta over the normalised axes, in the order Keras sorts the ``axis`` values
        as given (``[1, -1]`` -> ``[-1, 1]``)."""
        axis = args["axis"]
        given = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        center, scale, rms = (as_bool(args[k]) for k in ("center", "scale", "rms_scaling"))
        if axes_of(axis, len(input_shape)) is None or None in (center, scale, rms):
            return None
        if not all(isinstance(a, int) and not isinstance(a, bool) for a in given):
            return None
        shape = tuple(input_shape[a] for a in sorted(given))
        specs = []
        if scale or rms:  # rms_scaling: gamma only
            specs.append(WeightSpec("gamma", shape, args["gamma_initializer"]))
        if center and not rms:
            specs.append(WeightSpec("beta", shape, args["beta_initializer"]))
        return specs


@register
class GroupNormalization(_Normalization):
    """``groups`` must divide the channel axis (``groups=-1``: one group per channel)."""

    name = "GroupNormalization"
    params = (
        Param("groups", 32),
        Param("axis", -1),
        Param("epsilon", 0.001),
        Param("center", True),
        Param("scale", True),
        Param("beta_initializer", "zeros"),
        Param("gamma_initializer", "ones"),
        Param("beta_regularizer", None),
        Param("gamma_regularizer", None),
        Param("beta_constraint", None),
        Param("gamma_constraint", None),
    )

    def validate(self, args: BoundArgs) -> str | None:
        groups = args["groups"]
        if (
            isinstance(groups, int)
            and not isinstance(groups, bool)
            and (groups == 0 or groups < -1)
        ):
            return (
                "Received an invalid value for argument `groups`, expected a positive integer "
                f"(or `-1` for instance normalization). Received: groups={groups}"
            )
        return None

    def _dim(self, args: BoundArgs, input_shape: Shape) -> int | None:
        axis = axis_index(args["axis"], len(input_shape))
        if axis is None:
            return None
        dim = input_shape[axis]
        groups = as_int(args["groups"])
        if dim is None or groups is None:
            return dim
        if groups == -1:
            groups = dim
        if dim < groups:
            raise ShapeError(
                "dimension",
                f"Number of groups ({groups}) cannot be more than the number of channels ({dim}).",
            )
        if groups > 0 and dim % groups != 0:
            raise ShapeError(
                "dimension",
                f"Number of groups ({groups}) must be a multiple of the number of channels "
                f"({dim}).",
            )
        return dim

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        self._dim(args, input_shape)
        return input_shape

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        dim = self._dim(args, input_shape)
        center, scale = as_bool(args["center"]), as_bool(args["scale"])
        if center is None or scale is None:
            return None
        specs = []
        if scale:
            specs.append(WeightSpec("gamma", (dim,), args["gamma_initializer"]))
        if center:
            specs.append(WeightSpec("beta", (dim,), args["beta_initializer"]))
        return specs


@register
class UnitNormalization(_Normalization):
    name = "UnitNormalization"
    learns = False
    params = (Param("axis", -1),)

    def validate(self, args: BoundArgs) -> str | None:
        axis = args["axis"]
        if _not_an_axis(axis):
            return TypeRefusal(
                "Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                f"Received: axis={axis}"
            )
        return None


@register
class RMSNormalization(_Normalization):
    name = "RMSNormalization"
    params = (Param("axis", -1), Param("epsilon", 1e-06))

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        axes = axes_of(args["axis"], len(input_shape))
        if axes is None:
            return None
        return [WeightSpec("scale", tuple(input_shape[a] for a in sorted(axes)), "ones")]
