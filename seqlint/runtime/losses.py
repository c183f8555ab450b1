"""Keras 3 losses with their gradients.

Every loss computes Keras's per-sample values (the loss with ``reduction=None``) together with
their local gradient: ``grad[i, ...]`` is d ``values[i]`` / d ``y_pred[i, ...]`` (each sample's
value depends only on that sample's predictions). The reduction (``sum_over_batch_size`` by
default, with ``sample_weight``) then scales the local gradient, so :meth:`Loss.value_and_grad`
returns the reduced value and d value / d y_pred in one pass.

The formulas follow Keras 3 on the TensorFlow backend, including its float32-rounded constants in
float64 models and TensorFlow's gradient conventions at kinks (``relu'(0) = 0``,
``clip_by_value`` passes the gradient on the bounds, ``maximum(x, y)`` sends it to ``x`` on ties,
``reduce_max`` splits it between tied entries). See ``golden/README.md``.

Fused logits: Keras caches the logits on every ``softmax``/``sigmoid`` output, and its three
crossentropies use them whenever they are there. :meth:`Loss.with_logits` gives the loss a model
hands the pre-activation logits to in that case (``None`` when the loss does not fuse).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy

from seqlint.runtime.backend import get_array_module

EPSILON = 1e-7  # keras.config.epsilon()'s default


def _eps() -> float:
    """``keras.config.epsilon()``: set with ``seqlint.runtime.config.set_epsilon``."""
    from seqlint.runtime import config

    return config.epsilon()


REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def _f32(value: float) -> float:
    """A Python float as Keras's ``ops.cast(python_float, float64)`` gives it (via float32)."""
    return float(numpy.float32(value))


