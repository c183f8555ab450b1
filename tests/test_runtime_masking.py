"""Masks (``Embedding(mask_zero=True)``, ``Masking``) through the runtime, as Keras 3 applies them:
a masked step keeps the RNN's previous state and output, GlobalAveragePooling1D averages the
unmasked steps, layers that support masking pass the mask on and the others drop it.

Expected outputs were computed with Keras 3.15.1 (TensorFlow CPU) on the same inputs and the
same weights (drawn from ``default_rng(1)`` in ``get_weights`` order).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from seqlint.runtime import Input, Sequential
from seqlint.runtime import layers as L


def _padded_inputs() -> np.ndarray:
    x = np.random.default_rng(0).normal(size=(3, 5, 3))
    x[0, 3:] = 0.0  # post-padding
    x[1, :2] = 0.0  # pre-padding
    x[2, 2] = 0.0  # a hole in the middle
    return x


def _with_keras_weights(model: Sequential) -> Sequential:
    r = np.random.default_rng(1)
    model.set_weights([r.normal(scale=0.5, size=w.shape) for w in model.get_weights()])
    return model


KERAS_OUTPUTS: list[tuple[str, Callable[[], list[Any]], list[float]]] = [
    (
        "masking-bilstm-gru_backwards-gap",
        lambda: [
            L.Masking(),
            L.Bidirectional(L.LSTM(2, return_sequences=True)),
            L.GRU(2, return_sequences=True, go_backwards=True),
            L.GlobalAveragePooling1D(),
            L.Dense(1),
        ],
        [-0.10653, -0.089536, -0.073852],
    ),
    (
        "masking-dense-simplernn",
        lambda: [L.Masking(), L.Dense(3, activation="tanh"), L.SimpleRNN(2), L.Dense(1)],
        [-1.074275, -1.001811, -1.187014],
    ),
    (
        "masking-gru_reset_before",
        lambda: [L.Masking(), L.GRU(3, reset_after=False), L.Dense(1)],
        [0.311519, 0.226119, 0.45136],
    ),
    (
        "masking-bigru_last_sum",
        lambda: [L.Masking(), L.Bidirectional(L.GRU(2), merge_mode="sum"), L.Dense(1)],
        [-0.69536, -0.95871, -0.68133],
    ),
    (
        "masking-rnn_backwards-timedistributed-layernorm-dropout-lstm",
        lambda: [
            L.Masking(),
            L.SimpleRNN(2, go_backwards=True, return_sequences=True),
            L.TimeDistributed(L.Dense(2)),
            L.LayerNormalization(),
            L.Dropout(0.3),
            L.LSTM(2),
        ],
        [-0.2919, -0.00261, -0.31455, -0.07356, -0.33028, -0.02268],
    ),
    (
        "masking-batchnorm-lstm_seq-gap",
        lambda: [
            L.Masking(),
            L.BatchNormalization(),
            L.LSTM(3, return_sequences=True),
            L.GlobalAveragePooling1D(),
        ],
        [-0.15068, 0.29198, -0.01464, -0.07835, 0.33844, 0.00789, -0.05552, 0.25308, -0.00159],
    ),
]


@pytest.mark.parametrize(
    ("make", "expected"),
    [(m, e) for _, m, e in KERAS_OUTPUTS],
    ids=[i for i, _, _ in KERAS_OUTPUTS],
)
def test_masked_models_match_keras(make: Callable[[], list[Any]], expected: list[float]) -> None:
    model = _with_keras_weights(Sequential([Input((5, 3)), *make()]))
    y = model(_padded_inputs())
    np.testing.assert_allclose(np.ravel(y), expected, rtol=1e-4, atol=1e-5)


def test_embedding_mask_zero_skips_padding_in_lstm_like_keras() -> None:
    ids = np.array([[0, 0, 3, 7, 2, 9], [4, 5, 0, 0, 0, 0]])
    model = Sequential(
        [Input((6,), dtype="int32"), L.Embedding(10, 3, mask_zero=True), L.LSTM(2), L.Dense(1)]
    )
    y = _with_keras_weights(model)(ids)
    np.testing.assert_allclose(np.ravel(y), [0.371612, 0.36164], rtol=1e-4)
    # the padding changes nothing: the same sequences padded further give the same outputs
    longer = np.concatenate([ids, np.zeros((2, 3), dtype=int)], axis=1)
    model2 = Sequential(
        [Input((9,), dtype="int32"), L.Embedding(10, 3, mask_zero=True), L.LSTM(2), L.Dense(1)]
    )
    model2.set_weights(model.get_weights())
    np.testing.assert_allclose(model2(longer), y, rtol=1e-6)


def test_a_layer_without_masking_support_drops_the_mask() -> None:
    """Keras's Flatten/Conv1D do not support masking: the padding counts after them."""
    emb = L.Embedding(4, 2, mask_zero=True, embeddings_initializer="ones")
    model = Sequential(
        [Input((3,), dtype="int32"), emb, L.Conv1D(2, 1), L.GlobalAveragePooling1D()]
    )
    model.set_weights([np.ones((4, 2)), np.ones((1, 2, 2)), np.zeros(2)])
    # ids 0 look up ones too: unmasked mean over the 3 steps of 2.0
    np.testing.assert_allclose(model(np.array([[1, 0, 0]])), [[2.0, 2.0]])
    masked = Sequential([Input((3,), dtype="int32"), L.Embedding(4, 2, mask_zero=True)])
    masked.add(L.GlobalAveragePooling1D())
    masked.set_weights([np.arange(8.0).reshape(4, 2)])
    np.testing.assert_allclose(masked(np.array([[1, 0, 3]])), [[4.0, 5.0]])  # rows 1 and 3


