from __future__ import annotations

import numpy
import pytest

from seqlint.runtime import backend


def test_cpu_backend_is_numpy() -> None:
    assert backend.get_backend("cpu").xp is numpy
    assert backend.get_array_module(numpy.zeros(3)) is numpy


def test_unknown_device_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown device"):
        backend.get_backend("tpu")


def test_blas_thread_count_is_settable() -> None:
    if backend.num_threads() is None:
        pytest.skip("no BLAS thread pool found in this NumPy build")
    try:
        backend.set_num_threads(1)
        assert backend.num_threads() == 1
    finally:
        backend.set_num_threads(None)
    with pytest.raises(ValueError):
        backend.set_num_threads(0)
