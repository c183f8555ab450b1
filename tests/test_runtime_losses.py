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


# ---- reductions with masks and sample-weight shapes (Keras's reduce_weighted_values) ----------


def test_ignore_class_averages_over_the_valid_entries() -> None:
    """Keras masks the ignored entries: ``sum_over_batch_size`` divides by the valid count."""
    y_true = np.array([0, 1, 2, 1])
    y_pred = np.array(
        [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, 0.25, 0.25]], np.float64
    )
    per = -np.log(y_pred[np.arange(4), y_true])
    per[1] = per[3] = 0.0  # label 1 is ignored
    loss = losses.SparseCategoricalCrossentropy(ignore_class=1)
    value, grad = loss.value_and_grad(y_true, y_pred)
    assert np.isclose(value, per.sum() / 2, rtol=1e-14)
    # -log(p_t / sum(p)) (TF's softmax of log p); each valid row has weight 1/2
    expected = np.zeros_like(y_pred)
    for i in (0, 2):
        expected[i] = 1 / (2 * y_pred[i].sum())
        expected[i, y_true[i]] -= 1 / (2 * y_pred[i, y_true[i]])
    np.testing.assert_allclose(grad, expected, rtol=1e-12, atol=1e-15)
    # "sum" and "mean_with_sample_weight" use the mask as 0/1 weights
    w = np.array([1.0, 2.0, 3.0, 4.0])
    summed = losses.SparseCategoricalCrossentropy(ignore_class=1, reduction="sum")
    assert np.isclose(summed(y_true, y_pred, w), (w * per).sum(), rtol=1e-14)
    mean_w = losses.SparseCategoricalCrossentropy(
        ignore_class=1, reduction="mean_with_sample_weight"
    )
    assert np.isclose(mean_w(y_true, y_pred, w), (w * per).sum() / (1 + 3), rtol=1e-14)
    # all entries ignored: 0, not nan
    assert losses.SparseCategoricalCrossentropy(ignore_class=1)(np.ones(4), y_pred) == 0.0


def test_sample_weight_with_a_trailing_axis() -> None:
    """Weights (n, 1) against per-sample values (n,): Keras expands the values to (n, 1)."""
    rng = np.random.default_rng(3)
    y_true, y_pred = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    w = rng.uniform(0.5, 2, 5)
    per = ((y_pred - y_true) ** 2).mean(axis=-1)
    loss = losses.MeanSquaredError()
    for weights in (w, w[:, None]):
        value, grad = loss.value_and_grad(y_true, y_pred, weights)
        assert np.isclose(value, (w * per).sum() / 5, rtol=1e-14)
        np.testing.assert_allclose(grad, 2 * (y_pred - y_true) * w[:, None] / 15, rtol=1e-13)
    unreduced = losses.MeanSquaredError(reduction=None)(y_true, y_pred, w[:, None])
    assert unreduced.shape == (5, 1)
    np.testing.assert_allclose(unreduced[:, 0], w * per, rtol=1e-14)


def test_mean_with_sample_weight_divides_by_the_unbroadcast_weights() -> None:
    """Values (n, t) and weights (n, 1) broadcast in the product, but the divisor is the sum of
    the weights as given (Keras sums ``sample_weight`` itself)."""
    rng = np.random.default_rng(4)
    y_true, y_pred = rng.normal(size=(4, 3, 2)), rng.normal(size=(4, 3, 2))
    w = rng.uniform(0.5, 2, (4, 1))
    per = ((y_pred - y_true) ** 2).mean(axis=-1)  # (4, 3)
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    value, grad = loss.value_and_grad(y_true, y_pred, w)
    assert np.isclose(value, (w * per).sum() / w.sum(), rtol=1e-14)
    expected = 2 * (y_pred - y_true) / 2 * w[:, :, None] / w.sum()
    np.testing.assert_allclose(grad, expected, rtol=1e-13)


def test_gradient_keeps_the_shape_of_a_squeezed_prediction() -> None:
    """y_true (n, t) against y_pred (n, t, 1): Keras squeezes y_pred; the gradient must still
    have y_pred's shape (and match finite differences)."""
    rng = np.random.default_rng(5)
    y_true = rng.integers(0, 2, (3, 4)).astype(np.float64)
    y_pred = rng.uniform(0.1, 0.9, (3, 4, 1))
    for loss in (losses.BinaryCrossentropy(), losses.MeanSquaredError(), losses.Huber()):
        value, grad = loss.value_and_grad(y_true, y_pred)
        assert grad.shape == y_pred.shape
        h = 1e-6
        fd = np.zeros_like(y_pred)
        for idx in np.ndindex(y_pred.shape):
            up, down = y_pred.copy(), y_pred.copy()
            up[idx] += h
            down[idx] -= h
            fd[idx] = (loss(y_true, up) - loss(y_true, down)) / (2 * h)
        np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-9)


def test_categorical_crossentropy_from_logits_on_another_axis() -> None:
    """``axis=1`` is the same loss as moving that axis last (value and gradient)."""
    rng = np.random.default_rng(6)
    labels = rng.integers(0, 4, (3, 2))
    y_true = np.moveaxis(np.eye(4)[labels], -1, 1)  # (3, 4, 2), one-hot along axis 1
    z = rng.normal(size=(3, 4, 2))
    for axis in (1, -2):
        value, grad = losses.CategoricalCrossentropy(from_logits=True, axis=axis).value_and_grad(
            y_true, z
        )
        last, grad_last = losses.CategoricalCrossentropy(from_logits=True).value_and_grad(
            np.moveaxis(y_true, 1, -1), np.moveaxis(z, 1, -1)
        )
        assert np.isclose(value, last, rtol=1e-14)
        np.testing.assert_allclose(grad, np.moveaxis(grad_last, -1, 1), rtol=1e-13)
