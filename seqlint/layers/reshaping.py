"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, Cropping*, ZeroPadding*,
UpSampling*. None learns and none sets an activation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from seqlint.layers._common import (
    data_format,
    data_format_error,
    dims_product,
    first_error,
    fmt_shape,
    int_tuple,
    nested_pairs_error,
    pair,
    pairs,
    positive_int,
    require_min_ndim,
    require_ndim,
    tuple_error,
)
from seqlint.layers.base import (
    UNKNOWN,
    BoundArgs,
    Dim,
    LayerDef,
    Param,
    Shape,
    ShapeError,
    TypeRefusal,
    as_int,
    register,
)
from seqlint.layers.conv import join_channels, split_channels


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Reshaping(LayerDef):
    role = "reshape"
    traits = frozenset({"linear"})
    passthrough = True

    def activation(self, args: BoundArgs) -> str | None:
        return None


@register
class Flatten(_Reshaping):
    """``(batch, ...)`` to ``(batch, product)``; a rank-1 input gives ``(batch, 1)``."""

    name = "Flatten"
    params = (Param("data_format", None),)

    def validate(self, args: BoundArgs) -> str | None:
        return data_format_error(args["data_format"])

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        require_min_ndim(self.name, input_shape, 1)
        rest = input_shape[1:]
        return (input_shape[0], dims_product(rest) if rest else 1)


