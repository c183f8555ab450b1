"""Runtime metrics against every golden case (``compile(metrics=["accuracy"])`` resolution and
value, metric objects after one and two updates), then the metric API."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from runtime_golden import entries, load

from seqlint.runtime import losses, metrics


def _metric_dtype(entry: dict[str, Any]) -> str:
    # tf.math.in_top_k has no float64 kernel: Keras computed top-k metrics in float32
    return "float32" if "float32" in entry.get("notes", "") else entry["dtype"]


@pytest.mark.parametrize("entry", entries("metrics"))
def test_golden_metric(entry: dict[str, Any]) -> None:
    data = load(entry)
    y_true, y_pred = data["y_true"], data["y_pred"]
    if entry["kind"] == "compile_accuracy":
        metric = metrics.get_compiled("accuracy", y_true, y_pred)
        resolved = entry["resolved"][0]
        assert type(metric).__name__ == resolved["class"]
        assert metric.name == "accuracy"
        metric.dtype = entry["dtype"]
        metric.update_state(y_true, y_pred)
        assert abs(float(metric.result()) - float(data["accuracy"])) <= 1e-12
        loss = losses.get(entry["loss"])(y_true, y_pred)
        assert abs(float(loss) - float(data["loss"])) <= 1e-10 * abs(float(data["loss"]))
        return
    dtype = _metric_dtype(entry)
    metric = metrics.get({"class": entry["metric"], "config": {**entry["config"], "dtype": dtype}})
    y_pred = y_pred.astype(dtype)
    tol = 1e-12 if dtype == "float64" else 1e-6
    metric.update_state(y_true, y_pred)
    assert abs(float(metric.result()) - float(data["value"])) <= tol
    metric.reset_state()
    half = len(y_true) // 2
    metric.update_state(y_true[:half], y_pred[:half])
    assert abs(float(metric.result()) - float(data["value_first_half"])) <= tol
    metric.update_state(y_true[half:], y_pred[half:])
    assert abs(float(metric.result()) - float(data["value_two_updates"])) <= tol
    for key, value in entry.get("keras_config", {}).items():
        if key in metric.get_config():
            assert metric.get_config()[key] == value


# ---- API --------------------------------------------------------------------------------------


def test_accuracy_resolution_from_shapes() -> None:
    resolve = metrics.resolve_accuracy
    assert isinstance(resolve("acc", (8, 1), (8, 1)), metrics.BinaryAccuracy)
    assert isinstance(resolve("acc", (8,), (8, 1)), metrics.BinaryAccuracy)
    assert isinstance(resolve("acc", (8,), (8, 3)), metrics.SparseCategoricalAccuracy)
    assert isinstance(resolve("acc", (8, 1), (8, 3)), metrics.SparseCategoricalAccuracy)
    assert isinstance(resolve("acc", (8, 3), (8, 3)), metrics.CategoricalAccuracy)
    with pytest.raises(ValueError, match="shapes"):
        metrics.get("accuracy")


def test_mean_with_weights_and_reset() -> None:
    mean = metrics.Mean(dtype="float64")
    mean.update_state(np.array([1.0, 2.0, 3.0]), sample_weight=np.array([1.0, 0.0, 1.0]))
    assert float(mean.result()) == pytest.approx(2.0)
    mean.update_state(5.0, sample_weight=2.0)
    assert float(mean.result()) == pytest.approx((4.0 + 10.0) / 4.0)
    mean.reset_state()
    assert float(mean.result()) == 0.0


def test_mean_metric_wrapper_reduces_per_sample() -> None:
    mae = metrics.get("mae")
    assert mae.name == "mae" and mae.direction == "down"
    mae.dtype = "float64"
    mae.update_state(np.zeros((2, 2)), np.array([[1.0, 3.0], [0.0, 0.0]]))
    assert float(mae.result()) == pytest.approx(1.0)
    acc = metrics.BinaryAccuracy(dtype="float64")
    assert acc.direction == "up"
    acc.update_state(np.array([[1.0, 0.0]]), np.array([[0.9, 0.7]]), sample_weight=np.array([2.0]))
    assert float(acc.result()) == pytest.approx(0.5)


def test_top_k_ties_count_inside() -> None:
    values = metrics.sparse_top_k_categorical_accuracy(
        np.array([2, 0]), np.array([[0.5, 0.5, 0.5, 0.1], [0.1, 0.9, 0.8, 0.7]]), k=1
    )
    np.testing.assert_array_equal(values, [1.0, 0.0])


def test_auc_matches_rank_statistic_when_buckets_are_fine() -> None:
    rng = np.random.default_rng(3)
    y_pred = np.round(rng.uniform(size=200), 2) + 0.001
    y_true = (rng.uniform(size=200) < y_pred).astype(float)
    auc = metrics.AUC(num_thresholds=2001, dtype="float64")
    auc.update_state(y_true, y_pred)
    pos, neg = y_pred[y_true == 1], y_pred[y_true == 0]
    wins = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
    assert float(auc.result()) == pytest.approx(wins, abs=1e-9)


def test_precision_recall_thresholds_and_class_id() -> None:
    y_true = np.array([[1, 0], [0, 1], [1, 1]], float)
    y_pred = np.array([[0.9, 0.2], [0.6, 0.4], [0.3, 0.8]])
    precision = metrics.Precision(thresholds=[0.25, 0.5], dtype="float64")
    precision.update_state(y_true, y_pred)
    np.testing.assert_allclose(precision.result(), [4 / 5, 2 / 3])
    recall = metrics.Recall(class_id=1, dtype="float64")
    recall.update_state(y_true, y_pred)
    assert float(recall.result()) == pytest.approx(0.5)
    top1 = metrics.Precision(top_k=1, dtype="float64")
    top1.update_state(y_true, y_pred)
    assert float(top1.result()) == pytest.approx(2 / 3)


def test_metric_identifiers() -> None:
    assert isinstance(metrics.get("AUC"), metrics.AUC)
    assert isinstance(metrics.get("auc"), metrics.AUC)
    assert metrics.get("binary_crossentropy").name == "binary_crossentropy"
    custom = metrics.get(lambda y_true, y_pred: np.abs(y_true - y_pred))
    assert isinstance(custom, metrics.MeanMetricWrapper)
    with pytest.raises(ValueError, match="Could not interpret metric"):
        metrics.get(3)


@pytest.mark.parametrize(
    ("kwargs", "keras_value"),
    [
        ({}, 0.3909388780593872),
        ({"curve": "PR"}, 0.3263057470321655),
        ({"num_thresholds": 7, "summation_method": "minoring"}, 0.32950207591056824),
        ({"num_labels": 3}, 0.3909388780593872),
        ({"thresholds": [0.3, 0.5, 0.8]}, 0.3905958831310272),
    ],
)
def test_auc_multi_label_matches_keras(kwargs: dict[str, Any], keras_value: float) -> None:
    """AUC(multi_label=True): one area per label, averaged; values from keras 3.15.1 on the
    same data (two updates, the first weighted)."""
    rng = np.random.default_rng(11)
    yt = (rng.random((40, 3)) > 0.6).astype("float32")
    yp = rng.random((40, 3)).astype("float32")
    sw = rng.random(40).astype("float32")
    m = metrics.AUC(multi_label=True, **kwargs)
    m.update_state(yt[:20], yp[:20], sample_weight=sw[:20])
    m.update_state(yt[20:], yp[20:])
    assert float(m.result()) == pytest.approx(keras_value, rel=1e-6)


def test_accuracy_counts_exact_equality_as_keras_does() -> None:
    """``keras.metrics.Accuracy`` compares values, not thresholded probabilities: Keras 3.15.1
    gives 0.0 for sigmoid outputs 0.9/0.1 against labels 1/0, and 2/3 below."""
    acc = metrics.Accuracy()
    acc.update_state(np.array([[1], [0]]), np.array([[0.9], [0.1]]))
    assert float(acc.result()) == 0.0
    acc = metrics.Accuracy()
    acc.update_state(np.array([1, 0, 1]), np.array([[1.0], [0.0], [0.0]]))
    assert float(acc.result()) == pytest.approx(2 / 3)
