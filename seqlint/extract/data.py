"""Static knowledge of the arrays a script builds: shapes, label encodings, value ranges.

Only what is certain is kept: ``np.random.rand(100, 10)`` has shape ``(100, 10)`` and values in
[0, 1); ``to_categorical(y, 3)`` is one-hot with 3 classes. Anything else is unknown.
"""

from __future__ import annotations

import dataclasses
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


# flow_from_directory(class_mode=...): the labels each batch carries (n: folders, unknown)
_CLASS_MODES = {
    "binary": lambda: ArrayInfo((None,), "float", "int", 2, 0.0, 1.0),
    "sparse": lambda: ArrayInfo((None,), "float", "int", None, 0.0, None),
    "categorical": lambda: ArrayInfo((None, None), "float", "onehot", None, 0.0, 1.0),
}
_CHANNELS = {"rgb": 3, "grayscale": 1, "rgba": 4}
# tf.data methods that keep what a dataset yields
_DATASET_SAME = frozenset({"shuffle", "prefetch", "repeat", "cache", "take", "skip"})


def _batched(a: Any) -> ArrayInfo | None:
    """An element array (one sample, or a tensor sliced along its first axis) as a batch."""
    if not isinstance(a, ArrayInfo) or a.shape is None:
        return None
    return ArrayInfo((None, *a.shape[1:]), a.kind, a.encoding, a.n_classes, a.low, a.high)