def squeeze_or_expand_to_same_rank(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple[Any, Any]:
    """Keras's rule: only a trailing axis of size 1 is squeezed (or a rank-1 tensor expanded)."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def _size(shape: tuple[int, ...]) -> int:
    return int(numpy.prod(shape, dtype=numpy.int64))


def _unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``g`` over the axes broadcasting added to an array of ``shape``."""
    lead = g.ndim - len(shape)
    if lead:
        g = g.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


def _sigmoid(xp: Any, z: Any) -> Any:
    e = xp.exp(-xp.abs(z))
    return xp.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _softmax(xp: Any, z: Any, axis: int = -1) -> Any:
    e = xp.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _logsumexp(xp: Any, z: Any, axis: int = -1) -> Any:
    m = z.max(axis=axis, keepdims=True)
    return xp.squeeze(m + xp.log(xp.exp(z - m).sum(axis=axis, keepdims=True)), axis=axis)


def _in_range(p: Any, lo: float, hi: float) -> Any:
    """Where ``clip_by_value`` passes the gradient (bounds included)."""
    return (p >= lo) & (p <= hi)


class Loss:
    """Base class: subclasses implement :meth:`compute` (per-sample values and local gradient)."""

    default_name = "loss"

    def __init__(
        self,
        name: str | None = None,
        reduction: str | None = "sum_over_batch_size",
        dtype: Any = None,
    ) -> None:
        if reduction not in REDUCTIONS:
            raise ValueError(
                f"Invalid value for argument `reduction`. Expected one of {REDUCTIONS}. "
                f"Received: reduction={reduction!r}"
            )
        self.name = name or self.default_name
        self.reduction = reduction
        self.dtype = dtype

    # ---- what subclasses implement ---------------------------------------------------------

    def compute(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        """Per-sample values and d values[i] / d y_pred[i] (same shape as ``y_pred``)."""
        raise NotImplementedError

    def compute_with_mask(self, y_true: Any, y_pred: Any) -> tuple[Any, Any, Any]:
        """:meth:`compute` plus the boolean mask Keras attaches to the values (``None``)."""
        values, local = self.compute(y_true, y_pred)
        return values, local, None

    def reduce_axis(self) -> int:
        """The axis of ``y_pred`` the per-sample values reduce over."""
        return -1

    # ---- public API ------------------------------------------------------------------------

    def _prepare(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        y_pred = xp.asarray(y_pred)
        if self.dtype is not None:
            y_pred = y_pred.astype(self.dtype, copy=False)
        elif y_pred.dtype.kind != "f":
            y_pred = y_pred.astype(numpy.float32)
        return xp.asarray(y_true), y_pred

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """Per-sample loss values (what ``reduction=None`` returns, without sample weights)."""
        y_true, y_pred = self._prepare(y_true, y_pred)
        return self.compute(y_true, y_pred)[0]

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        return self.value_and_grad(y_true, y_pred, sample_weight, need_grad=False)[0]

    def value_and_grad(
        self,
        y_true: Any,
        y_pred: Any,
        sample_weight: Any = None,
        need_grad: bool = True,
        mask: Any = None,
    ) -> tuple[Any, Any]:
        """The reduced loss (a 0-d array, or per-sample values for ``reduction=None``) and its
        gradient with respect to ``y_pred`` (``None`` when ``need_grad`` is false).

        Follows Keras's ``reduce_weighted_values``: a mask (``ignore_class``) becomes weights
        ``total / valid`` (``sum_over_batch_size``) or 0/1, the sample weights and the values are
        aligned by :func:`squeeze_or_expand_to_same_rank` and multiplied with plain
        broadcasting, and ``mean_with_sample_weight`` divides by the sum of the (unbroadcast)
        weights. ``mask`` is the prediction's own mask (Keras's ``_keras_mask``: a boolean
        ``(batch, steps)`` from ``mask_zero``/``Masking``); it joins the loss's mask the same way,
        so masked steps are left out of the loss."""
        y_true, y_pred = self._prepare(y_true, y_pred)
        xp = get_array_module(y_pred)
        values, local, out_mask = self.compute_with_mask(y_true, y_pred)
        if mask is not None:
            in_mask = xp.asarray(mask).astype(bool)
            mask = in_mask if out_mask is None else in_mask & out_mask
        else:
            mask = out_mask
        dtype = values.dtype
        shape = values.shape
        weights = None if sample_weight is None else xp.asarray(sample_weight, dtype=dtype)
        if mask is not None:
            if self.reduction in ("mean", "sum_over_batch_size"):
                valid = mask.sum()
                keep = dtype.type(mask.size) / valid if valid else dtype.type(0)
                float_mask = xp.where(mask, keep, 0).astype(dtype)
            else:
                float_mask = mask.astype(dtype)
            if weights is None:
                weights = float_mask
            else:
                float_mask, weights = squeeze_or_expand_to_same_rank(float_mask, weights)
                weights = weights * float_mask
        coef: Any = xp.ones(shape, dtype=dtype)
        if weights is not None:
            values, weights = squeeze_or_expand_to_same_rank(values, weights)
            aligned = values.shape
            values = values * weights
            coef = _unbroadcast(xp.broadcast_to(weights, values.shape), aligned).reshape(shape)
        if self.reduction in (None, "none") or values.ndim == 0 or values.size == 0:
            value = values  # Keras's shape: (n, 1) for values (n,) weighted by (n, 1)
            if values.size != _size(shape):
                raise ValueError(
                    f"sample_weight broadcasts the loss values of shape {tuple(shape)} to "
                    f"{tuple(values.shape)}"
                )
        else:
            value = values.sum()
            if self.reduction != "sum":
                if self.reduction == "mean_with_sample_weight" and weights is not None:
                    divisor = weights.sum()
                else:
                    divisor = dtype.type(values.size)
                value = value / divisor if divisor != 0 else xp.zeros((), dtype=dtype)
                coef = coef / divisor if divisor != 0 else coef * 0
        grad = None
        if need_grad:
            grad = (xp.expand_dims(coef, self.reduce_axis()) * local).reshape(y_pred.shape)
        return xp.asarray(value, dtype=dtype), grad

    def with_logits(self) -> Loss | None:
        """The loss to apply to the pre-activation logits when the prediction comes from a
        softmax/sigmoid (Keras's cached ``_keras_logits``); ``None`` if this loss does not."""
        return None

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "reduction": self.reduction}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


# ---- crossentropies ---------------------------------------------------------------------------


class _Crossentropy(Loss):
    def __init__(
        self,
        from_logits: bool = False,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.from_logits = bool(from_logits)
        self.axis = axis

    def reduce_axis(self) -> int:
        return self.axis

    def with_logits(self) -> Loss | None:
        if self.from_logits:
            return None
        fused = copy.copy(self)
        fused.from_logits = True
        return fused

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "from_logits": self.from_logits, "axis": self.axis}


class BinaryCrossentropy(_Crossentropy):
    default_name = "binary_crossentropy"

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(from_logits, axis, reduction, name, dtype)
        self.label_smoothing = float(label_smoothing)

    def compute(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true.astype(y_pred.dtype), y_pred)
        if y_true.shape != y_pred.shape:
            raise ValueError(
                "Arguments `target` and `output` must have the same shape. "
                f"Received: target.shape={y_true.shape}, output.shape={y_pred.shape}"
            )
        ls = self.label_smoothing
        if ls:
            y_true = y_true * (1.0 - ls) + 0.5 * ls
        k = y_pred.shape[self.axis]
        if self.from_logits:
            z = y_pred
            elem = xp.maximum(z, 0) - z * y_true + xp.log1p(xp.exp(-xp.abs(z)))
            d = _sigmoid(xp, z) - y_true
        else:
            lo, hi = _eps(), 1.0 - _eps()
            p = xp.clip(y_pred, lo, hi)
            elem = -(y_true * xp.log(p) + (1 - y_true) * xp.log(1 - p))
            d = xp.where(_in_range(y_pred, lo, hi), (1 - y_true) / (1 - p) - y_true / p, 0)
        return elem.mean(axis=self.axis), d / y_pred.dtype.type(k)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "label_smoothing": self.label_smoothing}


class CategoricalCrossentropy(_Crossentropy):
    default_name = "categorical_crossentropy"

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(from_logits, axis, reduction, name, dtype)
        self.label_smoothing = float(label_smoothing)

    def compute(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        y_true = y_true.astype(y_pred.dtype)
        if y_true.shape != y_pred.shape:
            raise ValueError(
                "Arguments `target` and `output` must have the same shape. "
                f"Received: target.shape={y_true.shape}, output.shape={y_pred.shape}"
            )
        ls = self.label_smoothing
        if ls:
            y_true = y_true * (1.0 - ls) + ls / y_pred.dtype.type(y_true.shape[-1])
        ax = self.axis
        if self.from_logits:
            # TF's softmax_cross_entropy_with_logits: loss sum(y*(lse - z)), grad softmax - y
            z = y_pred
            lse = xp.expand_dims(_logsumexp(xp, z, ax), ax)
            values = (y_true * (lse - z)).sum(axis=ax)
            return values, _softmax(xp, z, ax) - y_true
        s = y_pred.sum(axis=ax, keepdims=True)
        q = y_pred / s
        lo, hi = _eps(), 1.0 - _eps()
        c = xp.clip(q, lo, hi)
        values = -(y_true * xp.log(c)).sum(axis=ax)
        g = xp.where(_in_range(q, lo, hi), -y_true / c, 0)  # d values / d q
        grad = (g - (g * q).sum(axis=ax, keepdims=True)) / s
        return values, grad

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "label_smoothing": self.label_smoothing}


class SparseCategoricalCrossentropy(_Crossentropy):
    default_name = "sparse_categorical_crossentropy"

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(from_logits, axis, reduction, name, dtype)
        if axis not in (-1,):
            raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
        self.ignore_class = ignore_class

    def compute(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        values, grad, _ = self.compute_with_mask(y_true, y_pred)
        return values, grad

    def compute_with_mask(self, y_true: Any, y_pred: Any) -> tuple[Any, Any, Any]:
        """With ``ignore_class``, the ignored entries are 0 and Keras masks them out of the
        reduction (``sum_over_batch_size`` averages over the valid entries only)."""
        xp = get_array_module(y_pred)
        if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
            y_true = y_true[..., 0]
        if y_true.shape != y_pred.shape[:-1]:
            raise ValueError(
                "Arguments `target` and `output` must have the same shape up until the last "
                f"dimension: target.shape={y_true.shape}, output.shape={y_pred.shape}"
            )
        labels = y_true.astype(numpy.int64)
        valid = None
        if self.ignore_class is not None:
            valid = labels != self.ignore_class
            labels = xp.where(valid, labels, 0)
        n_classes = y_pred.shape[-1]
        if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= n_classes):
            raise ValueError(
                f"Received a label value outside the valid range [0, {n_classes}) in "
                "sparse_categorical_crossentropy"
            )
        onehot = (labels[..., None] == xp.arange(n_classes)).astype(y_pred.dtype)
        if self.from_logits:
            z = y_pred
            mask: Any = None
        else:
            lo, hi = _eps(), 1 - _eps()
            c = xp.clip(y_pred, lo, hi)
            z = xp.log(c)
            mask = _in_range(y_pred, lo, hi)
        values = _logsumexp(xp, z) - (z * onehot).sum(axis=-1)
        grad = _softmax(xp, z) - onehot
        if mask is not None:
            grad = xp.where(mask, grad / c, 0)
        if valid is not None:
            values = xp.where(valid, values, 0)
            grad = grad * valid[..., None]
        return values, grad, valid

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "ignore_class": self.ignore_class}


