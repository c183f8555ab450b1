"""Convolution layers: Conv1D/2D/3D, their transposes, separable and depthwise convolutions.

Output sizes follow Keras's ``compute_conv_output_shape`` (``valid``:
``floor((n - d*(k-1) - 1) / s) + 1``, an error when <= 0; ``same``/``causal``:
``floor((n - 1) / s) + 1``) and ``compute_conv_transpose_output_shape``.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from seqlint.layers._common import (
    as_bool,
    data_format,
    data_format_error,
    first_error,
    fmt_shape,
    int_tuple,
    padding_error,
    padding_mode,
    positive_int,
    tuple_error,
    with_lora,
)
from seqlint.layers.base import (
    BoundArgs,
    Dim,
    LayerDef,
    Param,
    Shape,
    ShapeError,
    WeightSpec,
    register,
)

# ---- shared shape arithmetic (also used by ConvLSTM) ----------------------------------------


def check_conv_rank(layer: str, input_shape: Shape, rank: int) -> None:
    """Keras's ``InputSpec(min_ndim=rank + 2)``, then the kernel/input rank match (which
    Keras checks in ``compute_output_shape``, so it holds inside TimeDistributed too)."""
    if len(input_shape) < rank + 2:
        raise ShapeError(
            "rank",
            f"Input 0 of layer {layer} is incompatible with the layer: expected "
            f"min_ndim={rank + 2}, found ndim={len(input_shape)}. Full shape received: "
            f"{fmt_shape(input_shape)}",
        )
    if len(input_shape) != rank + 2:
        raise ShapeError(
            "rank",
            f"Kernel shape must have the same length as input: {layer} expects inputs of "
            f"rank {rank + 2} (with the batch axis), received input of shape "
            f"{fmt_shape(input_shape)}",
        )


def split_channels(input_shape: Shape, fmt: str | None) -> tuple[tuple[Dim, ...], Dim]:
    """(spatial dims, channel dim) of a batch-first input; unknown when the format is."""
    n_spatial = len(input_shape) - 2
    if fmt == "channels_last":
        return tuple(input_shape[1:-1]), input_shape[-1]
    if fmt == "channels_first":
        return tuple(input_shape[2:]), input_shape[1]
    return (None,) * n_spatial, None


def join_channels(batch: Dim, spatial: tuple[Dim, ...], channels: Dim, fmt: str | None) -> Shape:
    if fmt == "channels_first":
        return (batch, channels, *spatial)
    if fmt == "channels_last":
        return (batch, *spatial, channels)
    return (batch,) + (None,) * (len(spatial) + 1)


def conv_spatial(
    layer: str,
    input_shape: Shape,
    spatial: tuple[Dim, ...],
    kernel: tuple[Dim, ...] | None,
    strides: tuple[Dim, ...] | None,
    dilation: tuple[Dim, ...] | None,
    padding: str | None,
) -> tuple[Dim, ...]:
    """Output spatial sizes of a convolution; raises ShapeError("dimension") for a size <= 0."""
    n = len(spatial)
    kernel = kernel or (None,) * n
    strides = strides or (None,) * n
    dilation = dilation or (None,) * n
    out: list[Dim] = []
    for size, k, s, d in zip(spatial, kernel, strides, dilation, strict=True):
        if padding is None or size is None or s is None:
            out.append(None)
        elif padding == "valid":
            if k is None or d is None:
                out.append(None)
                continue
            v = (size - d * (k - 1) - 1) // s + 1
            if v <= 0:
                raise ShapeError(
                    "dimension",
                    f"Computed output size would be zero or negative. {layer} received "
                    f"inputs shape={fmt_shape(input_shape)}, kernel_size={tuple(kernel)}, "
                    f"strides={tuple(strides)}, dilation_rate={tuple(dilation)}, "
                    f"padding={padding}.",
                )
            out.append(v)
        else:  # same / causal
            out.append((size - 1) // s + 1)
    return tuple(out)


def _conv_common(
    layer: LayerDef, rank: int, args: BoundArgs, input_shape: Shape, paddings: tuple[str, ...]
) -> tuple[str | None, tuple[Dim, ...], Dim, tuple[Dim, ...]]:
    """Rank check, then (data format, output spatial dims, input channels, kernel size)."""
    check_conv_rank(layer.name, input_shape, rank)
    fmt = data_format(args)
    spatial, channels = split_channels(input_shape, fmt)
    kernel = int_tuple(args["kernel_size"], rank)
    out_spatial = conv_spatial(
        layer.name,
        input_shape,
        spatial,
        kernel,
        int_tuple(args["strides"], rank),
        int_tuple(args["dilation_rate"], rank),
        padding_mode(args["padding"], paddings),
    )
    return fmt, out_spatial, channels, kernel or (None,) * rank


class _Conv(LayerDef):
    """Conv1D/2D/3D: ``filters`` output channels; ``groups`` must divide the input channels."""

    role = "linear_map"
    traits = frozenset({"conv", "spatial_output"})
    learns = True
    rank: ClassVar[int] = 0

    def validate(self, args: BoundArgs) -> str | None:
        return conv_argument_error(args, self.rank, groups=True, causal=self.rank == 1)

    def _groups(self, args: BoundArgs, channels: Dim) -> int | None:
        groups = positive_int(args["groups"])
        if groups is not None and channels is not None and channels % groups != 0:
            raise ShapeError(
                "dimension",
                f"The number of input channels must be evenly divisible by the number of "
                f"groups. Received groups={groups}, but the input has {channels} channels.",
            )
        return groups

    def _paddings(self) -> tuple[str, ...]:
        return ("valid", "same", "causal") if self.rank == 1 else ("valid", "same")

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        fmt, spatial, channels, _ = _conv_common(
            self, self.rank, args, input_shape, self._paddings()
        )
        self._groups(args, channels)
        return join_channels(input_shape[0], spatial, positive_int(args["filters"]), fmt)

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        _, _, channels, kernel = _conv_common(self, self.rank, args, input_shape, self._paddings())
        groups = self._groups(args, channels)
        use_bias = as_bool(args["use_bias"])
        if use_bias is None or groups is None:
            return None
        filters = positive_int(args["filters"])
        per_group = None if channels is None else channels // groups
        specs = [WeightSpec("kernel", (*kernel, per_group, filters), args["kernel_initializer"])]
        if use_bias:
            specs.append(WeightSpec("bias", (filters,), args["bias_initializer"]))
        return with_lora(specs, args)


def _conv_params(rank: int) -> tuple[Param, ...]:
    one = 1 if rank == 1 else (1,) * rank
    return (
        Param("filters"),
        Param("kernel_size"),
        Param("strides", one),
        Param("padding", "valid"),
        Param("data_format", None),
        Param("dilation_rate", one),
        Param("groups", 1),
        Param("activation", None),
        Param("use_bias", True),
        Param("kernel_initializer", "glorot_uniform"),
        Param("bias_initializer", "zeros"),
        Param("kernel_regularizer", None),
        Param("bias_regularizer", None),
        Param("activity_regularizer", None),
        Param("kernel_constraint", None),
        Param("bias_constraint", None),
        # accepted through **kwargs by Keras's BaseConv
        Param("lora_rank", None, keyword_only=True),
        Param("lora_alpha", None, keyword_only=True),
    )


@register
class Conv1D(_Conv):
    name = "Conv1D"
    aliases = ("Convolution1D",)
    rank = 1
    params = _conv_params(1)


@register
class Conv2D(_Conv):
    name = "Conv2D"
    aliases = ("Convolution2D",)
    rank = 2
    params = _conv_params(2)


@register
class Conv3D(_Conv):
    name = "Conv3D"
    aliases = ("Convolution3D",)
    rank = 3
    params = _conv_params(3)


# ---- transposed convolutions -----------------------------------------------------------------


def _transpose_size(
    size: Dim, k: Dim, s: Dim, d: Dim, out_pad: Dim, has_out_pad: bool, padding: str | None
) -> Dim:
    if size is None or k is None or s is None or d is None or padding is None:
        return None
    if has_out_pad and out_pad is None:
        return None
    k_eff = (k - 1) * d + 1
    if padding == "valid":
        extra = out_pad if has_out_pad and out_pad is not None else max(k_eff, s) - k_eff
        return (size - 1) * s + k_eff + extra
    if not has_out_pad or out_pad is None:
        return size * s
    return (size - 1) * s + k_eff % 2 + out_pad


class _ConvTranspose(LayerDef):
    role = "linear_map"
    traits = frozenset({"transpose", "spatial_output"})
    learns = True
    rank: ClassVar[int] = 0

    def validate(self, args: BoundArgs) -> str | None:
        return conv_argument_error(args, self.rank, output_padding=True)

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        check_conv_rank(self.name, input_shape, self.rank)
        rank = self.rank
        fmt = data_format(args)
        spatial, _ = split_channels(input_shape, fmt)
        kernel = int_tuple(args["kernel_size"], rank) or (None,) * rank
        strides = int_tuple(args["strides"], rank) or (None,) * rank
        dilation = int_tuple(args["dilation_rate"], rank) or (None,) * rank
        raw_pad: Any = args["output_padding"]
        has_out_pad = raw_pad is not None
        out_pad = int_tuple(raw_pad, rank, allow_zero=True) if has_out_pad else None
        out_pad = out_pad or (None,) * rank
        padding = padding_mode(args["padding"], ("valid", "same"))
        out = tuple(
            _transpose_size(
                spatial[i], kernel[i], strides[i], dilation[i], out_pad[i], has_out_pad, padding
            )
            for i in range(rank)
        )
        return join_channels(input_shape[0], out, positive_int(args["filters"]), fmt)

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        check_conv_rank(self.name, input_shape, self.rank)
        _, channels = split_channels(input_shape, data_format(args))
        kernel = int_tuple(args["kernel_size"], self.rank) or (None,) * self.rank
        filters = positive_int(args["filters"])
        use_bias = as_bool(args["use_bias"])
        if use_bias is None:
            return None
        specs = [WeightSpec("kernel", (*kernel, filters, channels), args["kernel_initializer"])]
        if use_bias:
            specs.append(WeightSpec("bias", (filters,), args["bias_initializer"]))
        return specs


def _transpose_params(rank: int, output_padding_first: bool) -> tuple[Param, ...]:
    one = 1 if rank == 1 else (1,) * rank
    head = [
        Param("filters"),
        Param("kernel_size"),
        Param("strides", one),
        Param("padding", "valid"),
    ]
    if output_padding_first:
        head += [Param("output_padding", None), Param("data_format", None)]
    else:  # Conv3DTranspose lists data_format before output_padding
        head += [Param("data_format", None), Param("output_padding", None)]
    return (
        *head,
        Param("dilation_rate", one),
        Param("activation", None),
        Param("use_bias", True),
        Param("kernel_initializer", "glorot_uniform"),
        Param("bias_initializer", "zeros"),
        Param("kernel_regularizer", None),
        Param("bias_regularizer", None),
        Param("activity_regularizer", None),
        Param("kernel_constraint", None),
        Param("bias_constraint", None),
    )


@register
class Conv1DTranspose(_ConvTranspose):
    name = "Conv1DTranspose"
    aliases = ("Convolution1DTranspose",)
    rank = 1
    params = _transpose_params(1, True)


@register
class Conv2DTranspose(_ConvTranspose):
    name = "Conv2DTranspose"
    aliases = ("Convolution2DTranspose",)
    rank = 2
    params = _transpose_params(2, True)


@register
class Conv3DTranspose(_ConvTranspose):
    name = "Conv3DTranspose"
    aliases = ("Convolution3DTranspose",)
    rank = 3
    params = _transpose_params(3, False)


# ---- separable and depthwise ------------------------------------------------------------------


class _SeparableConv(LayerDef):
    """Depthwise ``k x C x m`` kernel, then a pointwise ``C*m x filters`` kernel, + bias."""

    role = "linear_map"
    traits = frozenset({"conv", "spatial_output"})
    learns = True
    rank: ClassVar[int] = 0

    def validate(self, args: BoundArgs) -> str | None:
        return conv_argument_error(args, self.rank, depth_multiplier=True, no_dilated_strides=False)

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        fmt, spatial, _, _ = _conv_common(self, self.rank, args, input_shape, ("valid", "same"))
        return join_channels(input_shape[0], spatial, positive_int(args["filters"]), fmt)

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        _, _, channels, kernel = _conv_common(self, self.rank, args, input_shape, ("valid", "same"))
        m = positive_int(args["depth_multiplier"])
        filters = positive_int(args["filters"])
        use_bias = as_bool(args["use_bias"])
        if use_bias is None:
            return None
        mid = None if channels is None or m is None else channels * m
        specs = [
            WeightSpec("depthwise_kernel", (*kernel, channels, m), args["depthwise_initializer"]),
            WeightSpec(
                "pointwise_kernel", (*(1,) * self.rank, mid, filters), args["pointwise_initializer"]
            ),
        ]
        if use_bias:
            specs.append(WeightSpec("bias", (filters,), args["bias_initializer"]))
        return specs


def _separable_params(rank: int) -> tuple[Param, ...]:
    one = 1 if rank == 1 else (1,) * rank
    return (
        Param("filters"),
        Param("kernel_size"),
        Param("strides", one),
        Param("padding", "valid"),
        Param("data_format", None),
        Param("dilation_rate", one),
        Param("depth_multiplier", 1),
        Param("activation", None),
        Param("use_bias", True),
        Param("depthwise_initializer", "glorot_uniform"),
        Param("pointwise_initializer", "glorot_uniform"),
        Param("bias_initializer", "zeros"),
        Param("depthwise_regularizer", None),
        Param("pointwise_regularizer", None),
        Param("bias_regularizer", None),
        Param("activity_regularizer", None),
        Param("depthwise_constraint", None),
        Param("pointwise_constraint", None),
        Param("bias_constraint", None),
    )


@register
class SeparableConv1D(_SeparableConv):
    name = "SeparableConv1D"
    aliases = ("SeparableConvolution1D",)
    rank = 1
    params = _separable_params(1)


@register
class SeparableConv2D(_SeparableConv):
    name = "SeparableConv2D"
    aliases = ("SeparableConvolution2D",)
    rank = 2
    params = _separable_params(2)


class _DepthwiseConv(LayerDef):
    """``depth_multiplier`` filters per input channel: ``C*m`` output channels."""

    role = "linear_map"
    traits = frozenset({"depthwise", "spatial_output"})
    learns = True
    rank: ClassVar[int] = 0

    def validate(self, args: BoundArgs) -> str | None:
        return conv_argument_error(
            args, self.rank, filters=False, depth_multiplier=True, no_dilated_strides=False
        )

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        fmt, spatial, channels, _ = _conv_common(
            self, self.rank, args, input_shape, ("valid", "same")
        )
        m = positive_int(args["depth_multiplier"])
        out_channels = None if m is None or channels is None else m * channels
        return join_channels(input_shape[0], spatial, out_channels, fmt)

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        _, _, channels, kernel = _conv_common(self, self.rank, args, input_shape, ("valid", "same"))
        m = positive_int(args["depth_multiplier"])
        use_bias = as_bool(args["use_bias"])
        if use_bias is None:
            return None
        specs = [WeightSpec("kernel", (*kernel, channels, m), args["depthwise_initializer"])]
        if use_bias:
            mid = None if channels is None or m is None else channels * m
            specs.append(WeightSpec("bias", (mid,), args["bias_initializer"]))
        return specs


def _depthwise_params(rank: int) -> tuple[Param, ...]:
    one = 1 if rank == 1 else (1,) * rank
    return (
        Param("kernel_size"),
        Param("strides", one),
        Param("padding", "valid"),
        Param("depth_multiplier", 1),
        Param("data_format", None),
        Param("dilation_rate", one),
        Param("activation", None),
        Param("use_bias", True),
        Param("depthwise_initializer", "glorot_uniform"),
        Param("bias_initializer", "zeros"),
        Param("depthwise_regularizer", None),
        Param("bias_regularizer", None),
        Param("activity_regularizer", None),
        Param("depthwise_constraint", None),
        Param("bias_constraint", None),
    )


@register
class DepthwiseConv1D(_DepthwiseConv):
    name = "DepthwiseConv1D"
    rank = 1
    params = _depthwise_params(1)


@register
class DepthwiseConv2D(_DepthwiseConv):
    name = "DepthwiseConv2D"
    rank = 2
    params = _depthwise_params(2)


def conv_argument_error(
    args: BoundArgs,
    rank: int,
    *,
    filters: bool = True,
    groups: bool = False,
    depth_multiplier: bool = False,
    output_padding: bool = False,
    no_dilated_strides: bool = True,
    causal: bool = False,
) -> str | None:
    """What Keras's convolution constructors refuse, checked in their order (BaseConv,
    BaseConvTranspose, BaseSeparableConv, BaseDepthwiseConv)."""
    for name in ("kernel_size", "strides", "dilation_rate"):
        error = tuple_error(args[name], rank, name)
        if error is not None:
            return error
    error = first_error(
        padding_error(args["padding"], causal=causal), data_format_error(args["data_format"])
    )
    if error is not None:
        return error
    pads = args.get("output_padding") if output_padding else None
    if pads is not None:
        error = tuple_error(pads, rank, "output_padding", allow_zero=True)
        if error is not None:
            return error
    if depth_multiplier:
        m = args["depth_multiplier"]
        if _int_value(m) is not None and m <= 0:
            return (
                "Invalid value for argument `depth_multiplier`. Expected a strictly positive "
                f"value. Received depth_multiplier={m}."
            )
    n = _int_value(args["filters"]) if filters else None
    if n is not None and n <= 0:
        return (
            "Invalid value for argument `filters`. Expected a strictly positive value. "
            f"Received filters={n}."
        )
    g = _int_value(args["groups"]) if groups else None
    if g is not None and g <= 0:
        return f"The number of groups must be a positive integer. Received: groups={g}."
    if n is not None and g is not None and n % g != 0:
        return (
            "The number of filters must be evenly divisible by the number of groups. "
            f"Received: groups={g}, filters={n}."
        )
    strides = int_tuple(args["strides"], rank)
    if pads is not None and strides is not None and None not in strides:
        padded = int_tuple(pads, rank, allow_zero=True)
        for i, (op, s) in enumerate(zip(padded or (), strides, strict=False)):
            if op is not None and s is not None and op >= s:
                return (
                    "`output_padding` must be strictly less than `strides` for all "
                    f"dimensions. At dimension {i}, `output_padding` is {op} but `strides` is "
                    f"{s}. Received: output_padding={padded}, strides={strides}"
                )
    dilation = int_tuple(args["dilation_rate"], rank)
    if (
        no_dilated_strides
        and strides is not None
        and dilation is not None
        and None not in strides
        and None not in dilation
        and max(cast("tuple[int, ...]", strides)) > 1  # no None, checked above
        and max(cast("tuple[int, ...]", dilation)) > 1
    ):
        return (
            "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: "
            f"strides={strides} and dilation_rate={dilation}"
        )
    return None


def _int_value(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