def batches_method(b: Batches, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``datagen.flow_from_directory(...)``, ``datagen.flow(x, y)``, ``ds.batch(32)``, ..."""
    x: Any  # an ArrayInfo made here, or the argument a call passed
    if b.source == "ImageDataGenerator" and name == "flow_from_directory":
        mode = kwargs.get("class_mode", "categorical")
        size = shape_of(kwargs.get("target_size", (256, 256)))
        color = kwargs.get("color_mode", "rgb")
        channels = _CHANNELS.get(color) if isinstance(color, str) else None
        x_shape = (None, *size, channels) if size is not None and channels else None
        x = ArrayInfo(x_shape, "float")
        if mode is None:
            targets = None
        elif mode == "input":
            targets = x
        elif isinstance(mode, str) and mode in _CLASS_MODES:
            targets = _CLASS_MODES[mode]()
        else:
            return UNKNOWN
        return Batches(x_shape, "float", targets=targets, source="generator")
    if b.source == "ImageDataGenerator" and name == "flow":
        x = args[0] if args else kwargs.get("x")
        y = args[1] if len(args) > 1 else kwargs.get("y")
        xb = _batched(x)
        return Batches(
            None if xb is None else xb.shape,
            targets=_batched(y),
            source="generator",
        )
    if b.source == "tf.data":
        if name in _DATASET_SAME:
            return b
        if name == "batch" and b.pending is not None:
            x, y = b.pending
            xb = _batched(x)
            return Batches(None if xb is None else xb.shape, targets=_batched(y), source="tf.data")
    return UNKNOWN


def _int(v: Any) -> int | None:
    if isinstance(v, bool) or not isinstance(v, int):
        return None
    return v


def shape_of(value: Any) -> tuple[Any, ...] | None:
    """A shape argument (``(3, 4)``, ``5``, ``[2, 2]``) as a tuple of int/None, or None."""
    from seqlint.extract.values import ListVal

    if isinstance(value, ListVal):
        value = tuple(value.items)
    if isinstance(value, tuple):
        return tuple(_int(v) for v in value)
    n = _int(value)
    if n is not None:
        return (n,)
    return None


def _dims_arg(args: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if len(args) == 1 and not isinstance(_int(args[0]), int):
        return shape_of(args[0])
    return tuple(_int(a) for a in args)


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def _float_array(shape: tuple[Any, ...] | None, low: Any, high: Any) -> ArrayInfo:
    return ArrayInfo(shape=shape, kind="float", low=_num(low), high=_num(high))


def _dataset(x: tuple[Any, ...], y: tuple[Any, ...], n_classes: int | None, xhigh: float):
    def part(n: int) -> tuple[ArrayInfo, ArrayInfo]:
        xs = ArrayInfo(shape=(n, *x), kind="int", low=0.0, high=xhigh)
        ys = ArrayInfo(
            shape=(n, *y),
            kind="int" if n_classes else "float",
            encoding="int" if n_classes else None,
            n_classes=n_classes,
            low=0.0 if n_classes else None,
            high=float(n_classes - 1) if n_classes else None,
        )
        return xs, ys

    return part


# (x per-sample shape, y per-sample shape, classes, x max, n_train, n_test)
_DATASETS = {
    "mnist": ((28, 28), (), 10, 255.0, 60000, 10000),
    "fashion_mnist": ((28, 28), (), 10, 255.0, 60000, 10000),
    "cifar10": ((32, 32, 3), (1,), 10, 255.0, 50000, 10000),
    "cifar100": ((32, 32, 3), (1,), 100, 255.0, 50000, 10000),
}


# word-index datasets: (n_train, n_test, classes, highest word id without num_words)
_TEXT_DATASETS = {"imdb": (25000, 25000, 2, 88587), "reuters": (8982, 2246, 46, 30981)}


def _text_dataset(ds: str, kwargs: dict[str, Any]) -> Any:
    """imdb / reuters: variable-length lists of word ids (1 = start, 2 = out of vocabulary)."""
    n_train, n_test, n_classes, top = _TEXT_DATASETS[ds]
    words = kwargs.get("num_words")
    if words is not None and _int(words) is None:
        return NOT_HANDLED
    high = float(min(top, words - 1)) if words else float(top)

    def part(n: int) -> tuple[ArrayInfo, ArrayInfo]:
        xs = ArrayInfo(shape=(n, None), kind="int", low=1.0, high=high)
        ys = ArrayInfo((n,), "int", "int", n_classes, 0.0, float(n_classes - 1))
        return xs, ys

    return (part(n_train), part(n_test))


def pad_sequences(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``pad_sequences(seqs, maxlen=200)``: ids padded with 0 to a fixed length."""
    seqs = args[0] if args else kwargs.get("sequences")
    maxlen = _int(kwargs.get("maxlen", args[1] if len(args) > 1 else None))
    n = seqs.shape[0] if isinstance(seqs, ArrayInfo) and seqs.shape else None
    high = seqs.high if isinstance(seqs, ArrayInfo) else None
    return ArrayInfo(shape=(n, maxlen), kind="int", low=0.0, high=high)


def call(qualname: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The value of calling a NumPy / Keras data function, or NOT_HANDLED."""
    y: Any  # a dataset table's entry, or the arrays a loader returns
    q = qualname
    if q.startswith("keras.datasets.") and q.endswith(".load_data"):
        ds = q[len("keras.datasets.") : -len(".load_data")]
        if ds in _DATASETS and not args and not kwargs:
            x, y, n_classes, xhigh, n_train, n_test = _DATASETS[ds]
            part = _dataset(x, y, n_classes, xhigh)
            return (part(n_train), part(n_test))
        if ds in _TEXT_DATASETS and not args and set(kwargs) <= {"num_words", "maxlen"}:
            return _text_dataset(ds, kwargs)
        if ds == "boston_housing" and not args:
            x13 = ArrayInfo(shape=(404, 13), kind="float", low=0.0, high=711.0)
            test = ArrayInfo(shape=(102, 13), kind="float", low=0.0, high=711.0)
            y = (ArrayInfo((404,), "float", low=5.0, high=50.0), ArrayInfo((102,), "float"))
            return ((x13, y[0]), (test, ArrayInfo((102,), "float", low=5.0, high=50.0)))
        return NOT_HANDLED
    if q.startswith("sklearn.datasets.") and q.rsplit(".", 1)[-1] in _SKLEARN_MAKERS:
        return sklearn_samples(q.rsplit(".", 1)[-1], args, kwargs)
    if q.endswith(".pad_sequences") and q.startswith("keras."):
        return pad_sequences(args, kwargs)
    if q.endswith("to_categorical") and (q.startswith("keras.") or q == "to_categorical"):
        return to_categorical(args, kwargs)
    if q == "keras.preprocessing.image.ImageDataGenerator":
        return Batches(None, source="ImageDataGenerator")
    if q.startswith("tensorflow."):
        return tf_call(q[len("tensorflow.") :], args, kwargs)
    if not q.startswith("numpy."):
        return NOT_HANDLED
    name = q[len("numpy.") :]
    if name in ("random.shuffle", "random.permutation") and args and isinstance(args[0], ArrayInfo):
        arr = args[0]
        if name == "random.shuffle":
            arr.permuted = True  # in place
            return None
        return dataclasses.replace(arr, permuted=True)
    if name in ("random.rand",):
        return _float_array(tuple(_int(a) for a in args), 0.0, 1.0)
    if name in ("random.random", "random.random_sample", "random.sample"):
        shape = shape_of(args[0] if args else kwargs.get("size", ())) if (args or kwargs) else ()
        return _float_array(shape, 0.0, 1.0)
    if name == "random.randn":
        return _float_array(tuple(_int(a) for a in args), None, None)
    if name == "random.choice":
        population = args[0] if args else kwargs.get("a")
        size = kwargs.get("size", args[1] if len(args) > 1 else None)
        shape = () if size is None else shape_of(size)
        n = _int(population)
        values = _int_values(population)
        if n is not None:
            values = list(range(n))
        if values and min(values) >= 0:
            return ArrayInfo(
                shape, "int", "int", max(values) + 1, float(min(values)), float(max(values))
            )
        return ArrayInfo(shape=shape)
    if name == "random.multivariate_normal":
        # (mean, cov, size): samples of len(mean) values each (fchollet's two-class toy data)
        mean = kwargs.get("mean", args[0] if args else None)
        size = kwargs.get("size", args[2] if len(args) > 2 else None)
        from seqlint.extract.values import ListVal

        width = len(mean.items) if isinstance(mean, ListVal) else None
        rows = () if size is None else shape_of(size)
        return _float_array(None if rows is None else (*rows, width), None, None)
    if name in ("random.normal", "random.uniform", "random.standard_normal"):
        size = kwargs.get("size", args[2] if len(args) > 2 else None)
        if name == "random.standard_normal":
            size = kwargs.get("size", args[0] if args else None)
        shape = () if size is None else shape_of(size)
        if name == "random.uniform":
            low = kwargs.get("low", args[0] if args else 0.0)
            high = kwargs.get("high", args[1] if len(args) > 1 else 1.0)
            return _float_array(shape, low, high)
        return _float_array(shape, None, None)
    if name == "random.randint":
        low = kwargs.get("low", args[0] if args else UNKNOWN)
        high = kwargs.get("high", args[1] if len(args) > 1 else None)
        size = kwargs.get("size", args[2] if len(args) > 2 else None)
        if high is None:
            low, high = 0, low
        lo, hi = _int(low), _int(high)
        shape = () if size is None else shape_of(size)
        return ArrayInfo(
            shape=shape,
            kind="int",
            encoding="int" if lo is not None and lo >= 0 else None,
            n_classes=hi if lo is not None and lo >= 0 else None,
            low=_num(lo),
            high=None if hi is None else float(hi - 1),
        )
    if name in ("zeros", "ones", "empty", "full"):
        shape = shape_of(args[0] if args else kwargs.get("shape", UNKNOWN))
        value = {"zeros": 0.0, "ones": 1.0}.get(name)
        if name == "full":
            value = _num(args[1] if len(args) > 1 else kwargs.get("fill_value"))
        return ArrayInfo(shape=shape, low=value, high=value)
    if name == "eye":
        n = _int(args[0] if args else kwargs.get("N"))
        return ArrayInfo(shape=(n, n), kind="float", encoding="onehot", n_classes=n, low=0, high=1)
    if name == "arange":
        if len(args) == 1 and _int(args[0]) is not None:
            return ArrayInfo(shape=(args[0],), kind="int", low=0.0, high=float(args[0] - 1))
        return ArrayInfo(shape=(None,))
    if name == "linspace":
        num = _int(kwargs.get("num", args[2] if len(args) > 2 else 50))
        return ArrayInfo(shape=(num,), kind="float")
    if name == "random.permutation" and len(args) == 1 and not kwargs:
        n = _int(args[0])
        if n is not None:
            return ArrayInfo((n,), "int", low=0.0, high=float(n - 1))
        return args[0] if isinstance(args[0], ArrayInfo) else NOT_HANDLED
    if name in ("vstack", "concatenate", "row_stack") and args:
        axis = kwargs.get("axis", args[1] if len(args) > 1 else 0)
        return stack_rows(args[0], vertical=name != "concatenate") if axis == 0 else NOT_HANDLED
    if name in ("prod", "product") and len(args) == 1 and not kwargs:
        # ``np.prod(shape)``: the element count of a known shape (Dense(np.prod(img_shape)))
        values = _int_values(args[0])
        return math.prod(values) if values is not None else NOT_HANDLED
    if name in ("array", "asarray"):
        return array_of(args[0]) if args else NOT_HANDLED
    if name == "expand_dims" and args and isinstance(args[0], ArrayInfo):
        axis = _int(kwargs.get("axis", args[1] if len(args) > 1 else None))
        return expand(args[0], axis)
    if name == "argmax" and args and isinstance(args[0], ArrayInfo):
        return argmax(args[0], kwargs.get("axis", args[1] if len(args) > 1 else None))
    return NOT_HANDLED


# sklearn.datasets sample generators: (parameter names in positional order, defaults)
_SKLEARN_MAKERS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "make_classification": (("n_samples", "n_features"), {"n_features": 20, "n_classes": 2}),
    "make_multilabel_classification": (
        ("n_samples", "n_features"),
        {"n_features": 20, "n_classes": 5},
    ),
    "make_blobs": (("n_samples", "n_features"), {"n_features": 2, "centers": None}),
    "make_moons": (("n_samples",), {}),
    "make_circles": (("n_samples",), {}),
}
# keywords that change what comes back (sparse matrices, label lists, extra outputs)
_SKLEARN_RESHAPING = {
    "sparse": False,
    "return_indicator": "dense",
    "return_distributions": False,
    "return_centers": False,
    "return_X_y": True,
}


def sklearn_samples(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``X, y = make_classification(...)`` and friends: X is float ``(n, n_features)``, y holds
    class indices, or (multi-label) a 0/1 indicator matrix ``(n, n_classes)``."""
    order, defaults = _SKLEARN_MAKERS[name]
    if len(args) > len(order):
        return NOT_HANDLED  # old positional signatures: not worth guessing
    given = {**defaults, **dict(zip(order, args, strict=False)), **kwargs}
    for key, value in _SKLEARN_RESHAPING.items():
        if (
            key in given
            and given[key] != value
            and not (key == "return_indicator" and given[key] is True)
        ):
            return NOT_HANDLED
    n = _int(given.get("n_samples", 100))
    features = 2 if name in ("make_moons", "make_circles") else _int(given["n_features"])
    classes: int | None = 2
    if name in ("make_classification", "make_multilabel_classification"):
        classes = _int(given["n_classes"])
    elif name == "make_blobs":
        centers = given["centers"]
        classes = _int(centers)
        if centers is None:
            # three centres, unless n_samples counts the samples of each centre
            classes = 3 if n is not None else None
        if classes is None and centers is not None:
            return NOT_HANDLED  # centers given as coordinates: as many classes as rows
    x = ArrayInfo((n, features), "float")
    if name == "make_multilabel_classification":
        # a 0/1 indicator per class (several may be set): not one-hot, not class indices
        return (x, ArrayInfo((n, classes), "int", low=0.0, high=1.0))
    high = None if classes is None else float(classes - 1)
    return (x, ArrayInfo((n,), "int", "int", classes, 0.0, high))


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
    ax = _int(axis)
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


def _int_values(value: Any) -> list[int] | None:
    from seqlint.extract.values import ListVal

    items = (
        value.items if isinstance(value, ListVal) else value if isinstance(value, tuple) else None
    )
    if items and all(_int(v) is not None for v in items):
        return [int(v) for v in items]
    return None


def tf_call(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """tf.random.normal / tf.zeros / tf.one_hot and friends (shape first)."""
    if name in ("random.normal", "random.uniform", "random.truncated_normal", "zeros", "ones"):
        shape = shape_of(args[0] if args else kwargs.get("shape"))
        if name == "random.uniform":
            low = kwargs.get("minval", args[1] if len(args) > 1 else 0.0)
            high = kwargs.get("maxval", args[2] if len(args) > 2 else 1.0)
            return _float_array(shape, low, high)
        value = {"zeros": 0.0, "ones": 1.0}.get(name)
        return ArrayInfo(shape=shape, kind="float", low=value, high=value)
    if name == "data.Dataset.from_tensor_slices" and args:
        # elements are slices along the first axis: batching restores a (free) batch axis
        items = args[0]
        x, y = (
            (items[0], items[1]) if isinstance(items, tuple) and len(items) == 2 else (items, None)
        )
        return Batches(None, source="tf.data", pending=(x, y))
    if name == "one_hot":
        depth = _int(kwargs.get("depth", args[1] if len(args) > 1 else None))
        y = args[0] if args else kwargs.get("indices")
        shape = (*y.shape, depth) if isinstance(y, ArrayInfo) and y.shape is not None else None
        return ArrayInfo(shape, "float", "onehot", depth, 0.0, 1.0)
    return NOT_HANDLED


def array_of(value: Any) -> Any:
    from seqlint.extract.values import ListVal

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


def to_categorical(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    y = args[0] if args else kwargs.get("y", kwargs.get("x", UNKNOWN))
    n = kwargs.get("num_classes", args[1] if len(args) > 1 else None)
    n_classes = _int(n)
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
    if target is None or any(d is None for d in target):
        return ArrayInfo(shape=None, kind=a.kind, low=a.low, high=a.high)
    if target.count(-1) == 1:
        total = _size(a.shape)
        known = math.prod(d for d in target if d != -1)
        fill = None if total is None or known == 0 or total % known else total // known
        target = tuple(fill if d == -1 else d for d in target)
    return _relabelled(a, target)


def _size(shape: tuple[Any, ...] | None) -> int | None:
    if shape is None or any(d is None for d in shape):
        return None
    return math.prod(shape)


def method(a: ArrayInfo, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if isinstance(a, Batches):
        return batches_method(a, name, args, kwargs)
    if name == "reshape":
        return reshape(a, args)
    if name == "astype":
        kind = a.kind
        dtype = args[0] if args else kwargs.get("dtype")
        # "float32", np.float32 (a Ref) or the builtin int / float (a Builtin)
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
    if name in ("copy",):
        return a
    if name in ("flatten", "ravel"):
        return ArrayInfo(shape=(_size(a.shape),), kind=a.kind, low=a.low, high=a.high)
    if name == "argmax":
        return argmax(a, kwargs.get("axis", args[0] if args else None))
    if name in ("sum", "mean", "max", "min", "std"):
        axis = kwargs.get("axis", args[0] if args else None)
        if axis is None:
            return UNKNOWN
        ax = _int(axis)
        if a.shape is None or ax is None or not -len(a.shape) <= ax < len(a.shape):
            return ArrayInfo(shape=None)
        shape = list(a.shape)
        del shape[ax]
        return ArrayInfo(shape=tuple(shape), kind="float")
    return UNKNOWN


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
        size = _size(a.shape)
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
            if dim is None or not all(
                v is None or (isinstance(v, int) and not isinstance(v, bool))
                for v in (i.start, i.stop, i.step)
            ):
                shape.append(None)
            else:
                shape.append(len(range(*i.indices(dim))))
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
    elif _num(other) is not None:
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
    scalar = _num(num)
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
