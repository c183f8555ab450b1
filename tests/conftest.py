from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SEQLINT_SHARED", ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not beside this checkout)")
    return path


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    """The runtime's matrices are small: one BLAS thread is fastest and cannot be slowed by
    oversubscription when other processes share the CPUs (measured: 2.5 s vs 0.02 s per LSTM
    step on 2 busy cores)."""
    try:
        from seqlint.runtime.backend import set_num_threads
    except ImportError:  # pragma: no cover
        yield
        return
    set_num_threads(1)
    yield
    set_num_threads(None)


def real_gpu() -> bool:
    """CuPy is installed and sees a GPU (``seqlint[gpu]`` on a GPU machine)."""
    try:
        import cupy  # type: ignore[import-not-found]

        return bool(cupy.cuda.runtime.getDeviceCount() > 0) and not getattr(cupy, "FAKE", False)
    except Exception:  # ImportError, or CUDA missing/broken
        return False


@pytest.fixture(params=["cpu", "fake-gpu", "gpu"])
def device(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The runtime device a parity test runs on: the CPU (NumPy), the GPU path on a strict
    NumPy-backed CuPy stand-in (tests/fake_cupy.py: always runs), and the real GPU (skipped
    without CuPy and a GPU)."""
    if request.param == "gpu":
        if not real_gpu():
            pytest.skip("no CuPy with a visible GPU on this machine (pip install 'seqlint[gpu]')")
        return "gpu"
    if request.param == "fake-gpu":
        import fake_cupy

        fake_cupy.install(monkeypatch)
        return "gpu"
    return "cpu"
