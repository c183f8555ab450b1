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