MASKED_LAYERS: list[tuple[str, Callable[[], Any]]] = [
    ("SimpleRNN-seq", lambda: L.SimpleRNN(3, return_sequences=True, dtype="float64")),
    ("LSTM-last", lambda: L.LSTM(3, dtype="float64")),
    (
        "LSTM-seq-backwards",
        lambda: L.LSTM(2, return_sequences=True, go_backwards=True, dtype="float64"),
    ),
    ("GRU-seq", lambda: L.GRU(3, return_sequences=True, dtype="float64")),
    ("GRU-before-last", lambda: L.GRU(2, reset_after=False, dtype="float64")),
    (
        "Bidirectional-LSTM",
        lambda: L.Bidirectional(L.LSTM(2, return_sequences=True, dtype="float64")),
    ),
    ("GlobalAveragePooling1D", lambda: L.GlobalAveragePooling1D(dtype="float64")),
    ("Masking", lambda: L.Masking(dtype="float64")),
]


@pytest.mark.parametrize("make", [m for _, m in MASKED_LAYERS], ids=[i for i, _ in MASKED_LAYERS])
def test_masked_backward_matches_finite_differences(make: Callable[[], Any]) -> None:
    rng = np.random.default_rng(3)
    x = _padded_inputs()
    mask = np.abs(x).sum(axis=-1) > 0
    layer = make()

    def run(inp: np.ndarray) -> np.ndarray:
        layer.mask = None if layer.class_name == "Masking" else mask
        return layer(inp)

    y = run(x)
    g = rng.normal(size=y.shape)
    dx = layer.backward(g)
    h = 1e-6
    num = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        if layer.class_name == "Masking" and not mask[idx[:2]]:
            continue  # a padded step's zeros sit on the kink of the mask
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        num[idx] = ((run(xp) * g).sum() - (run(xm) * g).sum()) / (2 * h)
    np.testing.assert_allclose(dx, num, rtol=1e-5, atol=1e-8)
    run(x)
    layer.backward(g)
    for var in layer.trainable_weights:
        analytic = var.grad.copy()
        numeric = np.zeros_like(var.value)
        for idx in np.ndindex(var.shape):
            old = var.value[idx]
            var.value[idx] = old + h
            up = (run(x) * g).sum()
            var.value[idx] = old - h
            down = (run(x) * g).sum()
            var.value[idx] = old
            numeric[idx] = (up - down) / (2 * h)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8, err_msg=var.name)


def test_masked_sequence_classifier_trains() -> None:
    """IMDB-style: padded ids, Embedding(mask_zero=True) -> LSTM -> Dense(sigmoid) learns a
    rule that depends on the unpadded tokens only."""
    rng = np.random.default_rng(0)
    n, t = 256, 8
    ids = rng.integers(1, 6, size=(n, t))
    lengths = rng.integers(2, t + 1, size=n)
    for i, length in enumerate(lengths):
        ids[i, length:] = 0
    y = (ids == 5).any(axis=1).astype("float32")
    model = Sequential(
        [
            Input((t,), dtype="int32"),
            L.Embedding(6, 8, mask_zero=True),
            L.LSTM(8),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    before = model.evaluate(ids, y, verbose=0)
    model.fit(ids, y, epochs=30, batch_size=32, verbose=0)
    after = model.evaluate(ids, y, verbose=0)
    assert after[0] < 0.5 * before[0]
    assert after[1] > 0.9


def test_mask_users_that_keras_handles_differently_refuse() -> None:
    x = np.zeros((2, 3, 2))
    mask = np.array([[True, True, False], [True, False, False]])
    softmax = L.Softmax()
    softmax.mask = mask
    with pytest.raises(NotImplementedError, match="mask"):
        softmax(x)
    bn = L.BatchNormalization()
    bn.mask = mask
    bn(x, training=False)  # moving statistics: the mask does not matter
    with pytest.raises(NotImplementedError, match="masked"):
        bn(x, training=True)
