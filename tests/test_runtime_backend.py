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


ZEN4 = (
    "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
    "flags\t\t: fpu avx2 avx512f avx512cd avx512bw avx512dq avx512vl\n"
)
ZEN3 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu avx2 fma\n"
INTEL = ZEN4.replace("AuthenticAMD", "GenuineIntel")


def test_openblas_gets_avx512_kernels_only_on_amd_cpus_that_have_them() -> None:
    from seqlint.runtime import _cpu

    assert _cpu.wants_skylakex(*_cpu.cpu_flags(ZEN4))
    assert not _cpu.wants_skylakex(*_cpu.cpu_flags(ZEN3))  # no AVX-512
    assert not _cpu.wants_skylakex(*_cpu.cpu_flags(INTEL))  # OpenBLAS detects Intel itself


def test_openblas_tuning_never_overrides_a_choice_or_a_loaded_numpy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from seqlint.runtime import _cpu

    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    assert not _cpu.tune_openblas()
    monkeypatch.delenv("OPENBLAS_CORETYPE")
    # NumPy is loaded in this process: setting the variable now would do nothing
    assert not _cpu.tune_openblas()
    assert "OPENBLAS_CORETYPE" not in __import__("os").environ
