"""Runtime losses against every golden case (value, per-sample values, gradient), then the loss
API: reductions, sample weights, identifiers, the fused-logits variants and finite differences."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from runtime_golden import close, entries, load

from seqlint.runtime import losses


def _rtol(entry: dict[str, Any]) -> float:
    return 1e-10 if entry["dtype"] == "float64" else 1e-5


@pytest.mark.parametrize("entry", entries("losses"))
def test_golden_loss(entry: dict[str, Any]) -> None:
    data = load(entry)
    identifier = {"class": entry["loss"], "config": entry["config"]}
    loss = losses.get(identifier)
    sample_weight = data.get("sample_weight")
    value, grad = loss.value_and_grad(data["y_true"], data["y_pred"], sample_weight)
    rtol = _rtol(entry)
    assert value.dtype == np.dtype(entry["dtype"])
    assert close(value, data["value"], rtol)
    assert close(grad, data["grad"], rtol)
    assert grad.shape == data["y_pred"].shape
    unreduced = losses.get(
        {"class": entry["loss"], "config": {**entry["config"], "reduction": None}}
    )
    assert close(unreduced(data["y_true"], data["y_pred"]), data["per_sample"], rtol)
    # the string identifier names the same loss
    by_name = losses.get(entry["identifier"])
    if not entry["config"]:
        assert close(by_name(data["y_true"], data["y_pred"], sample_weight), data["value"], rtol)


# ---- finite differences -----------------------------------------------------------------------


def _random_case(name: str, rng: np.random.Generator) -> tuple[Any, Any]:
    shape = (5, 4)
    if name in ("BinaryCrossentropy", "KLDivergence", "Poisson"):
        return rng.uniform(0, 1, shape), rng.uniform(0.05, 0.95, shape)
    if name == "CategoricalCrossentropy":
        y = np.eye(4)[rng.integers(0, 4, 5)]
        return y, rng.uniform(0.05, 1.0, shape)
    if name == "SparseCategoricalCrossentropy":
        return rng.integers(0, 4, 5), rng.uniform(0.05, 0.95, shape)
    if name in ("Hinge", "SquaredHinge", "CategoricalHinge"):
        return np.eye(4)[rng.integers(0, 4, 5)], rng.normal(size=shape)
    if name == "MeanSquaredLogarithmicError":
        return rng.uniform(0, 2, shape), rng.uniform(0.1, 2, shape)
    return rng.normal(size=shape), rng.normal(size=shape)


LOSS_CLASSES = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "Huber",
    "LogCosh",
    "KLDivergence",
    "Poisson",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "CosineSimilarity",
]


FD_CASES = [(name, False) for name in LOSS_CLASSES] + [
    (name, True) for name in LOSS_CLASSES if "Crossentropy" in name
]


@pytest.mark.parametrize(("name", "from_logits"), FD_CASES)
def test_gradient_matches_finite_differences(name: str, from_logits: bool) -> None:
    rng = np.random.default_rng(len(name) * 7919 + from_logits)
    config: dict[str, Any] = {"from_logits": True} if from_logits else {}
    loss = losses.get({"class": name, "config": config})
    y_true, y_pred = _random_case(name, rng)
    if from_logits:
        y_pred = rng.normal(size=y_pred.shape) * 2
    weights = rng.uniform(0.5, 2.0, len(y_pred))
    _, grad = loss.value_and_grad(y_true, y_pred, weights)
    numeric = np.zeros_like(y_pred)
    h = 1e-6
    for i in np.ndindex(y_pred.shape):
        plus, minus = y_pred.copy(), y_pred.copy()
        plus[i] += h
        minus[i] -= h
        numeric[i] = (loss(y_true, plus, weights) - loss(y_true, minus, weights)) / (2 * h)
    assert close(grad, numeric, 1e-6)


# ---- API --------------------------------------------------------------------------------------


def test_reductions_and_sample_weight() -> None:
    y_true = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    y_pred = np.array([[1.0, 1.0], [1.0, 3.0], [0.0, 0.0]])
    per_sample = np.array([0.5, 2.0, 2.0])
    w = np.array([1.0, 0.0, 2.0])
    assert losses.MeanSquaredError()(y_true, y_pred) == pytest.approx(per_sample.mean())
    assert losses.MeanSquaredError(reduction="sum")(y_true, y_pred) == pytest.approx(4.5)
    np.testing.assert_allclose(losses.MeanSquaredError(reduction=None)(y_true, y_pred), per_sample)
    # sum_over_batch_size divides by the number of samples, not by the sum of weights
    assert losses.MeanSquaredError()(y_true, y_pred, w) == pytest.approx((0.5 + 4.0) / 3)
    weighted_mean = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    assert weighted_mean(y_true, y_pred, w) == pytest.approx(4.5 / 3.0)
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


def test_value_and_grad_of_sum_reduction() -> None:
    y_true, y_pred = np.zeros((2, 3)), np.arange(6.0).reshape(2, 3)
    value, grad = losses.MeanSquaredError(reduction="sum").value_and_grad(y_true, y_pred)
    assert value == pytest.approx((y_pred**2).mean(axis=-1).sum())
    np.testing.assert_allclose(grad, 2 * y_pred / 3)


def test_identifiers() -> None:
    assert isinstance(losses.get("mse"), losses.MeanSquaredError)
    assert isinstance(losses.get("MeanAbsoluteError"), losses.MeanAbsoluteError)
    assert isinstance(losses.get("kld"), losses.KLDivergence)
    assert isinstance(losses.get("huber_loss"), losses.Huber)
    assert isinstance(losses.get(losses.Hinge), losses.Hinge)
    cce = losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert isinstance(cce, losses.CategoricalCrossentropy) and cce.from_logits
    assert cce.get_config()["from_logits"] is True
    with pytest.raises(ValueError, match="Could not interpret loss"):
        losses.get("nope")
    with pytest.raises(ValueError, match="gradient"):
        losses.get(lambda y_true, y_pred: y_pred)


def test_fused_logits_variants() -> None:
    for cls in (
        losses.BinaryCrossentropy,
        losses.CategoricalCrossentropy,
        losses.SparseCategoricalCrossentropy,
    ):
        fused = cls().with_logits()
        assert fused is not None and fused.from_logits  # type: ignore[attr-defined]
        assert cls(from_logits=True).with_logits() is None
    assert losses.MeanSquaredError().with_logits() is None
    smoothed = losses.BinaryCrossentropy(label_smoothing=0.1).with_logits()
    assert smoothed.label_smoothing == 0.1  # type: ignore[union-attr]
    # on unsaturated logits the fused loss equals the probability loss
    z = np.array([[0.3, -1.2, 2.0], [0.1, 0.0, -0.5]])
    y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    probs = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    cce = losses.CategoricalCrossentropy()
    assert cce.with_logits()(y, z) == pytest.approx(cce(y, probs), rel=1e-12)  # type: ignore[misc]


def test_sparse_labels_out_of_range() -> None:
    with pytest.raises(ValueError, match="outside the valid range"):
        losses.SparseCategoricalCrossentropy()(np.array([0, 3]), np.full((2, 3), 1 / 3))


def test_shape_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="same shape"):
        losses.CategoricalCrossentropy()(np.zeros((2, 3)), np.full((2, 4), 0.25))


def test_float32_stays_float32() -> None:
    y_true = np.array([[0.0, 1.0]], np.float32)
    y_pred = np.array([[0.2, 0.7]], np.float32)
    value, grad = losses.BinaryCrossentropy().value_and_grad(y_true, y_pred)
    assert value.dtype == np.float32 and grad.dtype == np.float32


def test_functional_api() -> None:
    y_true = np.array([[0.0, 1.0], [1.0, 1.0]])
    y_pred = np.array([[1.0, 1.0], [1.0, 3.0]])
    np.testing.assert_allclose(losses.mean_squared_error(y_true, y_pred), [0.5, 2.0])
    np.testing.assert_allclose(losses.mae(y_true, y_pred), [0.5, 1.0])
    np.testing.assert_allclose(losses.huber(y_true, y_pred, delta=0.5), [0.1875, 0.4375])
