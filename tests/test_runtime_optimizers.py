"""Runtime optimizers against every golden case (weights after each of 5 steps, the learning
rate of each step, every slot of ``optimizer.variables``), then the optimizer API."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from runtime_golden import close, entries, load

from seqlint.runtime import optimizers, schedules
from seqlint.runtime.core import IndexedSlices, Variable


@pytest.mark.parametrize("entry", entries("optimizers"))
def test_golden_optimizer(entry: dict[str, Any]) -> None:
    data = load(entry)
    dtype = np.dtype(entry["dtype"])
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    opt = optimizers.get({"class": entry["optimizer"], "kwargs": entry["kwargs"]})
    variables = [
        Variable(data["w0_init"].astype(dtype), "w_a"),
        Variable(data["w1_init"].astype(dtype), "w_b"),
    ]
    for step in range(entry["steps"]):
        assert close(opt.learning_rate, data["lr"][step], rtol), step
        grads = [data["grads0"][step].astype(dtype), data["grads1"][step].astype(dtype)]
        opt.apply(grads, variables)
        assert close(variables[0].value, data["w0_steps"][step], rtol), step
        assert close(variables[1].value, data["w1_steps"][step], rtol), step
        assert variables[0].value.dtype == dtype
    state = opt.variables
    assert len(state) == len(entry["slots"])
    for k, (var, name) in enumerate(zip(state, entry["slots"], strict=True)):
        expected = data[f"slot{k}"]
        if not name.startswith("variable"):  # Keras's unnamed Nadam product is "variable[_N]"
            assert var.name == name
        assert var.value.dtype == expected.dtype, var.name
        assert close(var.value, expected, rtol), var.name


# ---- API --------------------------------------------------------------------------------------


def _vars() -> list[Variable]:
    rng = np.random.default_rng(0)
    return [Variable(rng.normal(size=(3, 2)), "a/kernel"), Variable(rng.normal(size=(2,)), "a/b")]


def test_identifiers_and_config_round_trip() -> None:
    assert isinstance(optimizers.get("adam"), optimizers.Adam)
    assert isinstance(optimizers.get("RMSprop"), optimizers.RMSprop)
    opt = optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.5, "momentum": 0.9}})
    assert isinstance(opt, optimizers.SGD) and opt.momentum == 0.9
    config = opt.get_config()
    assert config["learning_rate"] == 0.5 and config["nesterov"] is False
    again = optimizers.SGD.from_config(config)
    assert again.get_config() == config
    with pytest.raises(ValueError, match="Could not interpret optimizer"):
        optimizers.get("sgdx")


def test_schedule_config_round_trip() -> None:
    sched = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    opt = optimizers.Adam(learning_rate=sched)
    config = opt.get_config()
    assert config["learning_rate"]["class_name"] == "ExponentialDecay"
    again = optimizers.Adam.from_config(config)
    assert again.learning_rate == sched(0)


def test_schedules_are_float32() -> None:
    sched = schedules.ExponentialDecay(0.01, decay_steps=2, decay_rate=0.5)
    assert sched(1).dtype == np.float32
    assert float(sched(2)) == float(np.float32(0.005))
    piecewise = schedules.PiecewiseConstantDecay([2, 4], [1.0, 0.5, 0.1])
    assert [float(piecewise(s)) for s in (0, 2, 3, 4, 5)] == pytest.approx(
        [1.0, 1.0, 0.5, 0.5, 0.1]
    )
    inverse = schedules.InverseTimeDecay(1.0, decay_steps=1, decay_rate=1.0)
    assert float(inverse(3)) == pytest.approx(0.25)
    poly = schedules.PolynomialDecay(1.0, decay_steps=4, end_learning_rate=0.0)
    assert float(poly(2)) == pytest.approx(0.5) and float(poly(10)) == pytest.approx(0.0)
    cosine = schedules.CosineDecay(1.0, decay_steps=2)
    assert float(cosine(1)) == pytest.approx(0.5) and float(cosine(2)) == pytest.approx(0.0)


def test_learning_rate_setter() -> None:
    opt = optimizers.SGD(learning_rate=0.1)
    variables = _vars()
    opt.apply([np.ones((3, 2)), np.ones(2)], variables)
    opt.learning_rate = 0.01
    assert float(opt.learning_rate) == pytest.approx(0.01)
    before = variables[0].value.copy()
    opt.apply([np.ones((3, 2)), np.ones(2)], variables)
    np.testing.assert_allclose(before - variables[0].value, 0.01)
    scheduled = optimizers.SGD(learning_rate=schedules.ExponentialDecay(0.1, 1, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        scheduled.learning_rate = 0.1


def test_updates_are_in_place_and_none_is_skipped() -> None:
    variables = _vars()
    arrays = [v.value for v in variables]
    opt = optimizers.Adam(learning_rate=0.1)
    opt.apply([np.ones((3, 2)), None], variables)
    assert variables[0].value is arrays[0]
    assert int(opt.iterations.value) == 1
    np.testing.assert_array_equal(variables[1].value, arrays[1])


def test_clip_arguments_are_exclusive() -> None:
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)


def test_keras2_arguments_behave_as_in_keras3() -> None:
    """Keras 3.15 warns about ``decay=`` and ignores it, and rejects ``lr=``, by name."""
    with pytest.warns(UserWarning, match="`decay` is no longer supported and will be ignored"):
        opt = optimizers.SGD(learning_rate=0.1, decay=0.1)
    assert float(opt.learning_rate) == pytest.approx(0.1)
    with pytest.raises(ValueError, match=r"Argument\(s\) not recognized: \{'lr': 0.1\}"):
        optimizers.SGD(lr=0.1)


def test_weight_decay_exclusion() -> None:
    """Keras searches the ``var_names`` patterns in the variable's name ("b"), not its path
    ("a/b"): the layer name "a" excludes nothing; a later call replaces the exclusions."""
    variables = _vars()
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["a"])
    opt.exclude_from_weight_decay(var_names=["^b$"])
    before = [v.value.copy() for v in variables]
    opt.apply([np.zeros((3, 2)), np.zeros(2)], variables)
    np.testing.assert_allclose(variables[0].value, before[0] * (1 - 0.1 * np.float32(0.5)))
    np.testing.assert_array_equal(variables[1].value, before[1])
    with pytest.raises(ValueError, match="before the optimizer is built"):
        opt.exclude_from_weight_decay(var_names=["kernel"])
    variables = _vars()
    opt = optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["a"])
    before = [v.value.copy() for v in variables]
    opt.apply([np.zeros((3, 2)), np.zeros(2)], variables)
    np.testing.assert_allclose(variables[1].value, before[1] * (1 - 0.1 * np.float32(0.5)))


ALL = ["SGD", "Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad", "Adadelta"]


@pytest.mark.parametrize("name", ALL)
def test_indexed_slices_without_duplicates_equal_dense(name: str) -> None:
    rng = np.random.default_rng(1)
    init = rng.normal(size=(5, 3))
    dense_var, sparse_var = Variable(init.copy(), "e"), Variable(init.copy(), "e")
    dense_opt = optimizers.get({"class": name, "config": {"learning_rate": 0.1}})
    sparse_opt = optimizers.get({"class": name, "config": {"learning_rate": 0.1}})
    for _ in range(3):
        rows = rng.normal(size=(3, 3))
        idx = np.array([4, 0, 2])
        dense = np.zeros((5, 3))
        dense[idx] = rows
        dense_opt.apply([dense], [dense_var])
        sparse_opt.apply([IndexedSlices(rows, idx, (5, 3))], [sparse_var])
    np.testing.assert_allclose(sparse_var.value, dense_var.value, rtol=1e-13, atol=1e-15)


def test_indexed_slices_square_slice_by_slice() -> None:
    """Adam's second moment sees sum(g_k**2) for a row looked up twice (TF IndexedSlices)."""
    var = Variable(np.zeros((2, 1)), "e")
    opt = optimizers.Adam(learning_rate=1.0)
    opt.apply([IndexedSlices(np.array([[1.0], [3.0]]), np.array([0, 0]), (2, 1))], [var])
    v = opt.variables[3].value
    np.testing.assert_allclose(v, [[0.001 * 10.0], [0.0]], rtol=1e-12)
    m = opt.variables[2].value
    np.testing.assert_allclose(m, [[0.4], [0.0]], rtol=1e-12)


def test_global_clipnorm_scales_all() -> None:
    variables = _vars()
    before = [v.value.copy() for v in variables]
    opt = optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0)
    grads = [np.full((3, 2), 3.0), np.full(2, 4.0)]
    opt.apply(grads, variables)
    norm = np.sqrt(6 * 9 + 2 * 16)
    np.testing.assert_allclose(before[0] - variables[0].value, 3.0 / norm)
    np.testing.assert_allclose(before[1] - variables[1].value, 4.0 / norm)


def test_clipping_of_indexed_slices_is_slice_by_slice() -> None:
    slices = IndexedSlices(np.array([[3.0], [4.0]]), np.array([0, 0]), (2, 1))
    by_value = optimizers.SGD(learning_rate=1.0, clipvalue=2.0)
    var = Variable(np.zeros((2, 1)), "e")
    by_value.apply([slices], [var])
    np.testing.assert_allclose(var.value, [[-4.0], [0.0]])  # each slice clipped to 2, then summed
    by_norm = optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    var = Variable(np.zeros((2, 1)), "e")
    by_norm.apply([slices], [var])
    np.testing.assert_allclose(var.value, [[-7.0 / 5.0], [0.0]])  # norm over the slices is 5
