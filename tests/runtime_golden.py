"""Shared helpers of the runtime's golden tests (losses, optimizers, metrics, training):
the README's normwise comparison and one pytest parameter per golden case."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from conftest import SHARED, shared_path


def rel_err(actual: Any, expected: Any) -> float:
    """``max|actual - expected| / max|expected|`` (golden/README.md)."""
    expected = np.asarray(expected, np.float64)
    scale = max(float(np.abs(expected).max()), 1e-300) if expected.size else 1.0
    diff = np.abs(np.asarray(actual, np.float64) - expected).max(initial=0.0)
    return float(diff / scale)


def close(actual: Any, expected: Any, rtol: float) -> bool:
    return rel_err(actual, expected) <= rtol


def entries(section: str) -> list[Any]:
    """One pytest param per golden case of ``section`` (without ../shared: one placeholder that
    skips)."""
    index = SHARED / "golden" / "index.json"
    if not index.exists():
        return [pytest.param(None, id="golden-absent")]
    cases = json.loads(index.read_text())[section]
    return [pytest.param(e, id=e["name"]) for e in cases]


def load(entry: dict[str, Any] | None) -> Any:
    """The case's arrays (skips when ../shared is absent)."""
    if entry is None:
        shared_path("golden", "index.json")
    path = shared_path("golden", entry["file"])  # type: ignore[index]
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}
