"""Normalization, UnitNormalization, CenterCrop, RandomFlip and ActivityRegularization in the
runtime, against numbers recorded from keras 3.15.1 (float32, outside the repository) on the
same inputs."""

from __future__ import annotations

import numpy as np
import pytest

from seqlint.runtime import Input, Sequential, layers

TOL = {"rtol": 1e-5, "atol": 1e-6}


def _x() -> np.ndarray:
    rng = np.random.default_rng(0)
    return (rng.normal(size=(3, 4)) * 2 + 1).astype("float32")


def _run(layer: object, x: np.ndarray) -> np.ndarray:
    model = Sequential([Input(x.shape[1:]), layer])
    return np.asarray(model.predict(x, verbose=0))


def test_normalization_adapt_matches_keras() -> None:
    layer = layers.Normalization()
    layer.adapt(_x())
    model = Sequential([Input((4,)), layer])
    assert [w.name.split("/")[-1] for w in layer.weights] == ["mean", "variance", "count"]
    assert model.count_params() == 9  # as Keras: mean, variance (4 each) and count
    keras_out = [
        [1.3880026, 0.3130217, 0.25023115, -0.628706],
        [-0.45929608, 1.0378563, 1.0803047, 1.4114158],
        [-0.9287064, -1.350878, -1.3305361, -0.7827097],
    ]
    np.testing.assert_allclose(model.predict(_x(), verbose=0), keras_out, **TOL)


def test_normalization_with_given_statistics_matches_keras() -> None:
    # a zero variance divides by epsilon (1e-7), as Keras does
    out = _run(layers.Normalization(mean=[1.0, 2.0, 3.0, 4.0], variance=[1, 4, 9, 0]), _x())
    np.testing.assert_allclose(
        out[:, :3],
        [
            [0.25146043, -0.63210487, -0.23971827],
            [-1.0713388, -0.13840497, 0.20266668],
            [-1.4074705, -1.7654215, -1.082183],
        ],
        **TOL,
    )
    np.testing.assert_allclose(out[:, 3], [-2.7901998e07, -1.1058380e07, -2.9173478e07], rtol=1e-5)
    inverted = _run(
        layers.Normalization(mean=[1.0, 2.0, 3.0, 4.0], variance=[1, 4, 9, 16], invert=True), _x()
    )
    np.testing.assert_allclose(inverted[0], [2.2514606, 3.4715805, 9.842535, 8.839201], **TOL)


def test_normalization_over_every_axis_has_scalar_statistics() -> None:
    x = np.random.default_rng(1).normal(size=(6, 3, 4)).astype("float32")
    layer = layers.Normalization(axis=None)
    layer.adapt(x)
    assert [w.shape for w in layer.weights] == [(), (), ()]
    out = _run(layer, x)
    assert abs(out.mean()) < 1e-5 and abs(out.std() - 1) < 1e-4


def test_unit_normalization_matches_keras() -> None:
    out = _run(layers.UnitNormalization(), _x())
    np.testing.assert_allclose(out[0], [0.42250597, 0.24841039, 0.7700369, 0.40844107], **TOL)


def test_center_crop_takes_the_central_window_as_keras() -> None:
    img = np.arange(2 * 6 * 5 * 3, dtype="float32").reshape(2, 6, 5, 3)
    np.testing.assert_array_equal(_run(layers.CenterCrop(3, 2), img), img[:, 1:4, 1:3, :])
    np.testing.assert_array_equal(_run(layers.CenterCrop(4, 4), img), img[:, 1:5, 0:4, :])
    with pytest.raises(NotImplementedError, match="resizes"):
        _run(layers.CenterCrop(8, 8), img)


def test_random_flip_is_the_identity_at_inference_and_random_in_training() -> None:
    img = np.random.default_rng(2).normal(size=(64, 4, 5, 3)).astype("float32")
    layer = layers.RandomFlip("horizontal", seed=0)
    np.testing.assert_array_equal(layer(img, training=False), img)
    out = layer(img, training=True)
    flipped = [bool(np.array_equal(o, i[:, ::-1])) for o, i in zip(out, img, strict=True)]
    kept = [bool(np.array_equal(o, i)) for o, i in zip(out, img, strict=True)]
    assert all(f != k for f, k in zip(flipped, kept, strict=True))  # each image one or the other
    assert 16 < sum(flipped) < 48
    both = layers.RandomFlip(seed=0)(img, training=True)
    assert all(
        np.array_equal(o, i) or np.array_equal(o, i[::-1, ::-1])
        for o, i in zip(both, img, strict=True)
    )


def test_activity_regularization_adds_its_penalty_to_the_loss() -> None:
    x = _x()
    y = np.zeros((3, 2), dtype="float32")

    def loss(l1: float) -> float:
        model = Sequential([Input((4,)), layers.Dense(2, kernel_initializer="ones")])
        if l1:
            model.add(layers.ActivityRegularization(l1=l1))
        model.compile(loss="mse", optimizer="sgd")
        return float(model.evaluate(x, y, verbose=0))

    out = x.sum(axis=1, keepdims=True) * np.ones((1, 2))
    expected_penalty = 0.5 * np.abs(out).sum() / 3
    assert loss(0.5) == pytest.approx(loss(0.0) + expected_penalty, rel=1e-5)


