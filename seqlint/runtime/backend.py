"""The array module a model computes with: NumPy on the CPU, CuPy on the GPU.

Layers never import numpy for their math; they ask their backend (Chainer's get_array_module
idea), so the same code runs on both devices.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy


@dataclass(frozen=True)
class Backend:
    name: str  # "cpu" | "gpu"
    xp: ModuleType  # numpy or cupy

    def asarray(self, value: Any, dtype: Any = None) -> Any:
        return self.xp.asarray(value, dtype=dtype)

    def to_numpy(self, value: Any) -> numpy.ndarray:
        if self.xp is numpy:
            return numpy.asarray(value)
        return self.xp.asnumpy(value)


CPU = Backend("cpu", numpy)


def get_backend(device: str = "cpu") -> Backend:
    """``"cpu"`` (NumPy) or ``"gpu"`` (CuPy; a clear error when it is not installed)."""
    if device == "cpu":
        return CPU
    if device == "gpu":
        try:
            import cupy  # type: ignore[import-not-found]
        except ImportError as exc:  # pragma: no cover - depends on the machine
            raise RuntimeError("device 'gpu' needs CuPy: pip install 'seqlint[gpu]'") from exc
        return Backend("gpu", cupy)
    raise ValueError(f"unknown device {device!r}: use 'cpu' or 'gpu'")


def get_array_module(*arrays: Any) -> ModuleType:
    """numpy, or cupy when any of ``arrays`` lives on the GPU."""
    for a in arrays:
        module = type(a).__module__
        if module.startswith("cupy"):
            import cupy  # type: ignore[import-not-found]

            return cupy  # type: ignore[no-any-return]
    return numpy


def set_num_threads(n: int | None) -> None:
    """Limit the BLAS/OpenMP thread pools NumPy calls into (``None``: back to the default).

    threadpoolctl finds the BLAS actually loaded (OpenBLAS, MKL, BLIS) and sets it at run time;
    environment variables would only work before NumPy is imported.
    """
    from threadpoolctl import ThreadpoolController

    global _limiter
    if _limiter is not None:
        _limiter.restore_original_limits()
        _limiter = None
    if n is not None:
        if n < 1:
            raise ValueError(f"thread count must be >= 1, got {n}")
        _limiter = ThreadpoolController().limit(limits=n)


def num_threads() -> int | None:
    """Threads of the first BLAS pool NumPy uses, when one is found."""
    from threadpoolctl import threadpool_info

    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    return int(pools[0]["num_threads"]) if pools else None


_limiter: Any = None
