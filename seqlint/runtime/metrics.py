"""Keras 3 metrics: stateful objects with ``update_state``/``result``/``reset_state``.

Mean-style metrics accumulate ``total`` and ``count`` across updates exactly like Keras (the
per-element values are first reduced to one value per sample). ``compile(metrics=["accuracy"])``
is resolved from the SHAPES of the first batch (:func:`get_compiled`), not from the loss.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy

from seqlint.runtime import losses as losses_module
from seqlint.runtime.backend import get_array_module
from seqlint.runtime.losses import squeeze_or_expand_to_same_rank

EPSILON = 1e-7


def _cast32(value: float, dtype: Any) -> Any:
    """``ops.cast(python_float, dtype)``: Keras/TF go through float32."""
    return numpy.dtype(dtype).type(numpy.float32(value))


def _floatx_default() -> str:
    from seqlint.runtime import model

    return model.floatx()


class Metric:
    """Base class of stateful metrics."""

    default_name = "metric"
    #: ``"up"`` when larger is better, ``"down"`` when smaller is (EarlyStopping's auto mode)
    direction: str | None = None

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        self.name = name or self.default_name
        self._dtype = numpy.dtype(dtype) if dtype is not None else None
        self.reset_state()

    @property
    def dtype(self) -> numpy.dtype[Any]:
        return self._dtype if self._dtype is not None else numpy.dtype(_floatx_default())

    @dtype.setter
    def dtype(self, value: Any) -> None:
        self._dtype = numpy.dtype(value) if value is not None else None
        self.reset_state()

    def reset_state(self) -> None:
        raise NotImplementedError

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError

    def result(self) -> Any:
        raise NotImplementedError

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Update with one batch and return the result (Keras's ``metric(y_true, y_pred)``)."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype.name}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def reduce_to_samplewise_values(values: Any, sample_weight: Any, dtype: Any) -> tuple[Any, Any]:
    """Keras's reduction of per-element values (and weights) to one value per sample."""
    xp = get_array_module(values)
    values = xp.asarray(values).astype(dtype, copy=False)
    if sample_weight is not None:
        sample_weight = xp.asarray(sample_weight).astype(dtype, copy=False)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        w_ndim, v_ndim = sample_weight.ndim, values.ndim
        if v_ndim > w_ndim:
            values = values.mean(axis=tuple(range(w_ndim, v_ndim)))
        sample_weight = xp.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if w_ndim > 1:
            sample_weight = sample_weight.mean(axis=tuple(range(1, w_ndim)))
    if values.ndim > 1:
        values = values.mean(axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Mean(Metric):
    """The (weighted) mean of the values seen: ``total / count``."""

    default_name = "mean"

    def reset_state(self) -> None:
        self.total = self.dtype.type(0)
        self.count = self.dtype.type(0)

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, self.dtype)
        self.total = self.dtype.type(self.total + values.sum())
        if sample_weight is not None:
            n: Any = sample_weight.sum()
        elif values.ndim >= 1:
            n = values.shape[0]
        else:
            n = 1
        self.count = self.dtype.type(self.count + self.dtype.type(n))

    def result(self) -> Any:
        if self.count == 0:
            return self.dtype.type(0)
        return self.dtype.type(self.total / self.count)


class Sum(Metric):
    default_name = "sum"

    def reset_state(self) -> None:
        self.total = self.dtype.type(0)

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, _ = reduce_to_samplewise_values(values, sample_weight, self.dtype)
        self.total = self.dtype.type(self.total + values.sum())

    def result(self) -> Any:
        return self.total