@pytest.mark.parametrize(
    ("interpolation", "expected"),
    [
        (
            "bilinear",
            [
                [-0.34354, -0.279218, -0.634134, -1.042856],
                [0.025279, -0.325855, -0.54372, -1.06899],
            ],
        ),
        (
            "nearest",
            [
                [-0.801931, -0.552647, -0.958265, -0.629288],
                [-0.801931, -0.552647, -0.958265, -0.629288],
            ],
        ),
    ],
)
def test_resizing_matches_keras(interpolation: str, expected: list[list[float]]) -> None:
    # Keras gives these (8, 4) images from (5, 7) ones; the runtime matched every value exactly
    img = np.random.default_rng(5).normal(size=(2, 5, 7, 3)).astype("float32")
    out = _run(layers.Resizing(8, 4, interpolation=interpolation), img)
    assert out.shape == (2, 8, 4, 3)
    np.testing.assert_allclose(out[0, :2, :, 0], expected, atol=1e-6)
    with pytest.raises(NotImplementedError, match="bicubic"):
        layers.Resizing(8, 4, interpolation="bicubic")


def test_rms_normalization_matches_keras() -> None:
    x = (np.random.default_rng(7).normal(size=(2, 3, 4)) * 3).astype("float32")
    layer = layers.RMSNormalization()
    model = Sequential([Input((3, 4)), layer])
    layer.set_weights([np.array([1.0, 2.0, 0.5, -1.0], dtype="float32")])
    assert [w.name.split("/")[-1] for w in layer.weights] == ["scale"]
    out = model.predict(x, verbose=0)
    np.testing.assert_allclose(out[0, 0], [0.00251424, 1.2211789, -0.28014758, 1.8202313], **TOL)


def test_category_encoding_matches_keras() -> None:
    ids = np.array([[0, 3], [4, 4]])
    assert layers.CategoryEncoding(5)(ids).tolist() == [[1, 0, 0, 1, 0], [0, 0, 0, 0, 1]]
    counts = layers.CategoryEncoding(5, output_mode="count")(ids)
    assert counts.tolist() == [[1, 0, 0, 1, 0], [0, 0, 0, 0, 2]]
    one_hot = layers.CategoryEncoding(5, output_mode="one_hot")
    assert one_hot(np.array([[1], [3]])).tolist() == [[0, 1, 0, 0, 0], [0, 0, 0, 1, 0]]


def test_discretization_matches_keras() -> None:
    x = np.array([[-1, 0, 0.5], [1, 2, 3]], dtype="float32")
    assert layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])(x).tolist() == [
        [0, 1, 1],
        [2, 3, 3],
    ]
    multi = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode="multi_hot")
    assert multi(np.array([[-1, 0.5], [3, 3]], dtype="float32")).tolist() == [
        [1, 1, 0, 0],
        [0, 0, 0, 1],
    ]


def test_integer_preprocessing_feeds_a_trainable_model() -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, (64, 3))
    y = (x.sum(axis=1) > 6).astype("float32")
    model = Sequential(
        [Input((3,), dtype="int32"), layers.CategoryEncoding(5), layers.Dense(1, "sigmoid")]
    )
    model.compile(loss="binary_crossentropy", optimizer="adam")
    losses = model.fit(x, y, epochs=3, verbose=0).history["loss"]
    assert losses[-1] < losses[0]


def test_group_normalization_matches_keras() -> None:
    x = (np.random.default_rng(9).normal(size=(2, 3, 4)) * 2 + 0.5).astype("float32")
    model = Sequential([Input((3, 4)), layers.GroupNormalization(2)])
    model.set_weights(
        [np.array([1, 2, -0.5, 0.3], "float32"), np.array([0, 0.1, 0.2, -0.3], "float32")]
    )
    out = model.predict(x, verbose=0)
    np.testing.assert_allclose(out[1, 2], [-0.8067298, -0.46350682, 0.99042565, 0.1330632], **TOL)


def test_adaptive_pooling_matches_keras() -> None:
    # overlapping windows [floor(i * n / o), ceil((i + 1) * n / o)), as Keras takes them
    x = np.random.default_rng(4).normal(size=(2, 7, 5, 3)).astype("float32")
    avg = layers.AdaptiveAveragePooling2D((3, 2))(x)
    top = layers.AdaptiveMaxPooling2D((3, 2))(x)
    assert avg.shape == top.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(
        avg[0, :, :, 0],
        [[0.24837886, -0.01115317], [0.39530346, -0.17172788], [-0.22173984, -0.38809872]],
        **TOL,
    )
    np.testing.assert_allclose(
        top[0, :, :, 0], [[2.2527292, 1.4825711], [2.0581145, 1.3714695], [1.0620757, 1.0767219]]
    )
    x1 = np.random.default_rng(4).normal(size=(2, 7, 3)).astype("float32")
    np.testing.assert_allclose(
        layers.AdaptiveAveragePooling1D(4)(x1)[0, :, 0],
        [0.00367829, 0.09248529, 0.9370487, 0.96141255],
        **TOL,
    )
