"""Keras activations with their vector-Jacobian products, by Keras name.

Every activation is a small object: ``act(x)`` computes the output, ``act.vjp(x, y, g)`` returns
``d sum(y * g) / dx`` (``y = act(x)``, kept by the caller from the forward pass) and, for
elementwise ones, ``act.derivative(x, y)`` returns ``dy/dx``. The formulas are the ones Keras 3
evaluates on TensorFlow, including the derivative TF assigns at kinks (``relu'(0) = 0``,
``celu'(0) = 2``, ...) and the float32-rounded constants TF uses in float64 (``leaky_relu``'s slope,
gelu's constants); see ``golden/README.md``.

The array module comes from the input (NumPy or CuPy), so nothing here says ``numpy`` for math.

    >>> act = get("relu")                       # or get("leaky_relu", negative_slope=0.1)
    >>> y = act(x); dx = act.vjp(x, y, dy)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy

from seqlint.runtime.backend import get_array_module

Array = Any

SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def f32(value: float) -> float:
    """``value`` rounded to float32, as TF does for float op attributes and Keras's
    ``ops.cast(python_float, dtype)``."""
    return float(numpy.float32(value))


def _xp(x: Array) -> Any:
    return get_array_module(x)


def _sigmoid(xp: Any, x: Array) -> Array:
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _softplus(xp: Any, x: Array) -> Array:
    return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))


def _cast(xp: Any, mask: Array, like: Array) -> Array:
    return mask.astype(like.dtype)


def erfc(x: Array) -> Array:
    """Complementary error function of an array (NumPy has none; SciPy/CuPy when present)."""
    xp = _xp(x)
    if xp is not numpy:  # pragma: no cover - GPU only
        from cupyx.scipy.special import erfc as cupy_erfc  # type: ignore[import-not-found]

        return cupy_erfc(x)
    try:
        from scipy.special import erfc as scipy_erfc  # type: ignore[import-untyped]
    except ImportError:
        out = _ERFC_UFUNC(x)
        return numpy.asarray(out, dtype=numpy.float64).astype(x.dtype, copy=False)
    return scipy_erfc(x).astype(x.dtype, copy=False)


_ERFC_UFUNC = numpy.frompyfunc(math.erfc, 1, 1)


class Activation:
    """An activation function of Keras 3 (see the module doc)."""

    name: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    elementwise: ClassVar[bool] = True
    defaults: ClassVar[Mapping[str, Any]] = {}

    def __init__(self, **kwargs: Any) -> None:
        unknown = set(kwargs) - set(self.defaults)
        if unknown:
            raise TypeError(f"activation {self.name!r} got unexpected arguments {sorted(unknown)}")
        self.kwargs: dict[str, Any] = {**self.defaults, **kwargs}

    def __call__(self, x: Array) -> Array:
        raise NotImplementedError

    def derivative(self, x: Array, y: Array) -> Array:
        """Elementwise ``dy/dx`` (TF's convention at kinks)."""
        raise NotImplementedError(f"{self.name} is not elementwise: use vjp")

    def vjp(self, x: Array, y: Array, g: Array) -> Array:
        """``d sum(y * g) / dx`` for ``y = self(x)``."""
        return g * self.derivative(x, y)

    def __repr__(self) -> str:
        extra = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return f"<activation {self.name}{'(' + extra + ')' if extra else ''}>"


_REGISTRY: dict[str, type[Activation]] = {}


def register(cls: type[Activation]) -> type[Activation]:
    for key in (cls.name, *cls.aliases):
        _REGISTRY[key] = cls
    return cls


# ---- piecewise linear ---------------------------------------------------------------------------


@register
class Linear(Activation):
    name = "linear"

    def __call__(self, x: Array) -> Array:
        return x

    def derivative(self, x: Array, y: Array) -> Array:
        return _xp(x).ones_like(x)

    def vjp(self, x: Array, y: Array, g: Array) -> Array:
        return g


@register
class ReLU(Activation):
    """``keras.activations.relu(x, negative_slope, max_value, threshold)``, following Keras's
    ``ReLU.static_call``: a pure leaky ReLU goes to TF's LeakyRelu (float32 slope); otherwise
    ``x * (x > threshold)`` (or relu / relu6), clipped to ``max_value`` (TF: gradient 1 at the
    bound), minus ``negative_slope * relu(threshold - x)``."""

    name = "relu"
    defaults: ClassVar[Mapping[str, Any]] = {
        "negative_slope": 0.0,
        "max_value": None,
        "threshold": 0.0,
    }

    def _parts(self) -> tuple[float, float | None, float]:
        ns = float(self.kwargs["negative_slope"])
        mv = self.kwargs["max_value"]
        th = float(self.kwargs["threshold"])
        return ns, (None if mv is None else float(mv)), th

    def _leaky(self) -> bool:
        ns, mv, th = self._parts()
        return ns != 0.0 and mv is None and th == 0.0

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        ns, mv, th = self._parts()
        if self._leaky():
            slope = f32(ns)
            return xp.where(x > 0, x, x * slope)
        clip_max = mv is not None
        if th != 0.0:
            y = x * _cast(xp, x > f32(th), x)
        elif mv == 6.0:
            y = xp.clip(x, 0, 6)
            clip_max = False
        else:
            y = xp.maximum(x, 0)
        if clip_max:
            assert mv is not None
            y = xp.clip(y, 0, f32(mv))
        if ns != 0.0:
            y = y - ns * xp.maximum(th - x, 0)
        return y

    def derivative(self, x: Array, y: Array) -> Array:
        xp = _xp(x)
        ns, mv, th = self._parts()
        if self._leaky():
            return xp.where(x > 0, 1.0, f32(ns)).astype(x.dtype)
        if th != 0.0:
            d = _cast(xp, x > f32(th), x)
            pre = x * d
        elif mv == 6.0:
            d = _cast(xp, (x > 0) & (x < 6), x)
            pre = None
        else:
            d = _cast(xp, x > 0, x)
            pre = xp.maximum(x, 0) if mv is not None else None
        if mv is not None and pre is not None:  # clip_by_value(pre, 0, max): zero outside
            d = d * _cast(xp, (pre >= 0) & (pre <= f32(mv)), x)
        if ns != 0.0:
            d = d + ns * _cast(xp, th - x > 0, x)
        return d

    @property
    def plain(self) -> bool:
        """``max(x, 0)``: no slope, bound or threshold."""
        return self._parts() == (0.0, None, 0.0)

    def vjp(self, x: Array, y: Array, g: Array) -> Array:
        if self.plain:  # one mask, no float derivative
            return g * (x > 0)
        return g * self.derivative(x, y)


@register
class ReLU6(Activation):
    name = "relu6"

    def __call__(self, x: Array) -> Array:
        return _xp(x).clip(x, 0, 6)

    def derivative(self, x: Array, y: Array) -> Array:
        return _cast(_xp(x), (x > 0) & (x < 6), x)


@register
class LeakyReLU(Activation):
    """TF's LeakyRelu: the slope is a float32 attribute; ``leaky_relu'(0) = slope``."""

    name = "leaky_relu"
    defaults: ClassVar[Mapping[str, Any]] = {"negative_slope": 0.2}

    def __call__(self, x: Array) -> Array:
        return _xp(x).where(x > 0, x, x * f32(self.kwargs["negative_slope"]))

    def derivative(self, x: Array, y: Array) -> Array:
        xp = _xp(x)
        return xp.where(x > 0, 1.0, f32(self.kwargs["negative_slope"])).astype(x.dtype)


@register
class HardSigmoid(Activation):
    """Keras 3: ``relu6(x + 3) / 6`` (derivative 0 at +-3)."""

    name = "hard_sigmoid"

    def __call__(self, x: Array) -> Array:
        return _xp(x).clip(x + 3, 0, 6) / 6

    def derivative(self, x: Array, y: Array) -> Array:
        return _cast(_xp(x), (x > -3) & (x < 3), x) / 6


@register
class HardSilu(Activation):
    name = "hard_silu"
    aliases = ("hard_swish",)

    def __call__(self, x: Array) -> Array:
        return x * (_xp(x).clip(x + 3, 0, 6) / 6)

    def derivative(self, x: Array, y: Array) -> Array:
        xp = _xp(x)
        hs = xp.clip(x + 3, 0, 6) / 6
        return hs + x * (_cast(xp, (x > -3) & (x < 3), x) / 6)


@register
class HardTanh(Activation):
    """``clip(x, -1, 1)``; TF's clip passes the gradient at the bounds."""

    name = "hard_tanh"

    def __call__(self, x: Array) -> Array:
        return _xp(x).clip(x, -1, 1)

    def derivative(self, x: Array, y: Array) -> Array:
        return _cast(_xp(x), (x >= -1) & (x <= 1), x)


@register
class SoftShrink(Activation):
    name = "soft_shrink"
    defaults: ClassVar[Mapping[str, Any]] = {"threshold": 0.5}

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        t = self.kwargs["threshold"]
        return xp.where(x > t, x - t, xp.where(x < -t, x + t, 0.0)).astype(x.dtype)

    def derivative(self, x: Array, y: Array) -> Array:
        t = self.kwargs["threshold"]
        return _cast(_xp(x), (x > t) | (x < -t), x)


@register
class HardShrink(Activation):
    name = "hard_shrink"
    defaults: ClassVar[Mapping[str, Any]] = {"threshold": 0.5}

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        return xp.where(xp.abs(x) > self.kwargs["threshold"], x, 0.0).astype(x.dtype)

    def derivative(self, x: Array, y: Array) -> Array:
        xp = _xp(x)
        return _cast(xp, xp.abs(x) > self.kwargs["threshold"], x)


@register
class SparsePlus(Activation):
    name = "sparse_plus"

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        return xp.where(x <= -1, 0.0, xp.where(x < 1, 0.25 * (x + 1) ** 2, x)).astype(x.dtype)

    def derivative(self, x: Array, y: Array) -> Array:
        xp = _xp(x)
        return xp.where(x <= -1, 0.0, xp.where(x < 1, 0.5 * (x + 1), 1.0)).astype(x.dtype)


@register
class SparseSigmoid(Activation):
    name = "sparse_sigmoid"

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        return xp.where(x <= -1, 0.0, xp.where(x >= 1, 1.0, 0.5 * (x + 1))).astype(x.dtype)

    def derivative(self, x: Array, y: Array) -> Array:
        return _cast(_xp(x), (x > -1) & (x < 1), x) * 0.5


@register
class Threshold(Activation):
    """``keras.activations.threshold(x, threshold, default_value)``: x where x > threshold."""

    name = "threshold"
    defaults: ClassVar[Mapping[str, Any]] = {"threshold": 0.0, "default_value": 0.0}

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        return xp.where(x > self.kwargs["threshold"], x, self.kwargs["default_value"]).astype(
            x.dtype
        )

    def derivative(self, x: Array, y: Array) -> Array:
        return _cast(_xp(x), x > self.kwargs["threshold"], x)


# ---- smooth -------------------------------------------------------------------------------------


@register
class Sigmoid(Activation):
    name = "sigmoid"

    def __call__(self, x: Array) -> Array:
        return _sigmoid(_xp(x), x)

    def derivative(self, x: Array, y: Array) -> Array:
        return y * (1 - y)


@register
class Tanh(Activation):
    name = "tanh"

    def __call__(self, x: Array) -> Array:
        return _xp(x).tanh(x)

    def derivative(self, x: Array, y: Array) -> Array:
        return 1 - y * y


@register
class TanhShrink(Activation):
    name = "tanh_shrink"

    def __call__(self, x: Array) -> Array:
        return x - _xp(x).tanh(x)

    def derivative(self, x: Array, y: Array) -> Array:
        t = _xp(x).tanh(x)
        return t * t


@register
class Exponential(Activation):
    name = "exponential"

    def __call__(self, x: Array) -> Array:
        return _xp(x).exp(x)

    def derivative(self, x: Array, y: Array) -> Array:
        return y


@register
class Softplus(Activation):
    name = "softplus"

    def __call__(self, x: Array) -> Array:
        return _softplus(_xp(x), x)

    def derivative(self, x: Array, y: Array) -> Array:
        return _sigmoid(_xp(x), x)


@register
class Softsign(Activation):
    name = "softsign"

    def __call__(self, x: Array) -> Array:
        return x / (1 + _xp(x).abs(x))

    def derivative(self, x: Array, y: Array) -> Array:
        d = 1 + _xp(x).abs(x)
        return 1 / (d * d)


@register
class LogSigmoid(Activation):
    name = "log_sigmoid"

    def __call__(self, x: Array) -> Array:
        return -_softplus(_xp(x), -x)

    def derivative(self, x: Array, y: Array) -> Array:
        return _sigmoid(_xp(x), -x)


@register
class Silu(Activation):
    name = "silu"
    aliases = ("swish",)

    def __call__(self, x: Array) -> Array:
        return x * _sigmoid(_xp(x), x)

    def derivative(self, x: Array, y: Array) -> Array:
        s = _sigmoid(_xp(x), x)
        return s * (1 + x * (1 - s))


@register
class Mish(Activation):
    name = "mish"

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        return x * xp.tanh(_softplus(xp, x))

    def derivative(self, x: Array, y: Array) -> Array:
        xp = _xp(x)
        t = xp.tanh(_softplus(xp, x))
        return t + x * (1 - t * t) * _sigmoid(xp, x)


@register
class Squareplus(Activation):
    name = "squareplus"
    defaults: ClassVar[Mapping[str, Any]] = {"b": 4}

    def __call__(self, x: Array) -> Array:
        return (x + _xp(x).sqrt(x * x + self.kwargs["b"])) / 2

    def derivative(self, x: Array, y: Array) -> Array:
        return 0.5 * (1 + x / _xp(x).sqrt(x * x + self.kwargs["b"]))


@register
class Elu(Activation):
    """TF's Elu (``expm1`` below 0, gradient ``y + 1`` there, 1 at 0); ``alpha != 1`` scales
    the non-positive side (``elu(alpha)'(0) = alpha``)."""

    name = "elu"
    defaults: ClassVar[Mapping[str, Any]] = {"alpha": 1.0}

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        res = xp.where(x < 0, xp.expm1(xp.minimum(x, 0)), x)
        alpha = self.kwargs["alpha"]
        if alpha == 1:
            return res
        return xp.where(x > 0, res, alpha * res)

    def derivative(self, x: Array, y: Array) -> Array:
        xp = _xp(x)
        res = xp.where(x < 0, xp.expm1(xp.minimum(x, 0)), x)
        d = xp.where(res < 0, res + 1, 1.0).astype(x.dtype)
        alpha = self.kwargs["alpha"]
        if alpha == 1:
            return d
        return xp.where(x > 0, d, alpha * d)


@register
class Selu(Activation):
    name = "selu"

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        return xp.where(
            x < 0, (SELU_SCALE * SELU_ALPHA) * xp.expm1(xp.minimum(x, 0)), SELU_SCALE * x
        )

    def derivative(self, x: Array, y: Array) -> Array:
        xp = _xp(x)
        return xp.where(y < 0, y + SELU_SCALE * SELU_ALPHA, SELU_SCALE).astype(x.dtype)


@register
class Celu(Activation):
    """``max(x, 0) + alpha * expm1(min(x, 0) / alpha)``; TF's max/min pass the gradient on
    ties, so ``celu'(0) = 2``."""

    name = "celu"
    defaults: ClassVar[Mapping[str, Any]] = {"alpha": 1.0}

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        alpha = self.kwargs["alpha"]
        return xp.maximum(x, 0) + alpha * xp.expm1(xp.minimum(x, 0) / alpha)

    def derivative(self, x: Array, y: Array) -> Array:
        xp = _xp(x)
        alpha = self.kwargs["alpha"]
        return _cast(xp, x >= 0, x) + xp.exp(xp.minimum(x, 0) / alpha) * _cast(xp, x <= 0, x)


@register
class Gelu(Activation):
    """TF's gelu: ``approximate=True`` uses ``0.044715`` as float32; the exact form is
    ``0.5 x erfc(-x * float32(1/sqrt(2)))``. The string ``"gelu"`` means ``approximate=False``."""

    name = "gelu"
    defaults: ClassVar[Mapping[str, Any]] = {"approximate": False}
    _SQRT_2_OVER_PI = 0.7978845608028654
    _COEFF = f32(0.044715)
    _INV_SQRT2 = f32(0.7071067811865476)
    _TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        if self.kwargs["approximate"]:
            u = self._SQRT_2_OVER_PI * (x + self._COEFF * x**3)
            return 0.5 * x * (1 + xp.tanh(u))
        return 0.5 * x * erfc(-x * self._INV_SQRT2)

    def derivative(self, x: Array, y: Array) -> Array:
        xp = _xp(x)
        if self.kwargs["approximate"]:
            u = self._SQRT_2_OVER_PI * (x + self._COEFF * x**3)
            t = xp.tanh(u)
            du = self._SQRT_2_OVER_PI * (1 + 3 * self._COEFF * x * x)
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du
        k = self._INV_SQRT2
        return 0.5 * erfc(-x * k) + 0.5 * x * (self._TWO_OVER_SQRT_PI * k) * xp.exp(-((k * x) ** 2))


# ---- along an axis --------------------------------------------------------------------------


def _axis(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


@register
class Softmax(Activation):
    """``exp(x - max) / sum`` over ``axis`` (an int or a tuple of axes)."""

    name = "softmax"
    elementwise = False
    defaults: ClassVar[Mapping[str, Any]] = {"axis": -1}

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        axis = _axis(self.kwargs["axis"])
        e = xp.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    def vjp(self, x: Array, y: Array, g: Array) -> Array:
        axis = _axis(self.kwargs["axis"])
        return y * (g - (g * y).sum(axis=axis, keepdims=True))


@register
class LogSoftmax(Activation):
    name = "log_softmax"
    elementwise = False
    defaults: ClassVar[Mapping[str, Any]] = {"axis": -1}

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        axis = _axis(self.kwargs["axis"])
        shifted = x - x.max(axis=axis, keepdims=True)
        return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))

    def vjp(self, x: Array, y: Array, g: Array) -> Array:
        axis = _axis(self.kwargs["axis"])
        return g - _xp(x).exp(y) * g.sum(axis=axis, keepdims=True)


