"""Static knowledge of the arrays a script builds: shapes, label encodings, value ranges.

Only what is certain is kept: ``np.random.rand(100, 10)`` has shape ``(100, 10)`` and values in
[0, 1); ``to_categorical(y, 3)`` is one-hot with 3 classes. Anything else is unknown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from seqlint.ir import ArrayInfo
from seqlint.layers.base import UNKNOWN

NOT_HANDLED: Any = object()


@dataclass(eq=False)
class Batches(ArrayInfo):
    """What a Keras image generator or a ``tf.data`` pipeline feeds ``fit``: ``shape`` is a
    batch of inputs (batch axis ``None``), ``targets`` the labels that reach the loss (None:
    unknown, or none). An ``ImageDataGenerator`` itself, and a dataset not batched yet, have
    ``shape`` None and keep what batching will give in ``pending``."""

    targets: ArrayInfo | None = None
    source: str = ""  # "ImageDataGenerator" | "tf.data" | "generator"
    pending: tuple[Any, Any] | None = None  # (x, y) element arrays before .batch()


def batched(a: Any) -> ArrayInfo | None:
    """An element array (one sample, or a tensor sliced along its first axis) as a batch."""
    if not isinstance(a, ArrayInfo) or a.shape is None:
        return None
    return ArrayInfo((None, *a.shape[1:]), a.kind, a.encoding, a.n_classes, a.low, a.high)


def as_int(v: Any) -> int | None:
    if isinstance(v, bool) or not isinstance(v, int):
        return None
    return v


def shape_of(value: Any) -> tuple[Any, ...] | None:
    """A shape argument (``(3, 4)``, ``5``, ``[2, 2]``) as a tuple of int/None, or None."""
    from seqlint.extract.values import ListVal

    if isinstance(value, ListVal):
        value = tuple(value.items)
    if isinstance(value, tuple):
        return tuple(as_int(v) for v in value)
    n = as_int(value)
    if n is not None:
        return (n,)
    return None


def _dims_arg(args: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if len(args) == 1 and not isinstance(as_int(args[0]), int):
        return shape_of(args[0])
    return tuple(as_int(a) for a in args)


def as_num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def float_array(shape: tuple[Any, ...] | None, low: Any, high: Any) -> ArrayInfo:
    return ArrayInfo(shape=shape, kind="float", low=as_num(low), high=as_num(high))


def stack_rows(parts: Any, vertical: bool) -> Any:
    """``np.vstack((a, b))`` / ``np.concatenate((a, b))`` along the first axis. Parts that are
    each constant 0 or 1 (``np.zeros((n, 1))``, ``np.ones((n, 1))``) make two-class labels."""
    from seqlint.extract.values import ListVal

    items = parts.items if isinstance(parts, ListVal) else parts
    if not isinstance(items, (tuple, list)) or not items:
        return NOT_HANDLED
    arrays = [array_of(p) for p in items]
    if not all(isinstance(a, ArrayInfo) and a.shape is not None for a in arrays):
        return ArrayInfo(shape=None)
    shapes = [
        (1, *a.shape) if vertical and a.shape is not None and len(a.shape) == 1 else a.shape
        for a in arrays
    ]
    rest = {sh[1:] for sh in shapes if sh is not None}
    if len(rest) != 1 or any(not sh for sh in shapes if sh is not None):
        return ArrayInfo(shape=None)
    firsts = [sh[0] if sh else None for sh in shapes]
    n = None if any(f is None for f in firsts) else sum(f for f in firsts if f is not None)
    shape = (n, *rest.pop())
    lows, highs = [a.low for a in arrays], [a.high for a in arrays]
    low = None if None in lows else min(x for x in lows if x is not None)
    high = None if None in highs else max(x for x in highs if x is not None)
    constants = {a.low for a in arrays if a.low is not None and a.low == a.high}
    if len(constants) == 2 and constants == {0.0, 1.0} and all(a.low == a.high for a in arrays):
        return ArrayInfo(shape, "float", "int", 2, 0.0, 1.0)
    kinds = {a.kind for a in arrays}
    return ArrayInfo(shape, kinds.pop() if len(kinds) == 1 else None, low=low, high=high)


def argmax(a: ArrayInfo, axis: Any) -> ArrayInfo:
    """``np.argmax(y_onehot, axis=1)``: one-hot rows back to class indices."""
    ax = as_int(axis)
    if a.shape is None or ax is None or not -len(a.shape) <= ax < len(a.shape):
        return ArrayInfo(shape=None, kind="int")
    shape = list(a.shape)
    last = ax in (-1, len(a.shape) - 1)
    del shape[ax]
    if a.encoding == "onehot" and last:
        n = a.n_classes
        high = float(n - 1) if n else None
        return ArrayInfo(tuple(shape), "int", "int", n, 0.0, high)
    return ArrayInfo(tuple(shape), "int")


def int_values(value: Any) -> list[int] | None:
    from seqlint.extract.values import ListVal

    items = (
        value.items if isinstance(value, ListVal) else value if isinstance(value, tuple) else None
    )
    if items and all(as_int(v) is not None for v in items):
        return [int(v) for v in items]
    return None


def array_of(value: Any) -> Any:
    from seqlint.extract.values import ListVal, Maybe

    if isinstance(value, ArrayInfo):
        return value
    if isinstance(value, (ListVal, tuple)):
        items = value.items if isinstance(value, ListVal) else list(value)
        if not items:
            return ArrayInfo(shape=(0,))
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in items):
            return ArrayInfo(
                shape=(len(items),),
                kind="int" if all(isinstance(v, int) for v in items) else "float",
                low=float(min(items)),
                high=float(max(items)),
            )
        if any(isinstance(v, Maybe) for v in items):
            return _appended(items)
        rows = _unknown_rows(items)
        if rows is not None:
            return ArrayInfo(shape=(len(items), rows))
        inner = [array_of(v) for v in items]
        if all(isinstance(a, ArrayInfo) and a.shape is not None for a in inner):
            first = inner[0].shape
            if all(a.shape == first for a in inner):
                # nested literals (``[[0], [1], [1], [0]]``) keep their kind and value range
                lows = [a.low for a in inner]
                highs = [a.high for a in inner]
                kinds = {a.kind for a in inner}
                return ArrayInfo(
                    shape=(len(items), *first),
                    kind=kinds.pop() if len(kinds) == 1 else None,
                    low=None if None in lows else min(x for x in lows if x is not None),
                    high=None if None in highs else max(x for x in highs if x is not None),
                )
        return ArrayInfo(shape=None)
    return ArrayInfo(shape=None)


def _appended(items: list[Any]) -> ArrayInfo:
    """A list some of whose items were appended a number of times that is not known (in a loop
    over unknown data): when every item is an array of one known shape (``label.reshape(1, 3)``
    each time), the array of them has that shape under an unknown number of rows."""
    from seqlint.extract.values import Maybe

    parts = [v.value if isinstance(v, Maybe) else v for v in items]
    first = parts[0]
    if all(
        isinstance(p, ArrayInfo)
        and not isinstance(p, Batches)
        and p.shape is not None
        and None not in p.shape
        and p.shape == first.shape
        for p in parts
    ):
        kinds = {p.kind for p in parts}
        return ArrayInfo(shape=(None, *first.shape), kind=kinds.pop() if len(kinds) == 1 else None)
    return ArrayInfo(shape=None)


def _unknown_rows(items: list[Any]) -> int | None:
    """The row length of a list of rows of the same length whose items are numbers or unknown,
    some unknown (``[[a], [b], [c]]``: three one-feature rows): the items of such a literal
    table are taken as scalars; a flat ``[a, b]`` of unknowns (often images) is not."""
    from seqlint.extract.values import ListVal

    lengths = set()
    unknown = False
    for row in items:
        cells = row.items if isinstance(row, ListVal) else row if isinstance(row, tuple) else None
        if cells is None:
            return None
        for cell in cells:
            if cell is UNKNOWN:
                unknown = True
            elif isinstance(cell, bool) or not isinstance(cell, (int, float)):
                return None
        lengths.add(len(cells))
    return lengths.pop() if unknown and len(lengths) == 1 else None


def expand(a: ArrayInfo, axis: int | None) -> ArrayInfo:
    if a.shape is None or axis is None:
        return ArrayInfo(shape=None, kind=a.kind)
    shape = list(a.shape)
    pos = axis if axis >= 0 else len(shape) + 1 + axis
    if not 0 <= pos <= len(shape):
        return ArrayInfo(shape=None, kind=a.kind)
    shape.insert(pos, 1)
    return _relabelled(a, tuple(shape))


def _relabelled(a: ArrayInfo, shape: tuple[Any, ...] | None) -> ArrayInfo:
    """``a`` with a new shape; its label encoding survives when only size-1 axes came or went
    (``y.reshape(-1, 1)``, ``np.expand_dims(y, -1)``) and a one-hot axis stays last."""
    keep = (
        a.encoding is not None
        and a.shape is not None
        and shape is not None
        and None not in a.shape
        and None not in shape
        and [d for d in a.shape if d != 1] == [d for d in shape if d != 1]
        and (a.encoding != "onehot" or (bool(shape) and shape[-1] == a.shape[-1]))
    )
    if not keep:
        return ArrayInfo(shape=shape, kind=a.kind, low=a.low, high=a.high, permuted=a.permuted)
    return ArrayInfo(shape, a.kind, a.encoding, a.n_classes, a.low, a.high, permuted=a.permuted)


def one_hot(y: Any, n: Any) -> ArrayInfo:
    """``to_categorical(y, n)``: one-hot rows of ``n`` classes (the labels' own class count
    when ``n`` is None); a trailing axis of size 1 of the labels is replaced."""
    n_classes = as_int(n)
    if n_classes is None and isinstance(y, ArrayInfo) and y.encoding == "int":
        n_classes = y.n_classes if n is None else None
    shape: tuple[Any, ...] | None = None
    if isinstance(y, ArrayInfo) and y.shape is not None:
        base = y.shape
        if len(base) >= 2 and base[-1] == 1:
            base = base[:-1]
        shape = (*base, n_classes)
    return ArrayInfo(
        shape=shape,
        kind="float",
        encoding="onehot",
        n_classes=n_classes,
        low=0.0,
        high=1.0,
        permuted=isinstance(y, ArrayInfo) and y.permuted,
    )


def reshape(a: ArrayInfo, args: tuple[Any, ...]) -> ArrayInfo:
    target = _dims_arg(args)
    if target is None or target.count(-1) > 1 or any(d is not None and d < -1 for d in target):
        return ArrayInfo(shape=None, kind=a.kind, low=a.low, high=a.high)
    if None in target:
        # ``x.reshape((x.shape[0], 28, 28, 1))`` with the row count unknown: the other axes are
        # known all the same (a -1 among them is of unknown size too)
        unknown = tuple(None if d == -1 else d for d in target)
        return ArrayInfo(shape=unknown, kind=a.kind, low=a.low, high=a.high)
    if target.count(-1) == 1:
        total = element_count(a.shape)
        known = math.prod(d for d in target if d != -1)
        fill = None if total is None or known == 0 or total % known else total // known
        target = tuple(fill if d == -1 else d for d in target)
    return _relabelled(a, target)


def element_count(shape: tuple[Any, ...] | None) -> int | None:
    if shape is None or any(d is None for d in shape):
        return None
    return math.prod(shape)


def astype(a: ArrayInfo, dtype: Any) -> ArrayInfo:
    """``a.astype(dtype)``: the same values as ints or floats; ``"float32"``, ``np.float32``
    (a Ref) and the builtin ``int`` / ``float`` (a Builtin) are read alike."""
    kind = a.kind
    found = dtype if isinstance(dtype, str) else getattr(dtype, "qualname", None)
    if not isinstance(found, str):
        found = getattr(dtype, "name", "")
    dtype_name = found.rsplit(".", 1)[-1] if isinstance(found, str) else ""
    if "int" in dtype_name:
        kind = "int"
    elif "float" in dtype_name:
        kind = "float"
    if a.kind == "bool" and kind in ("int", "float"):
        # ``(x > 0.5).astype("float32")``: still two classes, as 0.0 / 1.0
        return ArrayInfo(a.shape, kind, "int", 2, 0.0, 1.0, permuted=a.permuted)
    return ArrayInfo(a.shape, kind, a.encoding, a.n_classes, a.low, a.high, permuted=a.permuted)


def attribute(a: ArrayInfo, name: str) -> Any:
    if isinstance(a, Batches):
        return NOT_HANDLED  # (its methods; it has no array attributes)
    if name == "shape":
        if a.shape is None:
            return UNKNOWN
        return tuple(UNKNOWN if d is None else d for d in a.shape)
    if name == "ndim":
        return UNKNOWN if a.shape is None else len(a.shape)
    if name == "T":
        return ArrayInfo(None if a.shape is None else tuple(reversed(a.shape)), a.kind)
    if name == "size":
        size = element_count(a.shape)
        return UNKNOWN if size is None else size
    return NOT_HANDLED


def length(a: ArrayInfo) -> Any:
    if a.shape and a.shape[0] is not None:
        return a.shape[0]
    return UNKNOWN


def subscript(a: ArrayInfo, index: Any) -> Any:
    """``a[i]``, ``a[:n]``, ``a[..., None]``; ``index`` items are ints, slices, Ellipsis,
    None (newaxis), or ArrayInfo (fancy indexing)."""
    if isinstance(a, Batches):
        return _batch_at(a, index)
    if isinstance(index, ArrayInfo):
        return _picked(a, index)
    items = index if isinstance(index, tuple) else (index,)
    if a.shape is None:
        return ArrayInfo(shape=None, kind=a.kind, low=a.low, high=a.high)
    if any(i is UNKNOWN for i in items) or sum(i is Ellipsis for i in items) > 1:
        return ArrayInfo(shape=None, kind=a.kind)
    n_consuming = sum(1 for i in items if i is not None and i is not Ellipsis)
    if n_consuming > len(a.shape):
        return ArrayInfo(shape=None, kind=a.kind)
    expanded: list[Any] = []
    for i in items:
        if i is Ellipsis:
            expanded += [slice(None)] * (len(a.shape) - n_consuming)
        else:
            expanded.append(i)
    shape: list[Any] = []
    axis = 0
    for i in expanded:
        if i is None:
            shape.append(1)
            continue
        dim = a.shape[axis]
        axis += 1
        if isinstance(i, slice):
            literal = all(as_int(v) is not None for v in (i.start, i.stop, i.step) if v is not None)
            if dim is not None and literal:
                shape.append(len(range(*i.indices(dim))))
            else:
                shape.append(_columns_sliced(i, axis - 1) if literal else None)
        elif isinstance(i, int):
            continue  # integer index drops the axis
        else:
            return ArrayInfo(shape=None, kind=a.kind)
    shape += list(a.shape[axis:])
    if not shape:
        return UNKNOWN  # a scalar element
    return ArrayInfo(
        tuple(shape), a.kind, a.encoding, a.n_classes, a.low, a.high, permuted=a.permuted
    )


def _columns_sliced(i: slice, axis: int) -> int | None:
    """How many items ``start:stop`` takes from an axis of unknown size past the first
    (``data[:, 0:60]``): ``stop - start`` for non-negative literal bounds, as code that names
    those positions means the data has them; rows sliced (``x[:1000]``) stay unknown."""
    start, stop = i.start or 0, i.stop
    if axis == 0 or i.step is not None or stop is None or not 0 <= start < stop:
        return None
    return int(stop - start)


def _picked(a: ArrayInfo, index: ArrayInfo) -> ArrayInfo:
    """``a[idx]`` with an integer array: rows picked."""
    # np.eye(n)[labels]: one-hot rows picked by integer labels
    if a.encoding == "onehot" and index.shape is not None and a.shape is not None:
        return ArrayInfo(
            shape=(*index.shape, *a.shape[1:]),
            kind=a.kind,
            encoding="onehot",
            n_classes=a.n_classes,
            low=0.0,
            high=1.0,
        )
    if (
        index.shape is not None
        and len(index.shape) == 1
        and index.kind == "int"
        and a.shape is not None
        and a.shape
    ):
        # a[np.random.permutation(n)]: rows picked (shuffled), values and labels kept
        return ArrayInfo(
            (index.shape[0], *a.shape[1:]), a.kind, a.encoding, a.n_classes, a.low, a.high
        )
    return ArrayInfo(shape=None, kind=a.kind)


def _batch_at(b: Batches, index: Any) -> Any:
    """``gen[i]`` of a Keras generator (a ``keras.utils.Sequence``): batch ``i``, an
    ``(inputs, targets)`` tuple, not an array of samples; other indexing is unknown."""
    if b.source != "generator" or not isinstance(index, int) or isinstance(index, bool):
        return UNKNOWN
    targets = b.targets if b.targets is not None else UNKNOWN
    return (ArrayInfo(b.shape, b.kind), targets)


def broadcast(a: tuple[Any, ...] | None, b: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
    """NumPy's broadcast of two shapes; None when unknown or incompatible."""
    if a is None or b is None:
        return None
    out: list[Any] = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x == 1:
            out.append(y)
        elif y == 1 or x == y:
            out.append(x)
        elif x is None or y is None:
            out.append(None)
        else:
            return None
    return tuple(reversed(out))


