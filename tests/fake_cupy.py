"""A strict stand-in for CuPy, backed by NumPy, to exercise the ``device="gpu"`` code path on
machines without a GPU.

It is not a simulator: it only enforces what makes code that works on NumPy fail on CuPy.

- Device arrays are a distinct type whose class lives in a ``cupy`` module, so
  ``get_array_module`` recognises them.
- Mixing a host ``numpy.ndarray`` (not a scalar) into a device computation raises
  ``TypeError``, as CuPy does.
- Calling a ``numpy.*`` function on a device array raises ``TypeError``. Layers must go through
  their backend's ``xp``; CuPy refuses implicit conversion to NumPy.
- Getting data back to the host needs ``cupy.asnumpy``.

What it cannot catch: ``numpy.asarray(device_array)`` (NumPy returns a base-class view of a
subclass without asking it), so a stray host conversion passes here and fails on a real GPU.

``install(monkeypatch)`` puts it in ``sys.modules`` as ``cupy``/``cupyx`` for one test.
"""

from __future__ import annotations

import sys
import types
from typing import Any

import numpy


class ndarray(numpy.ndarray):  # noqa: N801  (CuPy's name)
    """A "device" array: NumPy storage, CuPy's refusals."""

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        _refuse_host(inputs)
        out = kwargs.get("out")
        if out:
            _refuse_host(out)
            kwargs["out"] = tuple(_host(o) for o in out)
        result = getattr(ufunc, method)(*(_host(x) for x in inputs), **kwargs)
        if out:
            return out[0] if len(out) == 1 else out
        return _device(result)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        raise TypeError(
            f"numpy.{func.__name__}() was given a device array: use the backend's array module"
        )

    def __array__(self, dtype: Any = None, copy: Any = None) -> numpy.ndarray:
        raise TypeError(
            "Implicit conversion to a NumPy array is not allowed. Please use `.get()` to "
            "construct a NumPy array explicitly."
        )

    def get(self) -> numpy.ndarray:
        return numpy.array(self.view(numpy.ndarray))

    def __float__(self) -> float:
        return float(self.view(numpy.ndarray))


ndarray.__module__ = "cupy._core.core"


def _refuse_host(values: Any) -> None:
    for v in values:
        if type(v) is numpy.ndarray and v.ndim > 0:
            raise TypeError(
                f"Unsupported type {type(v)}: a host array was mixed into a device computation"
            )


def _host(value: Any) -> Any:
    if isinstance(value, ndarray):
        return value.view(numpy.ndarray)
    if isinstance(value, (list, tuple)):
        return type(value)(_host(v) for v in value)
    if isinstance(value, dict):
        return {k: _host(v) for k, v in value.items()}
    return value


def _device(value: Any) -> Any:
    if type(value) is numpy.ndarray:
        return value.view(ndarray)
    if isinstance(value, numpy.generic):
        return numpy.asarray(value).view(ndarray)  # CuPy reductions give 0-d arrays
    if isinstance(value, tuple):
        return tuple(_device(v) for v in value)
    if isinstance(value, list):
        return [_device(v) for v in value]
    return value


def _wrap(func: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return _device(func(*_host(args), **_host(kwargs)))

    call.__name__ = getattr(func, "__name__", "call")
    return call


class _Module(types.ModuleType):
    """``numpy`` (or one of its submodules) seen as the device array module."""

    def __init__(self, name: str, target: types.ModuleType) -> None:
        super().__init__(name)
        self._target = target

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if isinstance(value, types.ModuleType):
            return _Module(f"{self.__name__}.{name}", value)
        if isinstance(value, (type, numpy.ufunc)) or not callable(value):
            return value  # dtypes, constants; ufuncs dispatch through ndarray.__array_ufunc__
        return _wrap(value)


def _asarray(value: Any, dtype: Any = None, order: Any = None) -> ndarray:
    if isinstance(value, ndarray):
        return value if dtype is None else value.astype(dtype, copy=False)
    return numpy.array(value, dtype=dtype, order=order or "K").view(ndarray)


def _asnumpy(value: Any) -> numpy.ndarray:
    if isinstance(value, ndarray):
        return numpy.array(value.view(numpy.ndarray))
    return numpy.asarray(value)


def _scatter_add(out: ndarray, indices: Any, values: Any) -> None:
    numpy.add.at(_host(out), _host(indices), _host(values))


def make() -> tuple[types.ModuleType, types.ModuleType]:
    cupy = _Module("cupy", numpy)
    cupy.ndarray = ndarray  # type: ignore[attr-defined]
    cupy.asarray = _asarray  # type: ignore[attr-defined]
    cupy.array = _asarray  # type: ignore[attr-defined]
    cupy.asnumpy = _asnumpy  # type: ignore[attr-defined]
    cupy.FAKE = True  # type: ignore[attr-defined]
    cupyx = types.ModuleType("cupyx")
    cupyx.__path__ = []  # a package, so that ``cupyx.scipy.special`` imports
    cupyx.scatter_add = _scatter_add  # type: ignore[attr-defined]
    scipy = types.ModuleType("cupyx.scipy")
    scipy.__path__ = []
    special = types.ModuleType("cupyx.scipy.special")
    from seqlint.runtime.activations import erfc

    special.erfc = _wrap(erfc)  # type: ignore[attr-defined]
    scipy.special = special  # type: ignore[attr-defined]
    cupyx.scipy = scipy  # type: ignore[attr-defined]
    return cupy, cupyx


def install(monkeypatch: Any) -> types.ModuleType:
    cupy, cupyx = make()
    monkeypatch.setitem(sys.modules, "cupy", cupy)
    monkeypatch.setitem(sys.modules, "cupyx", cupyx)
    monkeypatch.setitem(sys.modules, "cupyx.scipy", cupyx.scipy)  # type: ignore[attr-defined]
    monkeypatch.setitem(
        sys.modules,
        "cupyx.scipy.special",
        cupyx.scipy.special,  # type: ignore[attr-defined]
    )
    return cupy
