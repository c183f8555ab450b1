"""Keras's data helpers: the bundled datasets, ``pad_sequences``, ``to_categorical`` and the
``ImageDataGenerator`` pipeline, each with its Keras signature (Keras 2 spellings where Keras 3
renamed a parameter)."""

from __future__ import annotations

from typing import Any

from seqlint.extract import data
from seqlint.extract.data import Batches, as_int, shape_of
from seqlint.extract.registry import NOT_HANDLED, Site, handles
from seqlint.ir import ArrayInfo
from seqlint.layers.base import UNKNOWN

_NO: Any = object()  # an argument not given

# ---- keras.datasets -------------------------------------------------------------------------

# image datasets: (x per-sample shape, y per-sample shape, classes, x max, n_train, n_test)
_IMAGES = {
    "mnist": ((28, 28), (), 10, 255.0, 60000, 10000),
    "fashion_mnist": ((28, 28), (), 10, 255.0, 60000, 10000),
    "cifar10": ((32, 32, 3), (1,), 10, 255.0, 50000, 10000),
    "cifar100": ((32, 32, 3), (1,), 100, 255.0, 50000, 10000),
}
# word-index datasets: (n_train, n_test, classes, highest word id without num_words)
_TEXTS = {"imdb": (25000, 25000, 2, 88587), "reuters": (8982, 2246, 46, 30981)}


def _images(name: str, n_classes: int) -> Any:
    """``(x_train, y_train), (x_test, y_test)``: uint8 pixels and integer class labels."""
    x, y, _, xhigh, n_train, n_test = _IMAGES[name]

    def part(n: int) -> tuple[ArrayInfo, ArrayInfo]:
        xs = ArrayInfo(shape=(n, *x), kind="int", low=0.0, high=xhigh)
        ys = ArrayInfo((n, *y), "int", "int", n_classes, 0.0, float(n_classes - 1))
        return xs, ys

    return (part(n_train), part(n_test))


@handles("keras.datasets.mnist.load_data")
def mnist(path: Any = "mnist.npz") -> Any:
    return _images("mnist", 10)


@handles("keras.datasets.fashion_mnist.load_data")
def fashion_mnist() -> Any:
    return _images("fashion_mnist", 10)


@handles("keras.datasets.cifar10.load_data")
def cifar10() -> Any:
    return _images("cifar10", 10)


@handles("keras.datasets.cifar100.load_data")
def cifar100(label_mode: Any = "fine") -> Any:
    """100 fine classes, or 20 coarse ones."""
    classes = {"fine": 100, "coarse": 20}.get(label_mode) if isinstance(label_mode, str) else None
    return NOT_HANDLED if classes is None else _images("cifar100", classes)


@handles("keras.datasets.imdb.load_data", "keras.datasets.reuters.load_data", site=True)
def word_ids(
    site: Site,
    path: Any = None,
    num_words: Any = None,
    skip_top: Any = 0,
    maxlen: Any = None,
    test_split: Any = 0.2,
    seed: Any = 113,
    start_char: Any = 1,
    oov_char: Any = 2,
    index_from: Any = 3,
) -> Any:
    """Variable-length lists of word ids (1 = start, 2 = out of vocabulary, below
    ``num_words``) and integer labels. (imdb has no ``test_split``; the ids' other parameters
    change their range and are not modelled.)"""
    n_train, n_test, n_classes, top = _TEXTS[site.qualname.split(".")[2]]
    if (skip_top, test_split, start_char, oov_char, index_from) != (0, 0.2, 1, 2, 3):
        return NOT_HANDLED
    if num_words is not None and as_int(num_words) is None:
        return NOT_HANDLED
    high = float(min(top, num_words - 1)) if num_words else float(top)

    def part(n: int) -> tuple[ArrayInfo, ArrayInfo]:
        xs = ArrayInfo(shape=(n, None), kind="int", low=1.0, high=high)
        ys = ArrayInfo((n,), "int", "int", n_classes, 0.0, float(n_classes - 1))
        return xs, ys

    return (part(n_train), part(n_test))


