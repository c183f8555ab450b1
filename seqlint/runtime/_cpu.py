"""Ask OpenBLAS for the AVX-512 kernels on CPUs it misdetects, before NumPy loads it.

OpenBLAS (the BLAS inside NumPy's wheels) picks its kernels once, when it is loaded. Up to at
least 0.3.2x it takes AMD Zen 4/5 processors for Haswell and leaves their AVX-512 units idle:
measured here on an AMD EPYC, float32 GEMM runs at 120 GFLOP/s with the Haswell kernels and at
220 GFLOP/s with ``OPENBLAS_CORETYPE=SKYLAKEX`` (one thread), which nearly halves the time of a
convolution layer. Intel CPUs are detected correctly and are left alone, as is any choice the
user made (``OPENBLAS_CORETYPE`` set, or ``SEQLINT_BLAS_TUNE=0``).
"""

from __future__ import annotations

import os
import platform
import sys

# What OpenBLAS's SkylakeX kernels execute.
_AVX512 = frozenset({"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"})


def cpu_flags(cpuinfo: str) -> tuple[str, frozenset[str]]:
    """(vendor, flags) of the first processor in a ``/proc/cpuinfo`` text."""
    vendor, flags = "", frozenset[str]()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "vendor_id" and not vendor:
            vendor = value.strip()
        elif key == "flags" and not flags:
            flags = frozenset(value.split())
        if vendor and flags:
            break
    return vendor, flags


def wants_skylakex(vendor: str, flags: frozenset[str]) -> bool:
    return vendor == "AuthenticAMD" and flags >= _AVX512


def tune_openblas() -> bool:
    """Set ``OPENBLAS_CORETYPE=SKYLAKEX`` when it helps and is still possible; True if set."""
    if "numpy" in sys.modules or "OPENBLAS_CORETYPE" in os.environ:
        return False  # too late (already loaded), or the user decided
    if os.environ.get("SEQLINT_BLAS_TUNE") == "0":
        return False
    if not sys.platform.startswith("linux") or platform.machine() not in ("x86_64", "AMD64"):
        return False
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            vendor, flags = cpu_flags(f.read())
    except OSError:
        return False
    if not wants_skylakex(vendor, flags):
        return False
    os.environ["OPENBLAS_CORETYPE"] = "SKYLAKEX"
    return True
