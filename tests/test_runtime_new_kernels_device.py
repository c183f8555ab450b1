"""The kernels added for runtime coverage (masks, augmentation, Lambda, EinsumDense, GRU
recurrent dropout) compute the same forward and backward on every device (``device`` fixture:
CPU, the strict CuPy stand-in, a real GPU when present)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from seqlint.runtime import layers as L
from seqlint.runtime.backend import get_backend

F64 = {"dtype": "float64"}
MEAN = ast.parse("lambda t: ops.mean(tf.square(t), axis=1)", mode="eval").body

CASES: list[tuple[str, Callable[[], Any], tuple[int, ...], bool]] = [
    ("Masking", lambda: L.Masking(**F64), (2, 4, 3), False),
    ("RandomRotation", lambda: L.RandomRotation(0.2, seed=1, **F64), (2, 5, 4, 2), True),
    (
        "RandomZoom",
        lambda: L.RandomZoom(0.3, fill_mode="constant", seed=1, **F64),
        (2, 5, 4, 2),
        True,
    ),
    (
        "RandomTranslation",
        lambda: L.RandomTranslation(0.2, 0.2, fill_mode="wrap", seed=1, **F64),
        (2, 5, 4, 2),
        True,
    ),
    (
        "RandomContrast",
        lambda: L.RandomContrast(0.3, value_range=(-5, 5), seed=1, **F64),
        (2, 5, 4, 2),
        True,
    ),
    (
        "RandomBrightness",
        lambda: L.RandomBrightness(0.3, value_range=(-5, 5), seed=1, **F64),
        (2, 5, 4, 2),
        True,
    ),
    ("RandomCrop", lambda: L.RandomCrop(3, 3, seed=1, **F64), (2, 5, 4, 2), True),
    ("Lambda", lambda: L.Lambda(MEAN, **F64), (2, 4, 3), False),
    (
        "EinsumDense",
        lambda: L.EinsumDense("abc,cd->abd", (None, 5), "tanh", "d", **F64),
        (2, 4, 3),
        False,
    ),
    (
        "GRU-recurrent-dropout",
        lambda: L.GRU(3, recurrent_dropout=0.3, seed=1, **F64),
        (2, 4, 3),
        True,
    ),
]


@pytest.mark.parametrize(
    ("make", "shape", "training"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_same_results_on_every_device(
    make: Callable[[], Any], shape: tuple[int, ...], training: bool, device: str
) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    x[0, -1] = 0.0  # a masked step for the layers that read masks

    def run(backend_name: str) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        backend = get_backend(backend_name)
        layer = make()
        layer.backend = backend
        layer.ensure_built((None, *shape[1:]))
        layer.set_weights([np.random.default_rng(1).normal(size=w.shape) for w in layer.weights])
        y = layer.forward(backend.xp.asarray(x), training=training)
        g = np.random.default_rng(2).normal(size=y.shape)
        dx = layer.backward(backend.xp.asarray(g))
        grads = [backend.to_numpy(w.grad) for w in layer.trainable_weights]
        return backend.to_numpy(y), backend.to_numpy(dx), grads

    y0, dx0, g0 = run("cpu")
    y1, dx1, g1 = run(device)
    np.testing.assert_allclose(y1, y0, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx1, dx0, rtol=1e-10, atol=1e-12)
    for a, b in zip(g1, g0, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
