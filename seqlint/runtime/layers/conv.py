"""Convolutions: Conv1D/2D/3D (valid/same/causal, strides, dilation, groups), their transposes,
depthwise and separable convolutions. Channels-last inside; ``channels_first`` inputs are moved
to channels-last and back.

Each convolution is one GEMM on the im2col matrix of a strided view (see ``_windows``); the
im2col matrix is kept for the kernel gradient and ``col2im`` gives the input gradient.
"""

from __future__ import annotations

from typing import Any, ClassVar

from seqlint.layers import conv as conv_defs
from seqlint.runtime.core import Variable
from seqlint.runtime.layers._windows import (
    col2im,
    column_sums,
    crop,
    grouped_matmul,
    grouped_matmul_backward,
    im2col,
    ints,
    pad,
    pad_amounts,
    prod,
    windows,
)
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel
from seqlint.runtime.layers.base import Shape as _Shape


class _Spatial(RuntimeLayer):
    """Shared by the convolution families: geometry arguments and the channels-first switch."""

    rank: ClassVar[int] = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        r = self.rank
        self.kernel_size = ints(self.get("kernel_size"), r, "kernel_size")
        self.strides = ints(self.get("strides"), r, "strides")
        self.dilation_rate = ints(self.get("dilation_rate", 1), r, "dilation_rate")
        self.padding = str(self.get("padding", "valid")).lower()
        self.set_activation(self.get("activation"))
        if self.get("lora_rank"):
            raise NotImplementedError(f"{self.class_name}: lora_rank is not supported")
        self.bias: Variable | None = None
        self._cache: dict[str, Any] = {}

    def _channels(self, input_shape: _Shape) -> int:
        c = input_shape[1] if self.channels_first() else input_shape[-1]
        if c is None:
            raise ValueError(f"{self.class_name} needs a known channel dimension")
        return int(c)

    def _to_last(self, x: Array) -> Array:
        return self.xp.moveaxis(x, 1, -1) if self.channels_first() else x

    def _from_last(self, y: Array) -> Array:
        return self.xp.moveaxis(y, -1, 1) if self.channels_first() else y

    def _out_spatial(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        out = self.output_shape_for(shape)
        return tuple(out[2:]) if self.channels_first() else tuple(out[1:-1])

    def _add_bias(self, z: Array) -> Array:
        """``z`` is a fresh GEMM result that nothing else holds: add in place."""
        if self.bias is not None:
            z += self.bias.value
        return z

    def _bias_grad(self, dz: Array) -> None:
        if self.bias is not None:
            self.set_grad(self.bias, lambda: column_sums(self.xp, dz.reshape(-1, dz.shape[-1])))


# ---- Conv1D / Conv2D / Conv3D -------------------------------------------------------------------


class _Conv(_Spatial):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters = int(self.get("filters"))
        self.groups = int(self.get("groups", 1))
        self.kernel: Variable | None = None

    def build(self, input_shape: _Shape) -> None:
        self._channels(input_shape)  # a known channel axis
        self.build_weights(input_shape)  # kernel (*kernel_size, in // groups, filters), bias

    def forward(self, x: Array, training: bool = False) -> Array:
        xp = self.xp
        assert self.kernel is not None
        x = self.cast_input(x)
        out = self._out_spatial(x.shape)
        x = self._to_last(x)
        k, s, d = self.kernel_size, self.strides, self.dilation_rate
        pads = pad_amounts(x.shape[1:-1], out, k, s, d, self.padding)
        xpad = pad(xp, x, pads)
        n = x.shape[0]
        cols = im2col(xp, xpad, k, s, d, out)
        z = grouped_matmul(cols, self.kernel.value, self.groups).reshape(n, *out, self.filters)
        self._cache = {"cols": cols, "padded": xpad.shape, "pads": pads, "out": out}
        return self.activate(self._from_last(self._add_bias(z)))

    def backward_from_logits(self, dz: Array) -> Array:
        assert self.kernel is not None
        cache = self._cache
        dz = self._to_last(dz)
        self._bias_grad(dz)
        cols, out = cache["cols"], cache["out"]
        dcols, dw = grouped_matmul_backward(
            cols,
            self.kernel.value,
            self.groups,
            dz.reshape(-1, self.filters),
            self.wants_grad(self.kernel),
            need_dcols=self.input_grad_needed,
        )
        self.set_grad(self.kernel, dw)
        if dcols is None:
            return None
        n, c = cache["padded"][0], cache["padded"][-1]
        dcols = dcols.reshape(n, *out, *self.kernel_size, c)
        dx = col2im(
            self.xp, dcols, cache["padded"], self.kernel_size, self.strides, self.dilation_rate, out
        )
        return self._from_last(crop(dx, cache["pads"]))


@kernel(conv_defs.Conv1D)
class Conv1D(_Conv):
    rank = 1


@kernel(conv_defs.Conv2D)
class Conv2D(_Conv):
    rank = 2


@kernel(conv_defs.Conv3D)
class Conv3D(_Conv):
    rank = 3


# ---- depthwise and separable --------------------------------------------------------------------


class _Depthwise(_Spatial):
    """Kernel ``(*k, C, m)``; output channel ``c * m + j`` (a grouped conv with C groups)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.depth_multiplier = int(self.get("depth_multiplier", 1))
        self._dw_cache: dict[str, Any] = {}

    def _depthwise_forward(self, x: Array, kernel: Array, out: tuple[int, ...]) -> Array:
        xp = self.xp
        k, s, d = self.kernel_size, self.strides, self.dilation_rate
        pads = pad_amounts(x.shape[1:-1], out, k, s, d, self.padding)
        xpad = pad(xp, x, pads)
        n, c = x.shape[0], x.shape[-1]
        m = kernel.shape[-1]
        cols = im2col(xp, xpad, k, s, d, out)
        grouped = kernel.reshape(*k, 1, c * m)
        self._dw_cache = {"cols": cols, "padded": xpad.shape, "pads": pads, "out": out}
        return grouped_matmul(cols, grouped, c).reshape(n, *out, c * m)

    def _depthwise_backward(self, dz: Array, kernel: Variable) -> tuple[Array, Array | None]:
        cache = self._dw_cache
        k = self.kernel_size
        c, m = kernel.shape[-2], kernel.shape[-1]
        grouped = kernel.value.reshape(*k, 1, c * m)
        dcols, dw = grouped_matmul_backward(
            cache["cols"], grouped, c, dz.reshape(-1, c * m), self.wants_grad(kernel)
        )
        assert dcols is not None  # grouped: always computed
        n = cache["padded"][0]
        dcols = dcols.reshape(n, *cache["out"], *k, c)
        dx = col2im(
            self.xp, dcols, cache["padded"], k, self.strides, self.dilation_rate, cache["out"]
        )
        return crop(dx, cache["pads"]), (None if dw is None else dw.reshape(kernel.shape))


class _DepthwiseConv(_Depthwise):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kernel: Variable | None = None

    def build(self, input_shape: _Shape) -> None:
        self._channels(input_shape)  # a known channel axis
        self.build_weights(input_shape)  # kernel (*kernel_size, in, multiplier), bias

    def forward(self, x: Array, training: bool = False) -> Array:
        assert self.kernel is not None
        x = self.cast_input(x)
        out = self._out_spatial(x.shape)
        z = self._depthwise_forward(self._to_last(x), self.kernel.value, out)
        return self.activate(self._from_last(self._add_bias(z)))

    def backward_from_logits(self, dz: Array) -> Array:
        assert self.kernel is not None
        dz = self._to_last(dz)
        self._bias_grad(dz)
        dx, dw = self._depthwise_backward(dz, self.kernel)
        self.set_grad(self.kernel, dw)
        return self._from_last(dx)


@kernel(conv_defs.DepthwiseConv1D)
class DepthwiseConv1D(_DepthwiseConv):
    rank = 1


@kernel(conv_defs.DepthwiseConv2D)
class DepthwiseConv2D(_DepthwiseConv):
    rank = 2


class _SeparableConv(_Depthwise):
    """Depthwise ``(*k, C, m)`` (no bias), then pointwise ``(1.., C*m, filters)`` plus bias."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters = int(self.get("filters"))
        self.depthwise_kernel: Variable | None = None
        self.pointwise_kernel: Variable | None = None
        self._mid: Array = None

    def build(self, input_shape: _Shape) -> None:
        self._channels(input_shape)  # a known channel axis
        self.build_weights(input_shape)  # depthwise_kernel, pointwise_kernel, bias

    def forward(self, x: Array, training: bool = False) -> Array:
        assert self.depthwise_kernel is not None and self.pointwise_kernel is not None
        x = self.cast_input(x)
        out = self._out_spatial(x.shape)
        mid = self._depthwise_forward(self._to_last(x), self.depthwise_kernel.value, out)
        self._mid = mid
        cm = mid.shape[-1]
        z = mid.reshape(-1, cm) @ self.pointwise_kernel.value.reshape(cm, self.filters)
        z = z.reshape(*mid.shape[:-1], self.filters)
        return self.activate(self._from_last(self._add_bias(z)))

    def backward_from_logits(self, dz: Array) -> Array:
        assert self.depthwise_kernel is not None and self.pointwise_kernel is not None
        dz = self._to_last(dz)
        self._bias_grad(dz)
        mid = self._mid
        cm = mid.shape[-1]
        dz2 = dz.reshape(-1, self.filters)
        pw = self.pointwise_kernel.value.reshape(cm, self.filters)
        self.set_grad(
            self.pointwise_kernel,
            lambda: (mid.reshape(-1, cm).T @ dz2).reshape(self.pointwise_kernel.shape),  # type: ignore[union-attr]
        )
        dmid = (dz2 @ pw.T).reshape(mid.shape)
        dx, dw = self._depthwise_backward(dmid, self.depthwise_kernel)
        self.set_grad(self.depthwise_kernel, dw)
        return self._from_last(dx)


@kernel(conv_defs.SeparableConv1D)
class SeparableConv1D(_SeparableConv):
    rank = 1


@kernel(conv_defs.SeparableConv2D)
class SeparableConv2D(_SeparableConv):
    rank = 2


# ---- transposed convolutions ------------------------------------------------------------------


class _ConvTranspose(_Spatial):
    """Kernel ``(*k, filters, in)``: the adjoint of a convolution with the same kernel, strides
    and padding applied to the output size (TF's ``conv_transpose``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (strides with dilation, output_padding >= strides: refused by the definition)
        self.filters = int(self.get("filters"))
        self.kernel: Variable | None = None

    def build(self, input_shape: _Shape) -> None:
        self._channels(input_shape)  # a known channel axis
        self.build_weights(input_shape)  # kernel (*kernel_size, filters, in), bias

    def _pads(self, sizes: tuple[int, ...], out: tuple[int, ...]) -> list[tuple[int, int]]:
        pads = []
        for n, o, k, s, d in zip(
            sizes, out, self.kernel_size, self.strides, self.dilation_rate, strict=True
        ):
            total = max((n - 1) * s + (k - 1) * d + 1 - o, 0)
            before = total // 2 if self.padding == "same" else 0
            pads.append((before, total - before))
        return pads

    def forward(self, x: Array, training: bool = False) -> Array:
        assert self.kernel is not None
        xp = self.xp
        x = self.cast_input(x)
        out = self._out_spatial(x.shape)
        x = self._to_last(x)
        sizes = tuple(x.shape[1:-1])
        pads = self._pads(sizes, out)
        n, c = x.shape[0], x.shape[-1]
        k = self.kernel_size
        flat = x.reshape(-1, c)
        w = self.kernel.value.reshape(prod(k) * self.filters, c)
        cols = (flat @ w.T).reshape(n, *sizes, *k, self.filters)
        padded = (n, *(o + a + b for o, (a, b) in zip(out, pads, strict=True)), self.filters)
        z = crop(col2im(xp, cols, padded, k, self.strides, self.dilation_rate, sizes), pads)
        self._cache = {"x": flat, "pads": pads, "sizes": sizes, "n": n}
        return self.activate(self._from_last(self._add_bias(z)))

    def backward_from_logits(self, dz: Array) -> Array:
        assert self.kernel is not None
        cache = self._cache
        dz = self._to_last(dz)
        self._bias_grad(dz)
        k, sizes, flat = self.kernel_size, cache["sizes"], cache["x"]
        dzpad = pad(self.xp, dz, cache["pads"])
        win = windows(self.xp, dzpad, k, self.strides, self.dilation_rate, sizes)
        win = win.reshape(flat.shape[0], prod(k) * self.filters)
        w = self.kernel.value.reshape(prod(k) * self.filters, flat.shape[1])
        self.set_grad(self.kernel, lambda: (win.T @ flat).reshape(self.kernel.shape))  # type: ignore[union-attr]
        dx = (win @ w).reshape(cache["n"], *sizes, flat.shape[1])
        return self._from_last(dx)


@kernel(conv_defs.Conv1DTranspose)
class Conv1DTranspose(_ConvTranspose):
    rank = 1


@kernel(conv_defs.Conv2DTranspose)
class Conv2DTranspose(_ConvTranspose):
    rank = 2


@kernel(conv_defs.Conv3DTranspose)
class Conv3DTranspose(_ConvTranspose):
    rank = 3
