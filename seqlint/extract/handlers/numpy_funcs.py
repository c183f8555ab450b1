"""NumPy functions and ``ndarray`` methods, each written with NumPy's own signature.

What they return is an :class:`~seqlint.ir.ArrayInfo` holding only what is certain: the shape,
the kind of values (int / float), the range of values and, for labels, their encoding. A
parameter the handler does not model (``keepdims=True``, ``retstep=True``) makes the result
unknown rather than wrong.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from seqlint.extract import data
from seqlint.extract.data import as_int, as_num, float_array, int_values, shape_of
from seqlint.extract.registry import NOT_HANDLED, Site, guard, handles
from seqlint.extract.values import ListVal
from seqlint.ir import ArrayInfo
from seqlint.layers.base import UNKNOWN

_NO: Any = object()  # NumPy's ``np._NoValue``: an argument not given


def _scalar_or(size: Any) -> tuple[Any, ...] | None:
    """The shape a ``size=`` argument gives: one sample (``()``) when None."""
    return () if size is None else shape_of(size)


# ---- numpy.random ---------------------------------------------------------------------------


@handles("numpy.random.shuffle")
def shuffle(x: Any, /) -> Any:
    """Shuffles an array in place: it is no longer paired with its partner row by row."""
    if not isinstance(x, ArrayInfo):
        return NOT_HANDLED
    x.permuted = True
    return None


@handles("numpy.random.permutation")
def permutation(x: Any, /) -> Any:
    """A shuffled copy of an array, or the shuffled ``arange(n)``."""
    if isinstance(x, ArrayInfo):
        return dataclasses.replace(x, permuted=True)
    n = as_int(x)
    return NOT_HANDLED if n is None else ArrayInfo((n,), "int", low=0.0, high=float(n - 1))


@handles("numpy.random.rand")
def rand(*dims: Any) -> ArrayInfo:
    """Floats in [0, 1) of shape ``dims``."""
    return float_array(tuple(as_int(d) for d in dims), 0.0, 1.0)


@handles("numpy.random.randn")
def randn(*dims: Any) -> ArrayInfo:
    """Standard normal floats of shape ``dims`` (no known range)."""
    return float_array(tuple(as_int(d) for d in dims), None, None)


@handles("numpy.random.random", "numpy.random.random_sample", "numpy.random.sample")
def random(size: Any = None) -> ArrayInfo:
    """Floats in [0, 1) of shape ``size``."""
    return float_array(_scalar_or(size), 0.0, 1.0)


@handles("numpy.random.standard_normal")
def standard_normal(size: Any = None) -> ArrayInfo:
    return float_array(_scalar_or(size), None, None)


@handles("numpy.random.normal")
def normal(loc: Any = 0.0, scale: Any = 1.0, size: Any = None) -> ArrayInfo:
    return float_array(_scalar_or(size), None, None)


@handles("numpy.random.uniform")
def uniform(low: Any = 0.0, high: Any = 1.0, size: Any = None) -> ArrayInfo:
    """Floats in [low, high)."""
    return float_array(_scalar_or(size), low, high)


@handles("numpy.random.randint")
def randint(low: Any, high: Any = None, size: Any = None, dtype: Any = int) -> ArrayInfo:
    """Ints in [low, high) (in [0, low) without ``high``): class indices when low >= 0."""
    if high is None:
        low, high = 0, low
    lo, hi = as_int(low), as_int(high)
    labels = lo is not None and lo >= 0
    return ArrayInfo(
        shape=_scalar_or(size),
        kind="int",
        encoding="int" if labels else None,
        n_classes=hi if labels else None,
        low=as_num(lo),
        high=None if hi is None else float(hi - 1),
    )


@handles("numpy.random.choice")
def choice(a: Any, size: Any = None, replace: Any = True, p: Any = None) -> ArrayInfo:
    """Items of ``a`` (``arange(a)`` for an int): class indices when they are ints >= 0."""
    shape = _scalar_or(size)
    n = as_int(a)
    values = list(range(n)) if n is not None else int_values(a)
    if values and min(values) >= 0:
        low, high = min(values), max(values)
        return ArrayInfo(shape, "int", "int", high + 1, float(low), float(high))
    return ArrayInfo(shape=shape)


@handles("numpy.random.multivariate_normal")
def multivariate_normal(
    mean: Any, cov: Any, size: Any = None, check_valid: Any = "warn", tol: Any = 1e-8
) -> ArrayInfo:
    """``size`` samples of ``len(mean)`` values each (fchollet's two-class toy data)."""
    width = len(mean.items) if isinstance(mean, ListVal) else None
    rows = _scalar_or(size)
    return float_array(None if rows is None else (*rows, width), None, None)


# ---- array creation -------------------------------------------------------------------------


@handles("numpy.zeros", "numpy.ones", "numpy.empty", site=True)
def filled(
    site: Site,
    shape: Any,
    dtype: Any = None,
    order: Any = "C",
    *,
    device: Any = None,
    like: Any = None,
) -> ArrayInfo:
    """An array of ``shape``: all 0 (zeros), all 1 (ones), or of unknown values (empty)."""
    return _constant_array(shape, _FILLS.get(site.qualname))


_FILLS = {"numpy.zeros": 0.0, "numpy.ones": 1.0}


@handles("numpy.full")
def full(
    shape: Any,
    fill_value: Any,
    dtype: Any = None,
    order: Any = "C",
    *,
    device: Any = None,
    like: Any = None,
) -> ArrayInfo:
    return _constant_array(shape, as_num(fill_value))


def _constant_array(shape: Any, value: float | None) -> ArrayInfo:
    return ArrayInfo(shape=shape_of(shape), low=value, high=value)


@handles("numpy.eye")
def eye(
    N: Any,
    M: Any = None,
    k: Any = 0,
    dtype: Any = float,
    order: Any = "C",
    *,
    device: Any = None,
    like: Any = None,
) -> ArrayInfo:
    """The identity: one-hot rows of N classes (``np.eye(n)[labels]``)."""
    n = as_int(N)
    if (M is not None and as_int(M) != n) or k != 0:
        return ArrayInfo(shape=(n, as_int(M) if M is not None else n), kind="float")
    return ArrayInfo(shape=(n, n), kind="float", encoding="onehot", n_classes=n, low=0, high=1)


@handles("numpy.arange")
def arange(
    start_or_stop: Any,
    /,
    stop: Any = None,
    step: Any = None,
    *,
    dtype: Any = None,
    device: Any = None,
    like: Any = None,
) -> ArrayInfo:
    """``arange(n)``: the ints 0..n-1; other forms: a vector of unknown length."""
    n = as_int(start_or_stop)
    if stop is None and step is None and n is not None:
        return ArrayInfo(shape=(n,), kind="int", low=0.0, high=float(n - 1))
    return ArrayInfo(shape=(None,))


@handles("numpy.linspace")
def linspace(
    start: Any,
    stop: Any,
    num: Any = 50,
    endpoint: Any = True,
    retstep: Any = False,
    dtype: Any = None,
    axis: Any = 0,
    *,
    device: Any = None,
) -> Any:
    """``num`` evenly spaced floats."""
    if retstep is not False or axis != 0:
        return NOT_HANDLED
    return ArrayInfo(shape=(as_int(num),), kind="float")


@handles("numpy.array")
def array(
    object: Any,
    dtype: Any = None,
    *,
    copy: Any = True,
    order: Any = "K",
    subok: Any = False,
    ndmin: Any = 0,
    ndmax: Any = 0,
    like: Any = None,
) -> Any:
    """What a (nested) list of numbers or an array is as an array."""
    return data.array_of(object)


@handles("numpy.asarray")
def asarray(
    a: Any,
    dtype: Any = None,
    order: Any = None,
    *,
    device: Any = None,
    copy: Any = None,
    like: Any = None,
) -> Any:
    return data.array_of(a)


@handles("numpy.load")
def load(
    file: Any,
    mmap_mode: Any = None,
    allow_pickle: Any = False,
    fix_imports: Any = True,
    encoding: Any = "ASCII",
    *,
    max_header_size: Any = 10000,
) -> ArrayInfo:
    """An array of unknown shape (an ``.npz`` file's arrays are reached by indexing it): later
    ``.reshape`` calls and slices still know it is an array."""
    return ArrayInfo(shape=None)


@handles("numpy.reshape")
def reshape_function(
    a: Any, /, shape: Any = None, order: Any = "C", *, newshape: Any = None, copy: Any = None
) -> Any:
    """``np.reshape(x, (1, 16, 16, 512))``: the given shape (one ``-1`` inferred when ``x``'s
    size is known), even when ``x`` itself is unknown: NumPy returns an array of that shape."""
    dims = shape if shape is not None else newshape
    if isinstance(a, ArrayInfo):
        return data.reshape(a, (dims,))
    target = data.shape_of(dims)
    if not target or any(d is None or d < -1 for d in target) or target.count(-1) > 1:
        return NOT_HANDLED
    return ArrayInfo(shape=tuple(None if d == -1 else d for d in target))


# ---- combining and reducing -----------------------------------------------------------------


@handles("numpy.vstack", "numpy.row_stack")
def vstack(tup: Any, *, dtype: Any = None, casting: Any = "same_kind") -> Any:
    """Rows stacked (1-D parts become rows); 0/1-constant parts make two-class labels."""
    return data.stack_rows(tup, vertical=True)


@handles("numpy.concatenate")
def concatenate(
    arrays: Any, axis: Any = 0, out: Any = None, *, dtype: Any = None, casting: Any = "same_kind"
) -> Any:
    """Arrays joined along the first axis (other axes: not modelled)."""
    return data.stack_rows(arrays, vertical=False) if axis == 0 else NOT_HANDLED


@handles("numpy.prod", "numpy.product")
def prod(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: Any = _NO,
    initial: Any = _NO,
    where: Any = _NO,
) -> Any:
    """``np.prod(shape)``: the element count of a known shape (``Dense(np.prod(img_shape))``)."""
    plain = axis is None and dtype is None and out is None
    values = int_values(a)
    if not plain or (keepdims, initial, where) != (_NO, _NO, _NO) or values is None:
        return NOT_HANDLED
    return math.prod(values)


@handles("numpy.expand_dims")
def expand_dims(a: Any, axis: Any) -> Any:
    """A new axis of size 1 at ``axis`` (labels keep their encoding)."""
    return data.expand(a, as_int(axis)) if isinstance(a, ArrayInfo) else NOT_HANDLED


@handles("numpy.argmax")
def argmax(a: Any, axis: Any = None, out: Any = None, *, keepdims: Any = False) -> Any:
    """One-hot rows back to class indices (``np.argmax(y, axis=1)``)."""
    if not isinstance(a, ArrayInfo) or keepdims is not False:
        return NOT_HANDLED
    return data.argmax(a, axis)


# ---- ndarray methods ------------------------------------------------------------------------


@guard("numpy.ndarray")
@guard("keras.preprocessing.image.ImageDataGenerator")
@guard("keras.preprocessing.image.Iterator")
@guard("tensorflow.data.Dataset")
def array_guard(site: Site, a: ArrayInfo, name: str) -> Any:
    """``x.reshape(*unknown, 1)``: arguments of unknown content give an array of unknown
    shape, whatever the method."""
    return ArrayInfo(shape=None, kind=a.kind) if site.opaque else NOT_HANDLED


@handles("numpy.ndarray.reshape")
def reshape(self: ArrayInfo, /, *shape: Any, order: Any = "C", copy: Any = None) -> ArrayInfo:
    """``x.reshape(-1, 28, 28, 1)`` / ``x.reshape((n, 1))``: one ``-1`` is inferred."""
    return data.reshape(self, shape)


@handles("numpy.ndarray.astype")
def astype(
    self: ArrayInfo,
    /,
    dtype: Any,
    order: Any = "K",
    casting: Any = "unsafe",
    subok: Any = True,
    copy: Any = True,
) -> ArrayInfo:
    """The same array as ints or floats (``"float32"``, ``np.float32``, ``int``)."""
    return data.astype(self, dtype)


@handles("numpy.ndarray.copy")
def copy(self: ArrayInfo, /, order: Any = "C") -> ArrayInfo:
    return self


@handles("numpy.ndarray.flatten", "numpy.ndarray.ravel")
def flatten(self: ArrayInfo, /, order: Any = "C") -> ArrayInfo:
    a = self
    return ArrayInfo(shape=(data.element_count(a.shape),), kind=a.kind, low=a.low, high=a.high)


@handles("numpy.ndarray.argmax")
def argmax_method(
    self: ArrayInfo, /, axis: Any = None, out: Any = None, *, keepdims: Any = False
) -> Any:
    return data.argmax(self, axis) if keepdims is False else UNKNOWN


def _reduced(a: ArrayInfo, axis: Any, keepdims: Any) -> Any:
    """A reduction over one known axis: that axis goes (float values)."""
    if axis is None:
        return UNKNOWN
    ax = as_int(axis)
    if keepdims is not False or a.shape is None or ax is None:
        return ArrayInfo(shape=None)
    if not -len(a.shape) <= ax < len(a.shape):
        return ArrayInfo(shape=None)
    shape = list(a.shape)
    del shape[ax]
    return ArrayInfo(shape=tuple(shape), kind="float")


@handles("numpy.ndarray.sum", "numpy.ndarray.mean")
def sum_(
    self: ArrayInfo, /, axis: Any = None, dtype: Any = None, out: Any = None, **kwargs: Any
) -> Any:
    return _reduced(self, axis, kwargs.get("keepdims", False))


@handles("numpy.ndarray.max", "numpy.ndarray.min")
def max_(self: ArrayInfo, /, axis: Any = None, out: Any = None, **kwargs: Any) -> Any:
    return _reduced(self, axis, kwargs.get("keepdims", False))


@handles("numpy.ndarray.std")
def std(
    self: ArrayInfo,
    /,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: Any = 0,
    **kwargs: Any,
) -> Any:
    return _reduced(self, axis, kwargs.get("keepdims", False))