@handles("keras.datasets.boston_housing.load_data")
def boston_housing(path: Any = "boston_housing.npz", test_split: Any = 0.2, seed: Any = 113) -> Any:
    """13 float features, prices from 5 to 50 (thousands of dollars)."""
    if test_split != 0.2:
        return NOT_HANDLED
    x_train = ArrayInfo(shape=(404, 13), kind="float", low=0.0, high=711.0)
    x_test = ArrayInfo(shape=(102, 13), kind="float", low=0.0, high=711.0)
    y_train = ArrayInfo((404,), "float", low=5.0, high=50.0)
    y_test = ArrayInfo((102,), "float", low=5.0, high=50.0)
    return ((x_train, y_train), (x_test, y_test))


# ---- keras.utils ----------------------------------------------------------------------------


@handles("keras.utils.pad_sequences")
def pad_sequences(
    sequences: Any,
    maxlen: Any = None,
    dtype: Any = "int32",
    padding: Any = "pre",
    truncating: Any = "pre",
    value: Any = 0.0,
) -> ArrayInfo:
    """Ids padded with 0 to a fixed length: ``(n, maxlen)``."""
    n = sequences.shape[0] if isinstance(sequences, ArrayInfo) and sequences.shape else None
    high = sequences.high if isinstance(sequences, ArrayInfo) else None
    return ArrayInfo(shape=(n, as_int(maxlen)), kind="int", low=0.0, high=high)


@handles("keras.utils.to_categorical")
def to_categorical(
    x: Any = _NO, num_classes: Any = None, dtype: Any = "float32", *, y: Any = _NO
) -> ArrayInfo:
    """One-hot rows of ``num_classes`` (the labels' own class count when not given). Keras 3
    names the labels ``x``, Keras 2 ``y`` (and takes a ``dtype``)."""
    labels = x if x is not _NO else y if y is not _NO else UNKNOWN
    return data.one_hot(labels, num_classes)


# ---- ImageDataGenerator ---------------------------------------------------------------------


@handles("keras.preprocessing.image.ImageDataGenerator")
def image_data_generator(*args: Any, **kwargs: Any) -> Batches:
    """A generator of augmented image batches (its options change values, not shapes)."""
    return Batches(None, source="ImageDataGenerator")


# flow_from_directory(class_mode=...): the labels each batch carries (n: folders, unknown)
_CLASS_MODES = {
    "binary": lambda: ArrayInfo((None,), "float", "int", 2, 0.0, 1.0),
    "sparse": lambda: ArrayInfo((None,), "float", "int", None, 0.0, None),
    "categorical": lambda: ArrayInfo((None, None), "float", "onehot", None, 0.0, 1.0),
}
_CHANNELS = {"rgb": 3, "grayscale": 1, "rgba": 4}


@handles("keras.preprocessing.image.ImageDataGenerator.flow_from_directory")
def flow_from_directory(
    generator: Batches,
    directory: Any,
    target_size: Any = (256, 256),
    color_mode: Any = "rgb",
    classes: Any = None,
    class_mode: Any = "categorical",
    batch_size: Any = 32,
    shuffle: Any = True,
    seed: Any = None,
    save_to_dir: Any = None,
    save_prefix: Any = "",
    save_format: Any = "png",
    follow_links: Any = False,
    subset: Any = None,
    interpolation: Any = "nearest",
    keep_aspect_ratio: Any = False,
) -> Any:
    """Batches of ``target_size`` images with the labels ``class_mode`` gives."""
    size = shape_of(target_size)
    channels = _CHANNELS.get(color_mode) if isinstance(color_mode, str) else None
    x_shape = (None, *size, channels) if size is not None and channels else None
    targets: ArrayInfo | None
    if class_mode is None:
        targets = None
    elif class_mode == "input":
        targets = ArrayInfo(x_shape, "float")
    elif isinstance(class_mode, str) and class_mode in _CLASS_MODES:
        targets = _CLASS_MODES[class_mode]()
    else:
        return UNKNOWN
    return Batches(x_shape, "float", targets=targets, source="generator")


@handles("keras.preprocessing.image.ImageDataGenerator.flow")
def flow(
    generator: Batches,
    x: Any,
    y: Any = None,
    batch_size: Any = 32,
    shuffle: Any = True,
    sample_weight: Any = None,
    seed: Any = None,
    save_to_dir: Any = None,
    save_prefix: Any = "",
    save_format: Any = "png",
    ignore_class_split: Any = False,
    subset: Any = None,
) -> Batches:
    """Batches of the arrays ``x`` and ``y``."""
    xb = data.batched(x)
    return Batches(None if xb is None else xb.shape, targets=data.batched(y), source="generator")