@register
class Reshape(_Reshaping):
    """``Reshape(target_shape)``, one ``-1`` allowed; the element count must not change."""

    name = "Reshape"
    params = (Param("target_shape"),)

    def validate(self, args: BoundArgs) -> str | None:
        target = args["target_shape"]
        if isinstance(target, (tuple, list)) and any(_is_int(d) and d < -1 for d in target):
            return (
                "Each dimension in `target_shape` must be a non-negative integer, or `-1` for a "
                f"single unknown dimension. Received: target_shape={target}."
            )
        if isinstance(target, (tuple, list)) and sum(d == -1 for d in target if _is_int(d)) > 1:
            return (
                "There must be at most one unknown dimension (-1) in `target_shape`. "
                f"Received: target_shape={target}."
            )
        return None

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        target = args["target_shape"]
        if not isinstance(target, (tuple, list)):
            return None
        new: list[Dim] = []
        for item in target:
            if item is UNKNOWN:
                new.append(None)
            elif isinstance(item, int) and not isinstance(item, bool) and item >= -1:
                new.append(item)
            else:
                return None  # Keras rejects it when constructing the layer
        if new.count(-1) > 1:
            return None
        require_min_ndim(self.name, input_shape, 1)
        rest = input_shape[1:]
        if None in rest or None in new:
            return (input_shape[0], *(None if d == -1 else d for d in new))
        size = dims_product(rest)
        assert size is not None
        if -1 not in new:
            if size != dims_product(new):
                raise ShapeError(
                    "dimension",
                    "The total size of the tensor must be unchanged. Received: "
                    f"input_shape={fmt_shape(rest)}, target_shape={fmt_shape(tuple(new))}",
                )
            return (input_shape[0], *new)
        known = 1
        for d in new:
            if d != -1:
                assert d is not None
                known *= d
        if known == 0 or size % known != 0:
            raise ShapeError(
                "dimension",
                "The total size of the tensor must be unchanged, however, the input size cannot "
                "by divided by the specified dimensions in target_shape. Received: "
                f"input_shape={fmt_shape(rest)}, target_shape={fmt_shape(tuple(new))}",
            )
        return (input_shape[0], *(size // known if d == -1 else d for d in new))


@register
class Permute(_Reshaping):
    """``Permute(dims)``: a permutation of ``1..n``; the input must have rank ``n + 1``."""

    name = "Permute"
    params = (Param("dims"),)

    def validate(self, args: BoundArgs) -> str | None:
        dims = args["dims"]
        if (
            isinstance(dims, (tuple, list))
            and all(_is_int(d) for d in dims)
            and sorted(dims) != list(range(1, len(dims) + 1))
        ):
            return (
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )
        return None

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        dims = args["dims"]
        if not isinstance(dims, (tuple, list)):
            return None
        ints = [as_int(d) for d in dims]
        known = [d for d in ints if d is not None]
        if len(known) == len(ints) and sorted(known) != list(range(1, len(known) + 1)):
            return None  # not a permutation: Keras rejects it when constructing the layer
        require_ndim(self.name, input_shape, len(dims) + 1)
        return (input_shape[0], *(None if d is None else input_shape[d] for d in ints))


@register
class RepeatVector(_Reshaping):
    """``(batch, features)`` to ``(batch, n, features)``."""

    name = "RepeatVector"
    params = (Param("n"),)

    def validate(self, args: BoundArgs) -> str | None:
        n = args["n"]
        if n is None or isinstance(n, (bool, float, str)):
            return TypeRefusal(f"Expected an integer value for `n`, got {type(n)}.")
        if _is_int(n) and n <= 0:
            return f"Argument `n` should be a positive integer. Received: n={n}"
        return None

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        require_ndim(self.name, input_shape, 2)
        return (input_shape[0], positive_int(args["n"]), input_shape[1])


# ---- spatial helpers --------------------------------------------------------------------------


def _spatial_map(
    args: BoundArgs, input_shape: Shape, fn: Callable[[int, Dim], Dim], *, has_format: bool = True
) -> Shape:
    fmt = data_format(args) if has_format else "channels_last"
    spatial, channels = split_channels(input_shape, fmt)
    if fmt is None:
        return (input_shape[0],) + (None,) * (len(input_shape) - 1)
    return join_channels(
        input_shape[0], tuple(fn(i, d) for i, d in enumerate(spatial)), channels, fmt
    )


class _Cropping(_Reshaping):
    role = "resample"
    traits = frozenset({"linear", "spatial_output"})
    rank: ClassVar[int] = 0

    def validate(self, args: BoundArgs) -> str | None:
        if self.rank == 1:
            return tuple_error(args["cropping"], 2, "cropping", allow_zero=True)
        return first_error(
            data_format_error(args["data_format"]),
            nested_pairs_error(args["cropping"], self.rank, "cropping"),
        )

    def _crops(self, value: Any) -> tuple[tuple[int | None, int | None], ...] | None:
        if self.rank == 1:
            p = pair(value)
            return None if p is None else (p,)
        return pairs(value, self.rank)

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        require_ndim(self.name, input_shape, self.rank + 2)
        crops = self._crops(args["cropping"])

        def crop(i: int, size: Dim) -> Dim:
            if size is None or crops is None:
                return None
            a, b = crops[i]
            if a is None or b is None:
                return None
            out = size - a - b
            if out <= 0:
                raise ShapeError(
                    "dimension",
                    f"`cropping` argument of {self.name} should be smaller than the "
                    f"corresponding dimension of the input. Received: "
                    f"input_shape={fmt_shape(input_shape)}, cropping={crops}",
                )
            return out

        return _spatial_map(args, input_shape, crop, has_format=self.rank > 1)


@register
class Cropping1D(_Cropping):
    name = "Cropping1D"
    rank = 1
    params = (Param("cropping", (1, 1)),)


@register
class Cropping2D(_Cropping):
    name = "Cropping2D"
    rank = 2
    params = (Param("cropping", ((0, 0), (0, 0))), Param("data_format", None))


@register
class Cropping3D(_Cropping):
    name = "Cropping3D"
    rank = 3
    params = (Param("cropping", ((1, 1), (1, 1), (1, 1))), Param("data_format", None))


class _ZeroPadding(_Reshaping):
    role = "resample"
    traits = frozenset({"linear", "spatial_output"})
    rank: ClassVar[int] = 0

    def validate(self, args: BoundArgs) -> str | None:
        if self.rank == 1:
            return first_error(
                data_format_error(args["data_format"]),
                tuple_error(args["padding"], 2, "padding", allow_zero=True),
            )
        return first_error(
            data_format_error(args["data_format"]),
            nested_pairs_error(args["padding"], self.rank, "padding"),
        )

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        require_ndim(self.name, input_shape, self.rank + 2)
        value = args["padding"]
        pads: tuple[tuple[int | None, int | None], ...] | None
        if self.rank == 1:
            p = pair(value)
            pads = None if p is None else (p,)
        else:
            pads = pairs(value, self.rank)

        def pad(i: int, size: Dim) -> Dim:
            if size is None or pads is None:
                return None
            a, b = pads[i]
            return None if a is None or b is None else size + a + b

        return _spatial_map(args, input_shape, pad)


@register
class ZeroPadding1D(_ZeroPadding):
    name = "ZeroPadding1D"
    rank = 1
    params = (Param("padding", 1), Param("data_format", None))


@register
class ZeroPadding2D(_ZeroPadding):
    name = "ZeroPadding2D"
    rank = 2
    params = (Param("padding", (1, 1)), Param("data_format", None))


@register
class ZeroPadding3D(_ZeroPadding):
    name = "ZeroPadding3D"
    rank = 3
    params = (Param("padding", ((1, 1), (1, 1), (1, 1))), Param("data_format", None))


class _UpSampling(_Reshaping):
    role = "resample"
    traits = frozenset({"linear", "spatial_output"})
    rank: ClassVar[int] = 0

    def validate(self, args: BoundArgs) -> str | None:
        size = args["size"]
        if self.rank == 1:
            if _is_int(size) and size <= 0:
                return f"Argument `size` should be a positive integer. Received: size={size}"
            return None
        return first_error(
            data_format_error(args["data_format"]), tuple_error(size, self.rank, "size")
        )

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        require_ndim(self.name, input_shape, self.rank + 2)
        value = args["size"]
        if self.rank == 1:
            sizes: tuple[int | None, ...] | None = (positive_int(value),)
        else:
            sizes = int_tuple(value, self.rank)

        def scale(i: int, size: Dim) -> Dim:
            factor = None if sizes is None else sizes[i]
            return None if size is None or factor is None else size * factor

        return _spatial_map(args, input_shape, scale, has_format=self.rank > 1)


@register
class UpSampling1D(_UpSampling):
    name = "UpSampling1D"
    rank = 1
    params = (Param("size", 2),)


@register
class UpSampling2D(_UpSampling):
    name = "UpSampling2D"
    rank = 2
    params = (Param("size", (2, 2)), Param("data_format", None), Param("interpolation", "nearest"))


@register
class UpSampling3D(_UpSampling):
    name = "UpSampling3D"
    rank = 3
    params = (Param("size", (2, 2, 2)), Param("data_format", None))