# ---- regression and other losses --------------------------------------------------------------


class _Elementwise(Loss):
    """Losses that are ``mean(f(y_true, y_pred), axis=-1)`` after Keras's rank alignment."""

    def elementwise(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        raise NotImplementedError

    def compute(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true.astype(y_pred.dtype), y_pred)
        elem, d = self.elementwise(y_true, y_pred)
        xp = get_array_module(y_pred)
        k = y_pred.dtype.type(y_pred.shape[-1])
        return elem.mean(axis=-1), xp.broadcast_to(d / k, y_pred.shape)


class MeanSquaredError(_Elementwise):
    default_name = "mean_squared_error"

    def elementwise(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        e = y_pred - y_true
        return e * e, 2 * e


class MeanAbsoluteError(_Elementwise):
    default_name = "mean_absolute_error"

    def elementwise(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        e = y_pred - y_true
        return xp.abs(e), xp.sign(e)


class MeanAbsolutePercentageError(_Elementwise):
    default_name = "mean_absolute_percentage_error"

    def elementwise(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        den = xp.maximum(xp.abs(y_true), _eps())
        r = (y_true - y_pred) / den
        return 100.0 * xp.abs(r), -100.0 * xp.sign(r) / den


class MeanSquaredLogarithmicError(_Elementwise):
    default_name = "mean_squared_logarithmic_error"

    def elementwise(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        eps = _f32(_eps())  # keras converts epsilon to a float32 tensor here
        a = xp.maximum(y_pred, eps) + 1.0
        diff = xp.log(a) - xp.log(xp.maximum(y_true, eps) + 1.0)
        return diff * diff, xp.where(y_pred >= eps, 2 * diff / a, 0)


class Huber(_Elementwise):
    default_name = "huber_loss"

    def __init__(
        self,
        delta: float = 1.0,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.delta = float(delta)

    def elementwise(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        delta = self.delta
        e = y_pred - y_true
        a = xp.abs(e)
        inside = a <= delta
        elem = xp.where(inside, 0.5 * e * e, delta * a - 0.5 * delta * delta)
        return elem, xp.where(inside, e, delta * xp.sign(e))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "delta": self.delta}


class LogCosh(_Elementwise):
    default_name = "log_cosh"

    def elementwise(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        e = y_pred - y_true
        log2 = _f32(numpy.log(2.0))  # computed by Keras as a float32 tensor
        elem = e + xp.logaddexp(0, -2.0 * e) - log2
        return elem, 1 - 2 * _sigmoid(xp, -2.0 * e)


class Poisson(_Elementwise):
    default_name = "poisson"

    def elementwise(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        p = y_pred + _eps()
        return y_pred - y_true * xp.log(p), 1 - y_true / p


def _hinge_labels(xp: Any, y_true: Any) -> Any:
    if bool(xp.all((y_true == 0) | (y_true == 1))):
        return 2.0 * y_true - 1.0
    return y_true


class Hinge(_Elementwise):
    default_name = "hinge"

    def elementwise(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        y = _hinge_labels(xp, y_true)
        m = 1.0 - y * y_pred
        return xp.maximum(m, 0.0), xp.where(m >= 0, -y, 0)


class SquaredHinge(_Elementwise):
    default_name = "squared_hinge"

    def elementwise(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        y = _hinge_labels(xp, y_true)
        m = xp.maximum(1.0 - y * y_pred, 0.0)
        return m * m, -2 * m * y


class CategoricalHinge(Loss):
    default_name = "categorical_hinge"

    def compute(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true.astype(y_pred.dtype), y_pred)
        pos = (y_true * y_pred).sum(axis=-1)
        masked = (1.0 - y_true) * y_pred
        neg = masked.max(axis=-1)
        x = neg - pos + 1.0
        ties = (masked == neg[..., None]).astype(y_pred.dtype)
        dneg = (1.0 - y_true) * ties / ties.sum(axis=-1, keepdims=True)
        grad = xp.where((x >= 0)[..., None], dneg - y_true, 0)
        return xp.maximum(x, 0.0), grad


class KLDivergence(Loss):
    default_name = "kl_divergence"

    def compute(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true.astype(y_pred.dtype), y_pred)
        y = xp.clip(y_true, _eps(), 1)
        p = xp.clip(y_pred, _eps(), 1)
        values = (y * xp.log(y / p)).sum(axis=-1)
        return values, xp.where(_in_range(y_pred, _eps(), 1), -y / p, 0)


class CosineSimilarity(Loss):
    default_name = "cosine_similarity"

    def __init__(
        self,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.axis = axis

    def reduce_axis(self) -> int:
        return self.axis

    def compute(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        xp = get_array_module(y_pred)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true.astype(y_pred.dtype), y_pred)
        ax = self.axis
        cap = 1.0 / _eps()

        def inv_norm(v: Any) -> tuple[Any, Any]:
            s = (v * v).sum(axis=ax, keepdims=True)
            with numpy.errstate(divide="ignore"):
                r = 1.0 / xp.sqrt(s)
            return xp.minimum(r, cap), r <= cap

        inv_t, _ = inv_norm(y_true)
        ny = y_true * inv_t
        inv_p, free = inv_norm(y_pred)
        values = -(ny * y_pred * inv_p).sum(axis=ax)
        dot = (ny * y_pred).sum(axis=ax, keepdims=True)
        grad = -(ny * inv_p) + xp.where(free, dot * inv_p**3 * y_pred, 0)
        return values, grad

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


# ---- identifiers ------------------------------------------------------------------------------

_CLASSES: dict[str, type[Loss]] = {
    cls.__name__: cls
    for cls in (
        BinaryCrossentropy,
        CategoricalCrossentropy,
        SparseCategoricalCrossentropy,
        MeanSquaredError,
        MeanAbsoluteError,
        MeanAbsolutePercentageError,
        MeanSquaredLogarithmicError,
        Huber,
        LogCosh,
        KLDivergence,
        Poisson,
        Hinge,
        SquaredHinge,
        CategoricalHinge,
        CosineSimilarity,
    )
}

_ALIASES: dict[str, type[Loss]] = {
    "binary_crossentropy": BinaryCrossentropy,
    "bce": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "cce": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "scce": SparseCategoricalCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "mape": MeanAbsolutePercentageError,
    "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,
    "msle": MeanSquaredLogarithmicError,
    "huber": Huber,
    "huber_loss": Huber,
    "log_cosh": LogCosh,
    "logcosh": LogCosh,
    "kl_divergence": KLDivergence,
    "kld": KLDivergence,
    "kullback_leibler_divergence": KLDivergence,
    "poisson": Poisson,
    "hinge": Hinge,
    "squared_hinge": SquaredHinge,
    "categorical_hinge": CategoricalHinge,
    "cosine_similarity": CosineSimilarity,
}


def get(identifier: Any) -> Loss:
    """A loss from a :class:`Loss`, a Keras name (``"mse"``, ``"categorical_crossentropy"``,
    ``"CategoricalCrossentropy"``) or a config dict
    ``{"class"|"class_name": ..., "config": ...}``."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, dict):
        name = identifier.get("class", identifier.get("class_name"))
        config = dict(identifier.get("config") or {})
        cls = _CLASSES.get(str(name))
        if cls is None:
            raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
        return cls(**config)
    if isinstance(identifier, str):
        cls = _CLASSES.get(identifier) or _ALIASES.get(identifier.lower())
        if cls is None:
            raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
        return cls()
    raise ValueError(
        f"Could not interpret loss identifier: {identifier!r} (runtime losses need a gradient: "
        "use a Keras loss name or a seqlint.runtime.losses.Loss subclass)"
    )


def _function(cls: type[Loss]) -> Callable[..., Any]:
    def fn(y_true: Any, y_pred: Any, **kwargs: Any) -> Any:
        return cls(**kwargs).call(y_true, y_pred)

    fn.__name__ = cls.default_name
    fn.__doc__ = f"Per-sample values of :class:`{cls.__name__}` (``reduction=None``)."
    return fn


binary_crossentropy = _function(BinaryCrossentropy)
categorical_crossentropy = _function(CategoricalCrossentropy)
sparse_categorical_crossentropy = _function(SparseCategoricalCrossentropy)
mean_squared_error = _function(MeanSquaredError)
mean_absolute_error = _function(MeanAbsoluteError)
mean_absolute_percentage_error = _function(MeanAbsolutePercentageError)
mean_squared_logarithmic_error = _function(MeanSquaredLogarithmicError)
huber = _function(Huber)
log_cosh = _function(LogCosh)
kl_divergence = _function(KLDivergence)
poisson = _function(Poisson)
hinge = _function(Hinge)
squared_hinge = _function(SquaredHinge)
categorical_hinge = _function(CategoricalHinge)
cosine_similarity = _function(CosineSimilarity)
mse = mean_squared_error
mae = mean_absolute_error
mape = mean_absolute_percentage_error
msle = mean_squared_logarithmic_error
