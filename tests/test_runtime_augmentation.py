"""Random augmentation layers: the identity at inference, Keras's transforms in training.

Random streams differ from Keras's, so the Keras comparisons use degenerate ranges (``(a, a)``)
that make the transform fixed; the expected images were computed with Keras 3.15.1
(TensorFlow CPU) on ``arange(12) * 10`` as a ``(1, 3, 4, 1)`` image.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from seqlint.runtime import Input, Sequential
from seqlint.runtime import layers as L

IMAGE = (np.arange(12, dtype="float32") * 10).reshape(1, 3, 4, 1)

KERAS: list[tuple[str, Callable[[], Any], list[list[float]]]] = [
    (
        "rotate90-reflect",
        lambda: L.RandomRotation((0.25, 0.25)),
        [[25.0, 45.0, 85.0, 105.0], [15.0, 35.0, 75.0, 95.0], [5.0, 25.0, 65.0, 85.0]],
    ),
    (
        "rotate30-constant-fill7",
        lambda: L.RandomRotation((1 / 12, 1 / 12), fill_mode="constant", fill_value=7.0),
        [
            [7.004, 14.664, 39.689, 47.907],
            [12.01, 40.67, 69.33, 97.99],
            [33.385, 70.311, 84.198, 43.858],
        ],
    ),
    (
        "rotate-45-wrap-nearest",
        lambda: L.RandomRotation((-0.125, -0.125), fill_mode="wrap", interpolation="nearest"),
        [[70.0, 40.0, 90.0, 100.0], [0.0, 50.0, 60.0, 110.0], [10.0, 20.0, 70.0, 40.0]],
    ),
    (
        "zoom-in-constant",
        lambda: L.RandomZoom((-0.3, -0.3), (0.2, 0.2), fill_mode="constant"),
        [[8.4, 21.0, 33.0, 29.4], [28.0, 49.0, 61.0, 49.0], [47.6, 77.0, 89.0, 68.6]],
    ),
    (
        "zoom-out-nearest-fill",
        lambda: L.RandomZoom((0.5, 0.5), fill_mode="nearest"),
        [[0.0, 7.5, 22.5, 30.0], [40.0, 47.5, 62.5, 70.0], [80.0, 87.5, 102.5, 110.0]],
    ),
    (
        "translate-reflect-far",
        lambda: L.RandomTranslation((-0.9, -0.9), (0.7, 0.7)),
        [[98.0, 88.0, 80.0, 82.0], [70.0, 60.0, 52.0, 54.0], [30.0, 20.0, 12.0, 14.0]],
    ),
]


@pytest.mark.parametrize(
    ("make", "expected"), [(m, e) for _, m, e in KERAS], ids=[i for i, _, _ in KERAS]
)
def test_fixed_affine_transforms_match_keras(
    make: Callable[[], Any], expected: list[list[float]]
) -> None:
    layer = make()
    np.testing.assert_allclose(layer(IMAGE, training=True)[0, ..., 0], expected, atol=2e-3)
    np.testing.assert_array_equal(layer(IMAGE, training=False), IMAGE)


RANDOM: list[tuple[str, Callable[[], Any]]] = [
    ("RandomRotation", lambda: L.RandomRotation(0.2, seed=1)),
    ("RandomZoom", lambda: L.RandomZoom(0.3, seed=1)),
    ("RandomTranslation", lambda: L.RandomTranslation(0.2, 0.2, seed=1)),
    ("RandomContrast", lambda: L.RandomContrast(0.4, seed=1)),
    ("RandomBrightness", lambda: L.RandomBrightness(0.3, seed=1)),
    ("RandomCrop", lambda: L.RandomCrop(3, 3, seed=1)),
]


@pytest.mark.parametrize("make", [m for _, m in RANDOM], ids=[i for i, _ in RANDOM])
def test_identity_at_inference_random_in_training(make: Callable[[], Any]) -> None:
    x = np.random.default_rng(0).uniform(0, 255, size=(8, 5, 6, 3)).astype("float32")
    layer = make()
    np.testing.assert_array_equal(layer(x, training=False), x)
    a, b = layer(x, training=True), layer(x, training=True)
    assert not np.allclose(a, b)  # a new draw per call
    if layer.class_name != "RandomCrop":
        assert a.shape == x.shape
        per_image_change = np.abs(a - x).reshape(8, -1).max(axis=1)
        assert (per_image_change > 0).all()


def test_contrast_and_brightness_follow_keras_formulas() -> None:
    x = np.random.default_rng(0).uniform(0, 255, size=(4, 5, 6, 2))
    y = L.RandomContrast(0.5, value_range=(-500, 500), seed=2, dtype="float64")(x, training=True)
    mean = x.mean(axis=(1, 2), keepdims=True)
    # one factor per image, in Keras's [1 - 0, 1 + 0.5] for a scalar factor
    f = ((y - mean) * (x - mean)).sum(axis=(1, 2, 3)) / ((x - mean) ** 2).sum(axis=(1, 2, 3))
    assert ((f >= 1.0) & (f <= 1.5)).all()
    unclipped = (x - mean) * f[:, None, None, None] + mean
    np.testing.assert_allclose(y, unclipped, rtol=1e-6)
    clipped = L.RandomContrast(0.5, seed=2, dtype="float64")(x, training=True)
    np.testing.assert_allclose(clipped, np.clip(y, 0, 255), rtol=1e-6)  # to value_range
    z = L.RandomBrightness((0.1, 0.2), value_range=(0, 1), seed=2, dtype="float64")
    x01 = x / 255
    shift = z(x01, training=True) - x01
    inside = shift[np.abs(x01 + 0.2 - 1) > 0.2]
    assert inside.min() >= 0.1 - 1e-9 and inside.max() <= 0.2 + 1e-9


AFFINE_GRAD: list[tuple[str, Callable[[], Any]]] = [
    ("rotation-reflect-bilinear", lambda: L.RandomRotation(0.3, seed=4, dtype="float64")),
    (
        "zoom-constant-fill",
        lambda: L.RandomZoom(0.4, fill_mode="constant", fill_value=3.0, seed=4, dtype="float64"),
    ),
    (
        "translation-wrap",
        lambda: L.RandomTranslation(0.3, 0.3, fill_mode="wrap", seed=4, dtype="float64"),
    ),
    ("contrast", lambda: L.RandomContrast(0.5, value_range=(-10, 10), seed=4, dtype="float64")),
    ("brightness", lambda: L.RandomBrightness(0.5, value_range=(-1, 1), seed=4, dtype="float64")),
    ("crop", lambda: L.RandomCrop(2, 3, seed=4, dtype="float64")),
]


@pytest.mark.parametrize("make", [m for _, m in AFFINE_GRAD], ids=[i for i, _ in AFFINE_GRAD])
def test_training_backward_matches_finite_differences(make: Callable[[], Any]) -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 4, 5, 2))
    layer = make()

    def run(inp: np.ndarray) -> np.ndarray:
        layer._noise = None  # the same draw at every evaluation
        return layer(inp, training=True)

    y = run(x)
    g = rng.normal(size=y.shape)
    dx = layer.backward(g)
    num = np.zeros_like(x)
    h = 1e-6
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        num[idx] = ((run(xp) * g).sum() - (run(xm) * g).sum()) / (2 * h)
    np.testing.assert_allclose(dx, num, rtol=1e-5, atol=1e-7)


def test_augmented_cnn_trains() -> None:
    """An augmentation block in front of a small CNN: training runs the random transforms,
    evaluation does not (the same model evaluated twice gives the same loss)."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(64, 8, 8, 1)).astype("float32")
    y = (x[:, :, :, 0].mean(axis=(1, 2)) > 0.5).astype("float32")
    model = Sequential(
        [
            Input((8, 8, 1)),
            L.RandomRotation(0.05, seed=1),
            L.RandomZoom(0.1, seed=1),
            L.RandomTranslation(0.1, 0.1, seed=1),
            L.RandomContrast(0.1, value_range=(0, 1), seed=1),
            L.RandomBrightness(0.05, value_range=(0, 1), seed=1),
            L.Conv2D(4, 3, activation="relu"),
            L.GlobalAveragePooling2D(),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    first = model.evaluate(x, y, verbose=0)
    assert model.evaluate(x, y, verbose=0) == first
    model.fit(x, y, epochs=5, batch_size=16, verbose=0)
    assert np.isfinite(model.evaluate(x, y, verbose=0))


def test_unsupported_settings_refuse() -> None:
    with pytest.raises(NotImplementedError, match="interpolation"):
        L.RandomRotation(0.1, interpolation="bicubic")
    with pytest.raises(NotImplementedError, match="RandomCrop"):
        L.RandomCrop(5, 5)(np.zeros((1, 4, 6, 1)), training=True)
