"""Every golden activation (``../shared/golden/activations*.npz``): value, derivative, VJP and
TF's values at the kinks, in float64 (rtol 1e-10) and float32 (rtol 1e-5, no promotion)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from conftest import SHARED, shared_path

from seqlint.runtime import activations

FILES = [("activations.npz", np.float64, 1e-10), ("activations_float32.npz", np.float32, 1e-5)]


def close(actual: Any, expected: Any, rtol: float) -> bool:
    expected = np.asarray(expected, np.float64)
    scale = max(np.abs(expected).max(), 1e-300) if expected.size else 1.0
    return bool(np.abs(np.asarray(actual, np.float64) - expected).max(initial=0.0) <= rtol * scale)


def _entries() -> list[dict[str, Any]]:
    index = SHARED / "golden" / "index.json"
    if not index.exists():
        return []
    return list(json.loads(index.read_text())["activations"])


ENTRIES = _entries()
CASES = [(e, f) for e in ENTRIES for f in FILES]


def make(entry: dict[str, Any]) -> activations.Activation:
    return activations.get(entry["function"].rsplit(".", 1)[-1], **entry["kwargs"])


@pytest.mark.parametrize(
    ("entry", "file"), CASES, ids=[f"{e['name']}-{np.dtype(f[1]).name}" for e, f in CASES]
)
def test_golden_activation(entry: dict[str, Any], file: tuple[str, Any, float]) -> None:
    name, dtype, rtol = file
    data = np.load(shared_path("golden", name), allow_pickle=False)
    p = entry["prefix"]
    act = make(entry)
    x = data[p + "x"]
    assert x.dtype == dtype
    y = act(x)
    assert y.dtype == dtype and y.shape == data[p + "y"].shape
    assert close(y, data[p + "y"], rtol)
    g = data[p + "g"]
    vjp = act.vjp(x, y, g)
    assert vjp.dtype == dtype
    assert close(vjp, data[p + "vjp"], rtol)
    if entry["elementwise"]:
        d = act.derivative(x, y)
        assert d.dtype == dtype
        assert close(d, data[p + "dydx"], rtol)
    if p + "kinks_x" in data:
        kx = data[p + "kinks_x"]
        ky = act(kx)
        assert np.array_equal(ky, data[p + "kinks_y"].astype(dtype)) or close(
            ky, data[p + "kinks_y"], rtol
        )
        np.testing.assert_array_equal(act.derivative(kx, ky), data[p + "kinks_dydx"].astype(dtype))


def test_lookup() -> None:
    assert isinstance(activations.get(None), activations.Linear)
    assert activations.get("swish").name == "silu"
    assert activations.get("hard_swish").name == "hard_silu"
    assert activations.get("ReLU").name == "relu"
    act = activations.get({"class_name": "leaky_relu", "config": {"negative_slope": 0.1}})
    assert act.kwargs["negative_slope"] == 0.1
    assert activations.get(act) is act
    with pytest.raises(ValueError):
        activations.get("no_such_activation")
    with pytest.raises(TypeError):
        activations.get("relu", bogus=1)
    assert "gelu" in activations.names()


def test_float32_constants() -> None:
    """TF rounds LeakyRelu's slope to float32 even in float64."""
    y = activations.get("leaky_relu")(np.array([-1.0]))
    assert y[0] == -float(np.float32(0.2))


def test_softmax_multi_axis_and_vjp_sums_to_zero() -> None:
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    act = activations.get("softmax", axis=(1, 2))
    y = act(x)
    np.testing.assert_allclose(y.sum(axis=(1, 2)), 1.0)
    g = np.random.default_rng(1).standard_normal(x.shape)
    np.testing.assert_allclose(act.vjp(x, y, g).sum(axis=(1, 2)), 0.0, atol=1e-14)


def test_elementwise_derivatives_by_finite_differences() -> None:
    """Away from kinks, ``derivative`` matches a central difference for every elementwise
    activation (covers ones without golden cases, e.g. ``threshold``)."""
    rng = np.random.default_rng(3)
    x = rng.uniform(-4, 4, 200)
    kinks = np.array([-3, -1, -0.5, 0, 0.5, 1, 3, 6])
    x = x[np.min(np.abs(x[:, None] - kinks[None, :]), axis=1) > 1e-3]
    h = 1e-6
    for name in activations.names():
        act = activations.get(name)
        if not act.elementwise:
            continue
        numeric = (act(x + h) - act(x - h)) / (2 * h)
        np.testing.assert_allclose(
            act.derivative(x, act(x)), numeric, rtol=1e-6, atol=1e-7, err_msg=name
        )


def test_relu_with_kwargs_by_finite_differences() -> None:
    """``relu(x, negative_slope, max_value, threshold)`` for every combination, including a
    negative threshold with a max_value: values in (threshold, 0) are clipped to 0 by the
    max_value clip, so their derivative is 0 (TF's clip_by_value gradient)."""
    rng = np.random.default_rng(4)
    x = rng.uniform(-3, 3, 400)
    h = 1e-6
    for ns in (0.0, 0.25):
        for mv in (None, 1.5, 6.0):
            for th in (0.0, 0.5, -0.75):
                act = activations.get("relu", negative_slope=ns, max_value=mv, threshold=th)
                kinks = np.array([0.0, th, mv if mv is not None else 0.0])
                xs = x[np.min(np.abs(x[:, None] - kinks[None, :]), axis=1) > 1e-3]
                numeric = (act(xs + h) - act(xs - h)) / (2 * h)
                np.testing.assert_allclose(
                    act.derivative(xs, act(xs)),
                    numeric,
                    rtol=1e-6,
                    atol=1e-7,
                    err_msg=f"negative_slope={ns} max_value={mv} threshold={th}",
                )
