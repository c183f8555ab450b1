"""Lambda layers: the bodies the checker understands run in the runtime, with gradients.

Expected values were computed with Keras 3.15.1 (TensorFlow CPU) on
``arange(24).reshape(2, 3, 4) / 10 - 1``; each case lists the output shape, its first six values
and its sum.
"""

from __future__ import annotations

import ast

import numpy as np
import pytest

from seqlint.runtime import Input, Sequential
from seqlint.runtime import layers as L
from seqlint.runtime.optimizers import Adam

X = (np.arange(24, dtype="float32").reshape(2, 3, 4) / 10 - 1).astype("float32")


def body(source: str) -> ast.Lambda:
    """A lambda as the checker hands it over: its ``ast.Lambda`` node."""
    node = ast.parse(source, mode="eval").body
    assert isinstance(node, ast.Lambda)
    return node


KERAS = [
    (
        "lambda t: t / 255.0",
        (2, 3, 4),
        [-0.00392, -0.00353, -0.00314, -0.00275, -0.00235, -0.00196],
        0.0141,
    ),
    ("lambda t: ops.mean(t, axis=1)", (2, 4), [-0.6, -0.5, -0.4, -0.3, 0.6, 0.7], 1.2),
    ("lambda t: t[:, -1, :]", (2, 4), [-0.2, -0.1, 0.0, 0.1, 1.0, 1.1], 4.4),
    (
        "lambda t: tf.math.l2_normalize(t, axis=-1)",
        (2, 3, 4),
        [-0.58321, -0.52489, -0.46657, -0.40825, -0.647, -0.53916],
        1.1335,
    ),
    (
        "lambda t: 2 * t ** 2 - tf.exp(-t) + 1",
        (2, 3, 4),
        [0.28172, 0.1604, 0.05446, -0.03375, -0.10212, -0.14872],
        22.1067,
    ),
    (
        "lambda t: tf.expand_dims(tf.reduce_max(tf.abs(t), axis=2), -1)",
        (2, 3, 1),
        [1.0, 0.6, 0.2, 0.5, 0.9, 1.3],
        4.5,
    ),
]


@pytest.mark.parametrize(("source", "shape", "first", "total"), KERAS, ids=[k[0] for k in KERAS])
def test_lambda_bodies_match_keras(
    source: str, shape: tuple[int, ...], first: list[float], total: float
) -> None:
    layer = L.Lambda(body(source))
    y = layer(X)
    assert y.shape == shape
    assert layer.output_shape == (None, *shape[1:])
    np.testing.assert_allclose(y.ravel()[:6], first, atol=1e-5)
    assert float(y.sum()) == pytest.approx(total, abs=1e-3)


@pytest.mark.parametrize(
    "source", [k[0] for k in KERAS] + ["lambda t: tf.sqrt(tf.square(t) + 1) * t"]
)
def test_lambda_backward_matches_finite_differences(source: str) -> None:
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    layer = L.Lambda(body(source), dtype="float64")
    y = layer(x)
    g = np.random.default_rng(1).normal(size=y.shape)
    dx = layer.backward(g)
    num = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += 1e-6
        xm[idx] -= 1e-6
        num[idx] = ((layer(xp) * g).sum() - (layer(xm) * g).sum()) / 2e-6
    np.testing.assert_allclose(dx, num, rtol=1e-5, atol=1e-8)


def test_python_lambda_source_is_read_not_called() -> None:
    calls = []

    def spy(t: object) -> object:
        calls.append(t)
        return t

    layer = L.Lambda(lambda t: t * 2.0)
    np.testing.assert_allclose(layer(X), X * 2.0)
    with pytest.raises(NotImplementedError, match="lambda"):
        L.Lambda(spy)
    assert calls == []


def test_a_model_with_lambda_trains() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 5, 3)).astype("float32")
    y = x.mean(axis=1) @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    model = Sequential([Input((5, 3)), L.Lambda(body("lambda t: ops.mean(t, axis=1)")), L.Dense(1)])
    model.compile(optimizer=Adam(learning_rate=0.05), loss="mse")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=40, batch_size=16, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.1 * before


@pytest.mark.parametrize(
    "source",
    [
        "lambda t: tf.concat([t, t], axis=-1)",  # not in the language
        "lambda t: t * scale",  # a name other than the argument
        "lambda t, m: t",  # two arguments
        "lambda t: tf.reduce_mean(t, axis=k)",  # not a literal axis
    ],
)
def test_bodies_outside_the_language_refuse(source: str) -> None:
    with pytest.raises(NotImplementedError, match="Lambda"):
        L.Lambda(body(source))(X)
