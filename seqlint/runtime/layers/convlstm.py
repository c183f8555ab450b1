"""ConvLSTM1D / ConvLSTM2D / ConvLSTM3D: an LSTM whose gates are convolutions.

Keras's ``ConvLSTMCell``, channels_last: ``z = conv(x_t, kernel) + bias + conv(h, recurrent)``
with the input convolution taking ``strides``/``padding``/``dilation_rate`` and the recurrent one
``same`` padding and stride 1; gates ``i, f, c, o`` in that order along the last axis,
``c = f * c + i * act(z_c)``, ``h = o * act(c)``. The time axis may be ``None``: it is read
from each batch. ``backward`` is backpropagation through time over the cached steps.
"""

from __future__ import annotations

from typing import Any, ClassVar

from seqlint.layers import recurrent as recurrent_defs
from seqlint.runtime import activations, initializers
from seqlint.runtime.core import Variable
from seqlint.runtime.layers._windows import col2im, crop, im2col, ints, pad, pad_amounts
from seqlint.runtime.layers.base import Array, RuntimeLayer, Shape, kernel


class _ConvLSTM(RuntimeLayer):
    rank: ClassVar[int] = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name = self.class_name
        self.filters = int(self.get("filters"))
        # the geometry is read in build: the layer definition does not validate it yet, and
        # run must not refuse at construction what check lets through
        self.kernel_size: tuple[int, ...] = ()
        self.strides: tuple[int, ...] = ()
        self.dilation_rate: tuple[int, ...] = ()
        self.padding = str(self.get("padding", "valid")).lower()
        self.act = activations.get(self.get("activation", "tanh"))
        self.rec_act = activations.get(self.get("recurrent_activation", "sigmoid"))
        self.return_sequences = bool(self.get("return_sequences", False))
        for flag in ("return_state", "go_backwards", "stateful"):
            if self.get(flag, False):
                raise NotImplementedError(f"{name}: {flag}=True is not supported by the runtime")
        if float(self.get("dropout", 0.0) or 0.0) or float(self.get("recurrent_dropout") or 0.0):
            raise NotImplementedError(f"{name}: dropout is not supported by the runtime")
        if self.channels_first():
            raise NotImplementedError(f"{name}: channels_first is not supported by the runtime")
        self.kernel: Variable | None = None
        self.recurrent_kernel: Variable | None = None
        self.bias: Variable | None = None
        self._cache: dict[str, Any] = {}

    def build(self, input_shape: Shape) -> None:
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(f"{self.class_name} needs a known channel dimension")
        r = self.rank
        self.kernel_size = ints(self.get("kernel_size"), r, "kernel_size")
        self.strides = ints(self.get("strides", 1), r, "strides")
        self.dilation_rate = ints(self.get("dilation_rate", 1), r, "dilation_rate")
        f = self.filters
        base = initializers.get(self.get("bias_initializer", "zeros"))
        init: Any = base
        if self.get("unit_forget_bias", True):

            def init(shape: tuple[int, ...], dtype: Any, xp: Any, rng: Any) -> Array:
                return xp.concatenate(
                    [
                        base((f,), dtype, xp, rng),
                        xp.ones((f,), dtype=dtype),
                        base((2 * f,), dtype, xp, rng),
                    ]
                )

        self.build_weights(input_shape, {"bias": init})  # kernel, recurrent_kernel, bias

    def _conv(
        self,
        x: Array,
        w: Array,
        s: tuple[int, ...],
        d: tuple[int, ...],
        padding: str,
        out: tuple[int, ...],
    ) -> tuple[Array, dict[str, Any]]:
        """``x`` ``(N, *spatial, C)`` convolved with ``w`` ``(*k, C, O)``, and its cache."""
        xp, k = self.xp, self.kernel_size
        pads = pad_amounts(x.shape[1:-1], out, k, s, d, padding)
        xpad = pad(xp, x, pads)
        cols = im2col(xp, xpad, k, s, d, out).reshape(-1, w.shape[-2] * _prod(k))
        # im2col's column order is (kernel offset, channel), as w reshaped
        z = (cols @ w.reshape(-1, w.shape[-1])).reshape(x.shape[0], *out, w.shape[-1])
        return z, {"cols": cols, "padded": xpad.shape, "pads": pads, "s": s, "d": d, "out": out}

    def _conv_back(self, dz: Array, w: Array, c: dict[str, Any]) -> tuple[Array, Array]:
        """Gradients of :meth:`_conv` to its input and weight for output gradient ``dz``."""
        o = w.shape[-1]
        dz2 = dz.reshape(-1, o)
        dw = (c["cols"].T @ dz2).reshape(w.shape)
        dcols = dz2 @ w.reshape(-1, o).T
        n, ch = c["padded"][0], c["padded"][-1]
        dcols = dcols.reshape(n, *c["out"], *self.kernel_size, ch)
        dx = col2im(self.xp, dcols, c["padded"], self.kernel_size, c["s"], c["d"], c["out"])
        return crop(dx, c["pads"]), dw

    def forward(self, x: Array, training: bool = False) -> Array:
        assert self.kernel is not None and self.recurrent_kernel is not None
        xp = self.xp
        x = self.cast_input(x)
        n, steps = x.shape[0], x.shape[1]
        out_shape = self.output_shape_for(x.shape)
        spatial = tuple(out_shape[2:-1] if self.return_sequences else out_shape[1:-1])
        f, one = self.filters, (1,) * self.rank
        h = xp.zeros((n, *spatial, f), dtype=self.dtype)
        c = xp.zeros_like(h)
        cache: list[dict[str, Any]] = []
        outputs = []
        for t in range(steps):
            zx, cx = self._conv(
                x[:, t], self.kernel.value, self.strides, self.dilation_rate, self.padding, spatial
            )
            zh, ch = self._conv(h, self.recurrent_kernel.value, one, one, "same", spatial)
            z = zx + zh
            if self.bias is not None:
                z = z + self.bias.value
            zi, zf, zc, zo = (z[..., g * f : (g + 1) * f] for g in range(4))
            i, fg, o = self.rec_act(zi), self.rec_act(zf), self.rec_act(zo)
            g_ = self.act(zc)
            c_prev = c
            c = fg * c_prev + i * g_
            a = self.act(c)
            h = o * a
            cache.append(
                {
                    "cx": cx,
                    "ch": ch,
                    "z": (zi, zf, zc, zo),
                    "gates": (i, fg, g_, o),
                    "c_prev": c_prev,
                    "c": c,
                    "a": a,
                }
            )
            outputs.append(h)
        self._cache = {"steps": cache, "shape": x.shape}
        return xp.stack(outputs, axis=1) if self.return_sequences else h

    def backward(self, dy: Array) -> Array:
        assert self.kernel is not None and self.recurrent_kernel is not None
        xp, f = self.xp, self.filters
        steps, shape = self._cache["steps"], self._cache["shape"]
        dx = xp.zeros(shape, dtype=self.dtype)
        dk = xp.zeros_like(self.kernel.value)
        drk = xp.zeros_like(self.recurrent_kernel.value)
        db = xp.zeros((4 * f,), dtype=self.dtype)
        dh = xp.zeros_like(steps[-1]["c"])
        dc = xp.zeros_like(dh)
        for t in range(len(steps) - 1, -1, -1):
            s = steps[t]
            dh = dh + (dy[:, t] if self.return_sequences else (dy if t == len(steps) - 1 else 0))
            zi, zf, zc, zo = s["z"]
            i, fg, g_, o = s["gates"]
            dc = dc + self.act.vjp(s["c"], s["a"], dh * o)
            dzi = self.rec_act.vjp(zi, i, dc * g_)
            dzf = self.rec_act.vjp(zf, fg, dc * s["c_prev"])
            dzc = self.act.vjp(zc, g_, dc * i)
            dzo = self.rec_act.vjp(zo, o, dh * s["a"])
            dz = xp.concatenate([dzi, dzf, dzc, dzo], axis=-1)
            db += dz.reshape(-1, 4 * f).sum(axis=0)
            dxt, dkt = self._conv_back(dz, self.kernel.value, s["cx"])
            dh, drkt = self._conv_back(dz, self.recurrent_kernel.value, s["ch"])
            dx[:, t] = dxt
            dk += dkt
            drk += drkt
            dc = dc * fg
        self.set_grad(self.kernel, dk)
        self.set_grad(self.recurrent_kernel, drk)
        self.set_grad(self.bias, db)
        return dx


def _prod(values: tuple[int, ...]) -> int:
    result = 1
    for v in values:
        result *= v
    return result


@kernel(recurrent_defs.ConvLSTM1D)
class ConvLSTM1D(_ConvLSTM):
    rank = 1


@kernel(recurrent_defs.ConvLSTM2D)
class ConvLSTM2D(_ConvLSTM):
    rank = 2


@kernel(recurrent_defs.ConvLSTM3D)
class ConvLSTM3D(_ConvLSTM):
    rank = 3