@register
class Glu(Activation):
    """``a * sigmoid(b)`` with ``a, b`` the two halves of ``axis``."""

    name = "glu"
    elementwise = False
    defaults: ClassVar[Mapping[str, Any]] = {"axis": -1}

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        a, b = xp.split(x, 2, axis=self.kwargs["axis"])
        return a * _sigmoid(xp, b)

    def vjp(self, x: Array, y: Array, g: Array) -> Array:
        xp = _xp(x)
        axis = self.kwargs["axis"]
        a, b = xp.split(x, 2, axis=axis)
        s = _sigmoid(xp, b)
        return xp.concatenate([g * s, g * a * s * (1 - s)], axis=axis)


@register
class Sparsemax(Activation):
    """Keras's sparsemax, literally: ``tau = (sum of the cumulative sums over the support - 1) / k``
    (this is what Keras 3 computes; the textbook threshold uses only the last cumulative sum)."""

    name = "sparsemax"
    elementwise = False
    defaults: ClassVar[Mapping[str, Any]] = {"axis": -1}

    def _support(self, x: Array) -> tuple[Array, Array, Array, Array]:
        """(tau, k, descending order, weight of each sorted position in tau)."""
        xp = _xp(x)
        axis = self.kwargs["axis"] % x.ndim
        # stable descending order (ties keep index order), like TF's top_k
        order = xp.argsort(-x, axis=axis, kind="stable")
        z = xp.take_along_axis(x, order, axis=axis)
        cums = xp.cumsum(z, axis=axis)
        shape = [1] * x.ndim
        shape[axis] = -1
        r = xp.arange(1, x.shape[axis] + 1, dtype=x.dtype).reshape(shape)
        support = z - (cums - 1) / r > 0
        k = support.sum(axis=axis, keepdims=True).astype(x.dtype)
        tau = (xp.where(support, cums, 0.0).sum(axis=axis, keepdims=True) - 1) / k
        # d tau / d z_(i) = (k - i + 1) / k for sorted positions i <= k (1-based), else 0
        weights = xp.where(support, (k - r + 1) / k, 0.0).astype(x.dtype)
        return tau, k, order, weights

    def __call__(self, x: Array) -> Array:
        xp = _xp(x)
        tau, _, _, _ = self._support(x)
        return xp.maximum(x - tau, 0)

    def vjp(self, x: Array, y: Array, g: Array) -> Array:
        xp = _xp(x)
        axis = self.kwargs["axis"] % x.ndim
        tau, _, order, weights = self._support(x)
        active = _cast(xp, x - tau >= 0, x)
        a = (g * active).sum(axis=axis, keepdims=True)
        # back to input positions: the inverse permutation of ``order``
        w = xp.take_along_axis(weights, xp.argsort(order, axis=axis), axis=axis)
        return g * active - a * w