def matmul_shape(a: tuple[Any, ...] | None, b: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
    """``a @ b`` for the 1-D and 2-D cases scripts use to make targets."""
    if a is None or b is None or not a or not b or len(a) > 2 or len(b) > 2:
        return None
    inner_a = a[-1]
    inner_b = b[0]
    if inner_a is not None and inner_b is not None and inner_a != inner_b:
        return None
    return (*a[:-1], *b[1:])


def compare(left: Any, right: Any) -> Any:
    """``x > 0.5``: a boolean array of the same shape (0/1 once cast to int)."""
    arr = left if isinstance(left, ArrayInfo) else right
    other = right if arr is left else left
    if isinstance(other, ArrayInfo):
        shape = broadcast(arr.shape, other.shape)
    elif as_num(other) is not None:
        shape = arr.shape
    else:
        return UNKNOWN
    return ArrayInfo(shape=shape, kind="bool", low=0.0, high=1.0)


def binop(op: str, left: Any, right: Any) -> Any:
    """Elementwise arithmetic between arrays and numbers."""
    la, ra = isinstance(left, ArrayInfo), isinstance(right, ArrayInfo)
    if op == "@":
        if la and ra:
            return ArrayInfo(shape=matmul_shape(left.shape, right.shape), kind="float")
        return ArrayInfo(shape=None, kind="float")
    if la and ra:
        return ArrayInfo(shape=broadcast(left.shape, right.shape), kind="float")
    arr, num = (left, right) if la else (right, left)
    scalar = as_num(num)
    shape = arr.shape
    if scalar is None:
        return ArrayInfo(shape=shape if isinstance(num, (int, float)) else None, kind="float")
    lo, hi = arr.low, arr.high
    if lo is None or hi is None:
        return ArrayInfo(shape=shape, kind="float")
    try:
        if op == "+":
            lo, hi = lo + scalar, hi + scalar
        elif op == "-":
            lo, hi = (lo - scalar, hi - scalar) if la else (scalar - hi, scalar - lo)
        elif op == "*":
            lo, hi = sorted((lo * scalar, hi * scalar))
        elif op == "/" and la and scalar != 0:
            lo, hi = sorted((lo / scalar, hi / scalar))
        else:
            return ArrayInfo(shape=shape, kind="float")
    except (OverflowError, ZeroDivisionError):
        return ArrayInfo(shape=shape, kind="float")
    kind = arr.kind if op in "+-*" and isinstance(num, int) else "float"
    return ArrayInfo(shape=shape, kind=kind, low=lo, high=hi)


def element(a: Any) -> Any:
    """One slice of ``a`` along its first axis (a sample of a dataset), labels kept."""
    if not isinstance(a, ArrayInfo) or a.shape is None or not a.shape:
        return UNKNOWN if a is not None else None
    return ArrayInfo(a.shape[1:], a.kind, a.encoding, a.n_classes, a.low, a.high)


def stacked(a: Any) -> Any:
    """Samples ``a`` stacked along a new first axis of unknown size (what ``.batch()``
    slices them back from)."""
    if not isinstance(a, ArrayInfo) or a.shape is None:
        return a if a is None else ArrayInfo(None)
    return ArrayInfo((None, *a.shape), a.kind, a.encoding, a.n_classes, a.low, a.high)


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if not (isinstance(a, ArrayInfo) and isinstance(b, ArrayInfo)):
        return False
    return (a.shape, a.kind, a.encoding, a.n_classes) == (b.shape, b.kind, b.encoding, b.n_classes)


def generator_batches(yielded: list[Any]) -> Batches:
    """A generator object, from what its ``yield`` statements gave: ``(x, y)`` (or ``(x, y,
    weights)``) batches, the same at every yield, else nothing known. ``pending`` keeps the
    yields as elements, for ``tf.data.Dataset.from_generator``."""
    pairs: list[tuple[Any, Any]] = []
    for value in yielded:
        if isinstance(value, tuple) and len(value) in (2, 3):
            pairs.append((value[0], value[1]))
        elif isinstance(value, ArrayInfo):
            pairs.append((value, None))
        else:
            return Batches(None, source="generator")
    if not pairs or any(
        not (_same(x, pairs[0][0]) and _same(y, pairs[0][1])) for x, y in pairs[1:]
    ):
        return Batches(None, source="generator")
    x, y = pairs[0]
    xb = batched(x)
    return Batches(
        None if xb is None else xb.shape,
        targets=batched(y),
        source="generator",
        pending=(stacked(x), stacked(y)),
    )
