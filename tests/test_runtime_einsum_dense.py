"""EinsumDense in the runtime: weights from the shared definition, outputs as Keras 3.15.1
computes them (same weights, drawn from ``default_rng(1)`` in ``get_weights`` order, tanh
activation, on ``arange(24) / 10 - 1`` reshaped), gradients in ``test_runtime_gradcheck.py``."""

from __future__ import annotations

import numpy as np
import pytest

from seqlint.runtime import layers as L

X = np.arange(24, dtype="float32").reshape(2, 3, 4) / 10 - 1

CASES = [
    # equation, output_shape, bias_axes, input, weight shapes, output shape, sum, first values
    (
        "ab,bc->ac",
        (5,),
        None,
        X[:, 0, :],
        [(4, 5)],
        (2, 5),
        -0.60813,
        [-0.53321, -0.38146, -0.02977],
    ),
    (
        "abc,cd->abd",
        (None, 5),
        "d",
        X,
        [(4, 5), (5,)],
        (2, 3, 5),
        -0.62435,
        [-0.53029, -0.49266, 0.54921],
    ),
    (
        "abc,cde->abde",
        (None, 2, 3),
        "de",
        X,
        [(4, 2, 3), (2, 3)],
        (2, 3, 2, 3),
        -8.81203,
        [-0.61598, -0.89797, -0.22286],
    ),
    (
        "...b,bc->...c",
        (5,),
        "c",
        X,
        [(4, 5), (5,)],
        (2, 3, 5),
        -0.62435,
        [-0.53029, -0.49266, 0.54921],
    ),
    (
        "abc,bcd->ad",
        (5,),
        "d",
        X,
        [(3, 4, 5), (5,)],
        (2, 5),
        -2.84125,
        [-0.50532, 0.2662, -0.42132],
    ),
]


@pytest.mark.parametrize(
    ("equation", "out", "bias_axes", "x", "weights", "shape", "total", "first"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_einsum_dense_matches_keras(
    equation: str,
    out: tuple[int | None, ...],
    bias_axes: str | None,
    x: np.ndarray,
    weights: list[tuple[int, ...]],
    shape: tuple[int, ...],
    total: float,
    first: list[float],
) -> None:
    layer = L.EinsumDense(equation, output_shape=out, bias_axes=bias_axes, activation="tanh")
    layer(x)
    assert [w.shape for w in layer.weights] == weights
    r = np.random.default_rng(1)
    layer.set_weights([r.normal(scale=0.5, size=w.shape) for w in layer.get_weights()])
    y = layer(x)
    assert y.shape == shape
    assert float(y.sum()) == pytest.approx(total, abs=1e-4)
    np.testing.assert_allclose(y.ravel()[:3], first, atol=1e-5)


def test_an_input_axis_summed_alone_is_refused() -> None:
    with pytest.raises(NotImplementedError, match="sums an input axis"):
        L.EinsumDense("abc,cd->ad", output_shape=(5,))