# ---- lookup ---------------------------------------------------------------------------------


class CallableActivation(Activation):
    """A user function without a known derivative: forward only."""

    name = "callable"

    def __init__(self, fn: Callable[[Array], Array]) -> None:
        super().__init__()
        self.fn = fn

    def __call__(self, x: Array) -> Array:
        return self.fn(x)

    def vjp(self, x: Array, y: Array, g: Array) -> Array:
        raise NotImplementedError(f"no derivative for the activation {self.fn!r}")


def names() -> list[str]:
    """Every activation name (and alias) :func:`get` accepts."""
    return sorted(_REGISTRY)


def get(identifier: Any = None, **kwargs: Any) -> Activation:
    """An activation from a Keras identifier: ``None`` (linear), a name (``"relu"``), a Keras
    serialisation dict (``{"class_name": "relu", "config": {...}}``), an :class:`Activation`, an
    object with an ``activation_name`` (a resolved ``keras.activations.relu`` reference), or a
    callable (forward only)."""
    if isinstance(identifier, Activation):
        return identifier
    if identifier is None:
        return Linear()
    if isinstance(identifier, Mapping):
        name = identifier.get("class_name", identifier.get("name"))
        config = dict(identifier.get("config", {}) or {})
        config.pop("name", None)
        return get(name, **{**config, **kwargs})
    name = getattr(identifier, "activation_name", None)
    if isinstance(name, str):
        extra = getattr(identifier, "activation_kwargs", None) or {}
        return get(name, **{**extra, **kwargs})
    if isinstance(identifier, str):
        cls = _REGISTRY.get(identifier) or _REGISTRY.get(identifier.lower())
        if cls is None:
            raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")
        return cls(**kwargs)
    if callable(identifier):
        return CallableActivation(identifier)
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


__all__ = ["Activation", "get", "names", "erfc", "f32", "SELU_ALPHA", "SELU_SCALE"]
