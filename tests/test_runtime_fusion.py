"""A ReLU followed by 1D/2D max pooling runs after the pooling (on a quarter of the values):
predictions, losses and trained weights must be exactly those of the plain order, ties and
all-negative windows included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from seqlint.runtime import Input, Sequential, layers, set_random_seed


def _tied_images(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """Inputs with flat zero regions, so convolution outputs tie exactly (at the bias, which
    is negative for some filters and positive for others)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    x[:, : shape[1] // 2] = 0.0
    return x


CASES: dict[str, tuple[Callable[[], list[Any]], tuple[int, ...]]] = {
    "conv2d-pool2": (
        lambda: [
            Input(shape=(10, 10, 1)),
            layers.Conv2D(4, 3, activation="relu", bias_initializer="random_normal"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(3, activation="softmax"),
        ],
        (6, 10, 10, 1),
    ),
    "overlapping-same-pool": (
        lambda: [
            Input(shape=(9, 9, 2)),
            layers.Conv2D(3, 2, activation="relu", bias_initializer="random_normal"),
            layers.MaxPooling2D(pool_size=3, strides=2, padding="same"),
            layers.Flatten(),
            layers.Dense(3, activation="softmax"),
        ],
        (6, 9, 9, 2),
    ),
    "channels-first": (
        lambda: [
            Input(shape=(2, 8, 8)),
            layers.Conv2D(
                3,
                3,
                activation="relu",
                data_format="channels_first",
                bias_initializer="random_normal",
            ),
            layers.MaxPooling2D(data_format="channels_first"),
            layers.Flatten(),
            layers.Dense(3, activation="softmax"),
        ],
        (6, 2, 8, 8),
    ),
    "dense-and-conv1d-pool1d": (
        lambda: [
            Input(shape=(12, 3)),
            layers.Dense(5, activation="relu", bias_initializer="random_normal"),
            layers.MaxPooling1D(),
            layers.Conv1D(4, 2, activation="relu", bias_initializer="random_normal"),
            layers.MaxPooling1D(pool_size=3, strides=1),
            layers.Flatten(),
            layers.Dense(3, activation="softmax"),
        ],
        (6, 12, 3),
    ),
}


def _train(case: str, fused: bool, monkeypatch: pytest.MonkeyPatch) -> list[np.ndarray]:
    stack, shape = CASES[case]
    set_random_seed(3)
    model = Sequential(stack())
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = _tied_images(shape)
    y = np.arange(len(x)) % 3
    with monkeypatch.context() as m:
        if not fused:
            m.setattr(Sequential, "_relu_before_max_pool", lambda self: [])
        else:
            assert model._relu_before_max_pool(), "the fast path is not taken"
        history = model.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0)
        pred = model.predict(x, verbose=0)
    return [np.asarray(history.history["loss"]), pred, *model.get_weights()]


@pytest.mark.parametrize("case", sorted(CASES))
def test_relu_after_max_pool_changes_nothing(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _train(case, fused=False, monkeypatch=monkeypatch)
    fused = _train(case, fused=True, monkeypatch=monkeypatch)
    assert len(plain) == len(fused)
    for a, b in zip(plain, fused, strict=True):
        np.testing.assert_array_equal(a, b)


def test_layers_called_directly_after_a_fit_still_apply_their_relu() -> None:
    model = Sequential(CASES["conv2d-pool2"][0]())
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = _tied_images((4, 10, 10, 1))
    model.fit(x, np.arange(4) % 3, epochs=1, verbose=0)
    conv = model.layers[0]
    assert (conv(x) >= 0).all()
    assert (conv(x) == 0).any()


@pytest.mark.parametrize(
    "activation",
    [layers.LeakyReLU(negative_slope=0.1).activation, "relu6", "tanh"],
    ids=["leaky", "relu6", "tanh"],
)
def test_only_a_plain_relu_moves(activation: Any) -> None:
    model = Sequential(
        [
            Input(shape=(6, 6, 1)),
            layers.Conv2D(2, 3, activation=activation),
            layers.MaxPooling2D(),
        ]
    )
    assert model._relu_before_max_pool() == []


def test_max_pooling_3d_keeps_the_plain_order() -> None:
    """TF's 3D max-pool gradient goes to every value within 1e-5 of the maximum, which a ReLU
    applied first changes."""
    model = Sequential(
        [
            Input(shape=(4, 4, 4, 1)),
            layers.Conv3D(2, 3, activation="relu", padding="same"),
            layers.MaxPooling3D(),
        ]
    )
    assert model._relu_before_max_pool() == []
