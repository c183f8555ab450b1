"""Pooling layers: Max/Average pooling, global pooling, adaptive pooling.

Pooling sizes follow Keras's ``compute_pooling_output_shape``: ``strides`` defaults to
``pool_size``; ``valid``: ``floor((n - p) / s) + 1``, an error when <= 0; ``same``:
``floor((n - 1) / s) + 1``. Keras compares ``padding`` case-sensitively here ("SAME" fails at
build), so anything but ``"valid"``/``"same"`` gives unknown sizes.
"""

from __future__ import annotations

from typing import ClassVar

from seqlint.layers._common import (
    as_bool,
    data_format,
    data_format_error,
    first_error,
    fmt_shape,
    identifier_error,
    int_tuple,
    require_ndim,
    tuple_error,
)
from seqlint.layers.base import (
    REQUIRED,
    BoundArgs,
    Dim,
    LayerDef,
    Param,
    Shape,
    ShapeError,
    as_int,
    register,
)
from seqlint.layers.conv import join_channels, split_channels


class _PoolingBase(LayerDef):
    passthrough = True

    def activation(self, args: BoundArgs) -> str | None:
        return None


class _Pooling(_PoolingBase):
    role = "pooling"
    traits = frozenset({"spatial_output"})
    rank: ClassVar[int] = 0

    def validate(self, args: BoundArgs) -> str | None:
        return first_error(
            tuple_error(args["pool_size"], self.rank, "pool_size"),
            tuple_error(args["strides"], self.rank, "strides", allow_zero=True),
            data_format_error(args["data_format"]),
            _zero_strides(args["strides"], self.rank),
        )

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        rank = self.rank
        require_ndim(self.name, input_shape, rank + 2)
        fmt = data_format(args)
        spatial, channels = split_channels(input_shape, fmt)
        pool = int_tuple(args["pool_size"], rank) or (None,) * rank
        raw_strides = args["strides"]
        strides = pool if raw_strides is None else int_tuple(raw_strides, rank) or (None,) * rank
        padding = args["padding"] if args["padding"] in ("valid", "same") else None
        out: list[Dim] = []
        for n, p, s in zip(spatial, pool, strides, strict=True):
            if n is None or s is None or s == 0 or padding is None:
                out.append(None)
            elif padding == "valid":
                if p is None:
                    out.append(None)
                    continue
                v = (n - p) // s + 1
                if v <= 0:
                    raise ShapeError(
                        "dimension",
                        f"Computed output size would be zero or negative. {self.name} received "
                        f"inputs.shape={fmt_shape(input_shape)}, pool_size={tuple(pool)}, "
                        f"strides={tuple(strides)}, padding={padding}.",
                    )
                out.append(v)
            else:
                out.append((n - 1) // s + 1)
        return join_channels(input_shape[0], tuple(out), channels, fmt)


def _zero_strides(value: object, rank: int) -> str | None:
    """Keras accepts a zero stride in the constructor and divides by it when it builds."""
    strides = int_tuple(value, rank, allow_zero=True) if value is not None else None
    if strides is not None and 0 in strides:
        return (
            f"Received strides={value}: a pooling stride of 0 (Keras fails with "
            "ZeroDivisionError: division by zero when it builds the layer)"
        )
    return None


def _pool_params(default_pool: object) -> tuple[Param, ...]:
    return (
        Param("pool_size", default_pool),
        Param("strides", None),
        Param("padding", "valid"),
        Param("data_format", None),
        Param("name", None),
    )


@register
class MaxPooling1D(_Pooling):
    name = "MaxPooling1D"
    aliases = ("MaxPool1D",)
    rank = 1
    params = _pool_params(2)


@register
class MaxPooling2D(_Pooling):
    name = "MaxPooling2D"
    aliases = ("MaxPool2D",)
    rank = 2
    params = _pool_params((2, 2))


@register
class MaxPooling3D(_Pooling):
    name = "MaxPooling3D"
    aliases = ("MaxPool3D",)
    rank = 3
    params = _pool_params((2, 2, 2))


# AveragePooling*D have no default pool_size in Keras 3.15 (``AveragePooling2D()`` is a TypeError).
@register
class AveragePooling1D(_Pooling):
    name = "AveragePooling1D"
    traits = frozenset({"spatial_output", "linear"})
    aliases = ("AvgPool1D",)
    rank = 1
    params = _pool_params(REQUIRED)


@register
class AveragePooling2D(_Pooling):
    name = "AveragePooling2D"
    traits = frozenset({"spatial_output", "linear"})
    aliases = ("AvgPool2D",)
    rank = 2
    params = _pool_params(REQUIRED)


@register
class AveragePooling3D(_Pooling):
    name = "AveragePooling3D"
    traits = frozenset({"spatial_output", "linear"})
    aliases = ("AvgPool3D",)
    rank = 3
    params = _pool_params(REQUIRED)


class _GlobalPooling(_PoolingBase):
    """Reduces every spatial axis (kept as size 1 with ``keepdims=True``)."""

    role = "global_pooling"
    rank: ClassVar[int] = 0
    params = (Param("data_format", None), Param("keepdims", False))

    def validate(self, args: BoundArgs) -> str | None:
        return data_format_error(args["data_format"])

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        require_ndim(self.name, input_shape, self.rank + 2)
        fmt = data_format(args)
        keep = as_bool(args["keepdims"])
        _, channels = split_channels(input_shape, fmt)
        if keep is None:
            return None
        if keep:
            return join_channels(input_shape[0], (1,) * self.rank, channels, fmt)
        return (input_shape[0], channels)


@register
class GlobalMaxPooling1D(_GlobalPooling):
    name = "GlobalMaxPooling1D"
    aliases = ("GlobalMaxPool1D",)
    rank = 1


@register
class GlobalMaxPooling2D(_GlobalPooling):
    name = "GlobalMaxPooling2D"
    aliases = ("GlobalMaxPool2D",)
    rank = 2


@register
class GlobalMaxPooling3D(_GlobalPooling):
    name = "GlobalMaxPooling3D"
    aliases = ("GlobalMaxPool3D",)
    rank = 3


@register
class GlobalAveragePooling1D(_GlobalPooling):
    name = "GlobalAveragePooling1D"
    traits = frozenset({"linear"})
    aliases = ("GlobalAvgPool1D",)
    rank = 1


@register
class GlobalAveragePooling2D(_GlobalPooling):
    name = "GlobalAveragePooling2D"
    traits = frozenset({"linear"})
    aliases = ("GlobalAvgPool2D",)
    rank = 2


@register
class GlobalAveragePooling3D(_GlobalPooling):
    name = "GlobalAveragePooling3D"
    traits = frozenset({"linear"})
    aliases = ("GlobalAvgPool3D",)
    rank = 3


class _AdaptivePooling(_PoolingBase):
    """Pools to a fixed ``output_size``; Keras sets no input rank check here."""

    role = "pooling"
    traits = frozenset({"spatial_output"})
    rank: ClassVar[int] = 0
    params = (Param("output_size"), Param("data_format", None))

    def validate(self, args: BoundArgs) -> str | None:
        value = args["data_format"]
        if isinstance(value, str) and value.lower() not in ("channels_first", "channels_last"):
            return identifier_error(
                "data_format",
                f"Invalid data_format: {value}. Expected 'channels_first' or 'channels_last'.",
            )
        return None

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        value = args["output_size"]
        size: tuple[Dim, ...] | None
        if isinstance(value, int) and not isinstance(value, bool):
            size = (value,) * self.rank
        elif isinstance(value, (tuple, list)) and len(value) == self.rank:
            size = tuple(as_int(v) for v in value)
        else:
            size = None
        fmt = data_format(args)
        if size is None or fmt is None or len(input_shape) < 2:
            return None
        channels = input_shape[-1] if fmt == "channels_last" else input_shape[1]
        return join_channels(input_shape[0], size, channels, fmt)


@register
class AdaptiveMaxPooling1D(_AdaptivePooling):
    name = "AdaptiveMaxPooling1D"
    rank = 1


@register
class AdaptiveMaxPooling2D(_AdaptivePooling):
    name = "AdaptiveMaxPooling2D"
    rank = 2


@register
class AdaptiveMaxPooling3D(_AdaptivePooling):
    name = "AdaptiveMaxPooling3D"
    rank = 3


@register
class AdaptiveAveragePooling1D(_AdaptivePooling):
    name = "AdaptiveAveragePooling1D"
    traits = frozenset({"spatial_output", "linear"})
    rank = 1


@register
class AdaptiveAveragePooling2D(_AdaptivePooling):
    name = "AdaptiveAveragePooling2D"
    traits = frozenset({"spatial_output", "linear"})
    rank = 2


@register
class AdaptiveAveragePooling3D(_AdaptivePooling):
    name = "AdaptiveAveragePooling3D"
    traits = frozenset({"spatial_output", "linear"})
    rank = 3
