"""A loss and metrics on an output that still carries a mask (``Embedding(mask_zero=True)`` or
``Masking`` followed by per-step layers): Keras 3 leaves the masked steps out. The loss weights
the valid steps by ``total / valid`` and the masked ones by 0, metrics built on
``MeanMetricWrapper`` (accuracy, mae, ...) weight them by the 0/1 mask.

Expected numbers were computed with Keras 3.15.1 (TensorFlow CPU) on the same inputs and weights
(drawn from ``default_rng(1)`` in ``get_weights`` order): ``evaluate`` on one batch of 3, then
the first values of the first two weights after one ``train_on_batch`` with ``SGD(0.1)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from seqlint.runtime import Input, Sequential, optimizers
from seqlint.runtime import layers as L

IDS = np.array([[3, 5, 2, 0, 0], [0, 0, 7, 1, 4], [9, 2, 0, 6, 1]])  # 5 of 15 steps padded
STEP_WEIGHTS = np.array([[1.0, 2.0, 0.5, 1, 1], [1, 1, 1, 3, 1], [0.5, 1, 1, 1, 2]])


def _floats() -> np.ndarray:
    x = np.random.default_rng(0).normal(size=(3, 5, 3))
    x[0, 3:] = 0.0
    x[1, :2] = 0.0
    x[2, 2] = 0.0
    return x


def _model(make: Callable[[], list[Any]]) -> Sequential:
    model = Sequential(make())
    r = np.random.default_rng(1)
    model.set_weights([r.normal(scale=0.5, size=w.shape) for w in model.get_weights()])
    return model


CASES: list[tuple[str, Callable[[], list[Any]], Any, Any, str, dict[str, float], list[float]]] = [
    (
        "embedding-lstm-dense-sigmoid",
        lambda: [
            Input((5,), dtype="int32"),
            L.Embedding(10, 4, mask_zero=True),
            L.LSTM(3, return_sequences=True),
            L.Dense(1, activation="sigmoid"),
        ],
        IDS,
        np.array([[1, 0, 1, 0, 1], [0, 1, 1, 0, 0], [1, 1, 0, 0, 1]])[..., None].astype("float32"),
        "binary_crossentropy",
        {"accuracy": 0.4, "loss": 0.79123},
        [-0.613646, -0.341607, -0.036006],
    ),
    (
        "embedding-gru-timedistributed-softmax",
        lambda: [
            Input((5,), dtype="int32"),
            L.Embedding(10, 4, mask_zero=True),
            L.GRU(3, return_sequences=True),
            L.TimeDistributed(L.Dense(4, activation="softmax")),
        ],
        IDS,
        np.array([[1, 0, 3, 2, 1], [0, 1, 2, 3, 0], [3, 1, 0, 2, 1]]),
        "sparse_categorical_crossentropy",
        {"accuracy": 0.2, "loss": 1.89378},
        [-0.614047, -0.341571, -0.036309],
    ),
    (
        "masking-dense-mse",
        lambda: [Input((5, 3)), L.Masking(), L.Dense(2)],
        _floats(),
        np.random.default_rng(2).normal(size=(3, 5, 2)),
        "mse",
        {"loss": 2.421203, "mae": 1.224482},
        [-0.216177, 0.167637],
    ),
]


@pytest.mark.parametrize(
    ("make", "x", "y", "loss", "expected", "second_weight"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_masked_loss_and_metrics_match_keras(
    make: Callable[[], list[Any]],
    x: Any,
    y: Any,
    loss: str,
    expected: dict[str, float],
    second_weight: list[float],
) -> None:
    model = _model(make)
    metric = "mae" if loss == "mse" else "accuracy"
    model.compile(optimizer=optimizers.SGD(0.1), loss=loss, metrics=[metric])
    sw = STEP_WEIGHTS if loss == "sparse_categorical_crossentropy" else None
    logs = model.evaluate(x, y, sample_weight=sw, batch_size=3, verbose=0, return_dict=True)
    assert logs == pytest.approx(expected, abs=2e-6)
    model.train_on_batch(x, y, sample_weight=sw)  # the gradient leaves masked steps out too
    assert model.get_weights()[1].ravel()[:3] == pytest.approx(second_weight, abs=2e-6)


def test_weighted_metrics_multiply_the_mask_by_the_step_weights() -> None:
    model = _model(CASES[1][1])
    model.compile(
        loss="sparse_categorical_crossentropy", metrics=["accuracy"], weighted_metrics=["accuracy"]
    )
    logs = model.evaluate(
        IDS, CASES[1][3], sample_weight=STEP_WEIGHTS, batch_size=3, verbose=0, return_dict=True
    )
    assert logs == pytest.approx(
        {"accuracy": 0.2, "loss": 1.89378, "weighted_accuracy": 0.230769}, abs=2e-6
    )


def test_a_padded_step_changes_nothing() -> None:
    """What the model predicts, or the label says, at a masked step does not count."""
    model = _model(CASES[0][1])
    model.compile(loss="binary_crossentropy", metrics=["accuracy"])
    y = np.array(CASES[0][3])
    flipped = y.copy()
    flipped[IDS == 0] = 1 - flipped[IDS == 0]
    a = model.evaluate(IDS, y, batch_size=3, verbose=0, return_dict=True)
    b = model.evaluate(IDS, flipped, batch_size=3, verbose=0, return_dict=True)
    assert a == b


def test_per_sample_weights_on_a_masked_sequence_output_fail_as_in_keras() -> None:
    # Keras 3.15.1: "Dimensions must be equal, but are 3 and 5" (weights (3,) vs mask (3, 5))
    model = _model(
        lambda: [
            Input((5,), dtype="int32"),
            L.Embedding(10, 4, mask_zero=True),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(loss="binary_crossentropy")
    with pytest.raises(ValueError):
        model.evaluate(
            IDS,
            (IDS > 4).astype("float32"),
            sample_weight=np.array([1.0, 2.0, 0.5]),
            batch_size=3,
            verbose=0,
        )