class MeanMetricWrapper(Mean):
    """``Mean`` of ``fn(y_true, y_pred, **kwargs)`` (Keras's wrapper for function metrics)."""

    def __init__(
        self,
        fn: Callable[..., Any],
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        self._fn = fn
        self._fn_kwargs = kwargs
        fn_name = getattr(fn, "__name__", "")
        if fn_name in _FUNCTIONS or fn_name in ("binary_accuracy",):
            self.direction = "up" if "accuracy" in fn_name else "down"
        super().__init__(name=name or fn_name or "mean_metric", dtype=dtype)

    def update_state(  # type: ignore[override]  # Keras's signature differs from Mean's
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self._fn_kwargs}


# ---- metric functions (values per element or per sample) --------------------------------------


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Any:
    xp = get_array_module(y_pred)
    y_pred = xp.asarray(y_pred)
    y_true = xp.asarray(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    thr = _cast32(threshold, y_pred.dtype) if y_pred.dtype.kind == "f" else threshold
    pred = (y_pred > thr).astype(y_true.dtype)
    return (y_true == pred).astype(_value_dtype(y_pred))


def accuracy(y_true: Any, y_pred: Any) -> Any:
    """``keras.metrics.Accuracy``: predictions *equal* to the labels (no threshold, so
    probabilities are almost never counted right)."""
    xp = get_array_module(y_pred)
    y_pred = xp.asarray(y_pred)
    y_true = xp.asarray(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return (y_true == y_pred).astype(_value_dtype(y_pred))


def _value_dtype(y_pred: Any) -> Any:
    return y_pred.dtype if y_pred.dtype.kind == "f" else numpy.float64


def _argmax_matches(y_true: Any, y_pred: Any) -> Any:
    xp = get_array_module(y_pred)
    org_shape = y_true.shape
    reshape = False
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
        reshape = True
    pred = xp.argmax(y_pred, axis=-1)
    matches = (y_true.astype(numpy.float64) == pred.astype(numpy.float64)).astype(
        _value_dtype(y_pred)
    )
    return matches.reshape(org_shape) if reshape else matches


def categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    xp = get_array_module(y_pred)
    labels = xp.argmax(xp.asarray(y_true), axis=-1)
    return _argmax_matches(labels, xp.asarray(y_pred))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    xp = get_array_module(y_pred)
    return _argmax_matches(xp.asarray(y_true), xp.asarray(y_pred))


def _in_top_k(targets: Any, predictions: Any, k: int) -> Any:
    """``tf.math.in_top_k``: classes tied with the k-th largest value count as inside."""
    xp = get_array_module(predictions)
    n_classes = predictions.shape[-1]
    t = targets.astype(numpy.int64)
    valid = (t >= 0) & (t < n_classes)
    safe = xp.where(valid, t, 0)
    target_pred = xp.take_along_axis(predictions, safe[:, None], axis=-1)
    greater = (predictions > target_pred).sum(axis=-1)
    finite = xp.isfinite(predictions).all(axis=-1)
    return valid & finite & (greater < k)


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Any:
    xp = get_array_module(y_pred)
    y_pred = xp.asarray(y_pred)
    y_true = xp.asarray(y_true)
    org_shape = y_true.shape
    preds = y_pred.reshape(-1, y_pred.shape[-1]) if y_pred.ndim > 2 else y_pred
    targets = y_true.reshape(-1) if y_true.ndim > 1 else y_true
    matches = _in_top_k(targets, preds, k).astype(_value_dtype(y_pred))
    return matches.reshape(org_shape) if y_true.ndim > 1 else matches


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Any:
    xp = get_array_module(y_pred)
    labels = xp.argmax(xp.asarray(y_true), axis=-1)
    return sparse_top_k_categorical_accuracy(labels, y_pred, k=k)


def _loss_fn(cls: type[losses_module.Loss]) -> Callable[..., Any]:
    def fn(y_true: Any, y_pred: Any, **kwargs: Any) -> Any:
        return cls(**kwargs).call(y_true, y_pred)

    fn.__name__ = cls.default_name
    return fn


mean_squared_error = _loss_fn(losses_module.MeanSquaredError)
mean_absolute_error = _loss_fn(losses_module.MeanAbsoluteError)
mean_absolute_percentage_error = _loss_fn(losses_module.MeanAbsolutePercentageError)
mean_squared_logarithmic_error = _loss_fn(losses_module.MeanSquaredLogarithmicError)
binary_crossentropy = _loss_fn(losses_module.BinaryCrossentropy)
categorical_crossentropy = _loss_fn(losses_module.CategoricalCrossentropy)
sparse_categorical_crossentropy = _loss_fn(losses_module.SparseCategoricalCrossentropy)
kl_divergence = _loss_fn(losses_module.KLDivergence)
poisson = _loss_fn(losses_module.Poisson)
log_cosh = _loss_fn(losses_module.LogCosh)
hinge = _loss_fn(losses_module.Hinge)
squared_hinge = _loss_fn(losses_module.SquaredHinge)
categorical_hinge = _loss_fn(losses_module.CategoricalHinge)


# ---- metric classes ---------------------------------------------------------------------------


class Accuracy(MeanMetricWrapper):
    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    def __init__(
        self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None
    ) -> None:
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    def __init__(
        self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None
    ) -> None:
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


class MeanSquaredError(MeanMetricWrapper):
    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    default_name = "root_mean_squared_error"
    direction = "down"

    def update_state(  # type: ignore[override]  # Keras's signature differs from Mean's
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        xp = get_array_module(y_pred)
        y_pred = xp.asarray(y_pred).astype(self.dtype, copy=False)
        y_true = xp.asarray(y_true).astype(self.dtype, copy=False)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        super().update_state((y_pred - y_true) ** 2, sample_weight=sample_weight)

    def result(self) -> Any:
        return self.dtype.type(numpy.sqrt(super().result()))


class BinaryCrossentropy(MeanMetricWrapper):
    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(
            binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(MeanMetricWrapper):
    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            axis=axis,
        )


# ---- confusion-matrix metrics -----------------------------------------------------------------


def _prepare_confusion(
    y_true: Any, y_pred: Any, sample_weight: Any, dtype: Any
) -> tuple[Any, Any, Any]:
    xp = get_array_module(y_pred)
    y_pred = xp.asarray(y_pred).astype(dtype, copy=False)
    y_true = xp.asarray(y_true).astype(dtype, copy=False)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        y_true = xp.broadcast_to(y_true, y_pred.shape)
    w = None
    if sample_weight is not None:
        w = xp.asarray(sample_weight).astype(dtype, copy=False)
        while w.ndim < y_pred.ndim:
            w = w[..., None]
        w = xp.broadcast_to(w, y_pred.shape)
    return y_true, y_pred, w


def _filter_top_k(xp: Any, y_pred: Any, k: int) -> Any:
    order = xp.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = xp.zeros(y_pred.shape, dtype=bool)
    xp.put_along_axis(keep, order, True, axis=-1)
    return xp.where(keep, y_pred, -xp.inf)


class _ThresholdConfusion(Metric):
    """Precision/Recall: true/false positives/negatives at explicit thresholds."""

    default_threshold = 0.5
    direction = "up"

    def __init__(
        self,
        thresholds: float | Sequence[float] | None = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = -1e-7 if top_k is not None else self.default_threshold
        if thresholds is None:
            thresholds = default
        self._scalar = isinstance(thresholds, (int, float))
        if isinstance(thresholds, (int, float)):
            self.thresholds = [float(thresholds)]
        else:
            self.thresholds = [float(t) for t in thresholds]
        super().__init__(name=name, dtype=dtype)

    def reset_state(self) -> None:
        n = len(self.thresholds)
        self.true_positives = numpy.zeros(n, self.dtype)
        self.false_positives = numpy.zeros(n, self.dtype)
        self.true_negatives = numpy.zeros(n, self.dtype)
        self.false_negatives = numpy.zeros(n, self.dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        xp = get_array_module(y_pred)
        y_true, y_pred, w = _prepare_confusion(y_true, y_pred, sample_weight, self.dtype)
        if self.top_k is not None:
            y_pred = _filter_top_k(xp, y_pred, self.top_k)
        if self.class_id is not None:
            y_true = y_true[..., self.class_id]
            y_pred = y_pred[..., self.class_id]
            w = None if w is None else w[..., self.class_id]
        pos = (y_true != 0).reshape(-1)
        pred = y_pred.reshape(-1)
        weight = xp.ones(pred.shape, self.dtype) if w is None else w.reshape(-1)
        for i, thr in enumerate(self.thresholds):
            above = pred > thr
            self.true_positives[i] += (weight * (above & pos)).sum()
            self.false_positives[i] += (weight * (above & ~pos)).sum()
            self.true_negatives[i] += (weight * (~above & ~pos)).sum()
            self.false_negatives[i] += (weight * (~above & pos)).sum()

    def _finish(self, num: Any, den: Any) -> Any:
        with numpy.errstate(invalid="ignore", divide="ignore"):
            out = numpy.where(den == 0, 0, num / numpy.where(den == 0, 1, den)).astype(self.dtype)
        return self.dtype.type(out[0]) if self._scalar else out

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_ThresholdConfusion):
    default_name = "precision"

    def result(self) -> Any:
        return self._finish(self.true_positives, self.true_positives + self.false_positives)


class Recall(_ThresholdConfusion):
    default_name = "recall"

    def result(self) -> Any:
        return self._finish(self.true_positives, self.true_positives + self.false_negatives)


class AUC(Metric):
    """Area under the ROC or PR curve from bucketed confusion counts, like ``keras.metrics.AUC``
    (``summation_method="interpolation"`` uses the trapezoid rule for ROC and Davis & Goadrich's
    interpolation for PR). ``multi_label=True`` keeps the counts per label (the last axis) and
    averages the labels' areas."""

    default_name = "auc"
    direction = "up"

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: Sequence[float] | None = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ) -> None:
        curve = curve.upper()
        if curve not in ("ROC", "PR"):
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected "ROC" or "PR".')
        summation_method = summation_method.lower()
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}".')
        if label_weights is not None:
            raise NotImplementedError("AUC(label_weights=...) is not supported")
        self.curve = curve
        self.summation_method = summation_method
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = label_weights
        self.from_logits = from_logits
        self._init_thresholds = thresholds
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(inner) + 2
            self._evenly = False
        else:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1.")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self.thresholds = numpy.array([0.0 - EPSILON, *inner, 1.0 + EPSILON])
        super().__init__(name=name, dtype=dtype)

    def reset_state(self) -> None:
        n = self.num_thresholds
        if self.multi_label and self.num_labels is not None:
            n = (n, self.num_labels)  # type: ignore[assignment]
        self.true_positives = numpy.zeros(n, self.dtype)
        self.false_positives = numpy.zeros(n, self.dtype)
        self.true_negatives = numpy.zeros(n, self.dtype)
        self.false_negatives = numpy.zeros(n, self.dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        xp = get_array_module(y_pred)
        y_true, y_pred, w = _prepare_confusion(y_true, y_pred, sample_weight, self.dtype)
        if self.from_logits:
            y_pred = 1 / (1 + xp.exp(-y_pred))
        if self.multi_label:
            labels = y_pred.shape[-1]
            if self.true_positives.ndim == 1:  # the number of labels is known now
                self.num_labels = labels
                self.reset_state()
            columns = [
                self._counts(
                    xp,
                    y_true[..., j].reshape(-1),
                    y_pred[..., j].reshape(-1),
                    None if w is None else w[..., j].reshape(-1),
                )
                for j in range(labels)
            ]
            tp, fp, fn, tn = (xp.stack([c[i] for c in columns], axis=1) for i in range(4))
        else:
            tp, fp, fn, tn = self._counts(
                xp, y_true.reshape(-1), y_pred.reshape(-1), None if w is None else w.reshape(-1)
            )
        self.true_positives += tp
        self.false_positives += fp
        self.false_negatives += fn
        self.true_negatives += tn

    def _counts(self, xp: Any, label: Any, pred: Any, w: Any) -> tuple[Any, Any, Any, Any]:
        """True/false positives, false/true negatives at each threshold for flat arrays."""
        weight = xp.ones(pred.shape, self.dtype) if w is None else w
        pos_w = weight * label
        neg_w = weight * (1.0 - label)
        n = self.num_thresholds
        if self._evenly:
            # bucket b holds predictions in (t_b, t_{b+1}]; "pred > threshold" is a reverse cumsum
            bucket = xp.ceil(pred * (n - 1)) - 1
            bucket = xp.clip(bucket, 0, n - 1).astype(numpy.int64)
            tp_b = xp.bincount(bucket, weights=pos_w, minlength=n).astype(self.dtype)
            fp_b = xp.bincount(bucket, weights=neg_w, minlength=n).astype(self.dtype)
            tp = xp.cumsum(tp_b[::-1])[::-1]
            fp = xp.cumsum(fp_b[::-1])[::-1]
        else:
            above = pred[None, :] > self.thresholds[:, None]
            tp = (above * pos_w[None, :]).sum(axis=1)
            fp = (above * neg_w[None, :]).sum(axis=1)
        return tp, fp, pos_w.sum() - tp, neg_w.sum() - fp

    @staticmethod
    def _div(a: Any, b: Any) -> Any:
        with numpy.errstate(invalid="ignore", divide="ignore"):
            return numpy.where(b == 0, 0, a / numpy.where(b == 0, 1, b))

    def _interpolate_pr_auc(self) -> Any:
        n = self.num_thresholds
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        prec_slope = self._div(dtp, numpy.maximum(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        both = (p[: n - 1] > 0) & (p[1:] > 0)
        safe_p_ratio = numpy.where(both, self._div(p[: n - 1], numpy.maximum(p[1:], 0)), 1)
        with numpy.errstate(divide="ignore"):
            log_ratio = numpy.log(safe_p_ratio)
        inc = self._div(
            prec_slope * (dtp + intercept * log_ratio), numpy.maximum(tp[1:] + fn[1:], 0)
        )
        return self.dtype.type(inc.sum(axis=0).mean())  # multi_label: the labels' mean

    def result(self) -> Any:
        n = self.num_thresholds
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        tp, fp, tn, fn = (
            self.true_positives,
            self.false_positives,
            self.true_negatives,
            self.false_negatives,
        )
        recall = self._div(tp, tp + fn)
        if self.curve == "ROC":
            x, y = self._div(fp, fp + tn), recall
        else:
            x, y = recall, self._div(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = numpy.minimum(y[: n - 1], y[1:])
        else:
            heights = numpy.maximum(y[: n - 1], y[1:])
        # (multi_label: one area per label, then their mean)
        return self.dtype.type(((x[: n - 1] - x[1:]) * heights).sum(axis=0).mean())

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self.label_weights,
            "from_logits": self.from_logits,
            "thresholds": self._init_thresholds,
        }


# ---- identifiers ------------------------------------------------------------------------------

_CLASSES: dict[str, type[Metric]] = {
    cls.__name__: cls
    for cls in (
        Mean,
        Sum,
        Accuracy,
        BinaryAccuracy,
        CategoricalAccuracy,
        SparseCategoricalAccuracy,
        TopKCategoricalAccuracy,
        SparseTopKCategoricalAccuracy,
        MeanSquaredError,
        MeanAbsoluteError,
        MeanAbsolutePercentageError,
        MeanSquaredLogarithmicError,
        RootMeanSquaredError,
        BinaryCrossentropy,
        CategoricalCrossentropy,
        SparseCategoricalCrossentropy,
        Precision,
        Recall,
        AUC,
    )
}

_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "mean_squared_error": mean_squared_error,
    "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
    "mae": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "mape": mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
    "msle": mean_squared_logarithmic_error,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "kl_divergence": kl_divergence,
    "kld": kl_divergence,
    "poisson": poisson,
    "log_cosh": log_cosh,
    "logcosh": log_cosh,
    "hinge": hinge,
    "squared_hinge": squared_hinge,
    "categorical_hinge": categorical_hinge,
}


def get(identifier: Any) -> Metric:
    """A metric object from an instance, a class, a Keras name or a config dict. ``"accuracy"``
    needs the data's shapes: use :func:`get_compiled`."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, dict):
        name = identifier.get("class", identifier.get("class_name"))
        cls = _CLASSES.get(str(name))
        if cls is not None:
            return cls(**dict(identifier.get("config") or {}))
    if isinstance(identifier, str):
        if identifier.lower() in ("accuracy", "acc"):
            raise ValueError(
                f"{identifier!r} is resolved from the data's shapes; use get_compiled()"
            )
        if identifier in _FUNCTIONS:
            return MeanMetricWrapper(_FUNCTIONS[identifier], name=identifier)
        cls = _CLASSES.get(identifier)
        if cls is None:
            lowered = {k.lower(): c for k, c in _CLASSES.items()}
            cls = lowered.get(identifier.lower())
        if cls is not None:
            return cls()
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


def resolve_accuracy(name: str, y_true_shape: Sequence[Any], y_pred_shape: Sequence[Any]) -> Metric:
    """Keras 3's ``"accuracy"``: binary if ``y_pred.shape[-1] == 1``; sparse categorical if
    ``y_true`` has lower rank or a trailing 1; else categorical (from shapes, not the loss)."""
    if y_pred_shape[-1] == 1:
        return BinaryAccuracy(name=name)
    if len(y_true_shape) < len(y_pred_shape) or y_true_shape[-1] == 1:
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


def get_compiled(identifier: Any, y_true: Any, y_pred: Any) -> Metric:
    """What ``compile(metrics=[identifier])`` becomes once the first batch is seen."""
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        return resolve_accuracy(identifier, tuple(y_true.shape), tuple(y_pred.shape))
    return get(identifier)
