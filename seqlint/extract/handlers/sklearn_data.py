"""scikit-learn's sample generators, ``train_test_split``, and the preprocessing objects whose
output shape is certain (scalers keep it, ``LabelEncoder`` gives one integer label per row),
with their signatures."""

from __future__ import annotations

from typing import Any

from seqlint.extract.data import as_int
from seqlint.extract.registry import NOT_HANDLED, Site, handles
from seqlint.extract.values import Estimator
from seqlint.ir import ArrayInfo
from seqlint.layers.base import UNKNOWN


def _samples(n_samples: Any, n_features: Any, n_classes: int | None) -> Any:
    """``(X, y)``: X float ``(n, n_features)``, y class indices."""
    n = as_int(n_samples)
    high = None if n_classes is None else float(n_classes - 1)
    x = ArrayInfo((n, as_int(n_features)), "float")
    return (x, ArrayInfo((n,), "int", "int", n_classes, 0.0, high))


@handles("sklearn.datasets.make_classification")
def make_classification(
    n_samples: Any = 100,
    n_features: Any = 20,
    *,
    n_informative: Any = 2,
    n_redundant: Any = 2,
    n_repeated: Any = 0,
    n_classes: Any = 2,
    n_clusters_per_class: Any = 2,
    weights: Any = None,
    flip_y: Any = 0.01,
    class_sep: Any = 1.0,
    hypercube: Any = True,
    shift: Any = 0.0,
    scale: Any = 1.0,
    shuffle: Any = True,
    random_state: Any = None,
    return_X_y: Any = True,
) -> Any:
    if return_X_y is not True:
        return NOT_HANDLED  # a Bunch
    return _samples(n_samples, n_features, as_int(n_classes))


@handles("sklearn.datasets.make_multilabel_classification")
def make_multilabel_classification(
    n_samples: Any = 100,
    n_features: Any = 20,
    *,
    n_classes: Any = 5,
    n_labels: Any = 2,
    length: Any = 50,
    allow_unlabeled: Any = True,
    sparse: Any = False,
    return_indicator: Any = "dense",
    return_distributions: Any = False,
    random_state: Any = None,
) -> Any:
    """y is a 0/1 indicator per class (several may be set): not one-hot, not class indices."""
    if sparse is not False or return_indicator not in ("dense", True) or return_distributions:
        return NOT_HANDLED  # sparse matrices, label lists, extra outputs
    n = as_int(n_samples)
    x = ArrayInfo((n, as_int(n_features)), "float")
    return (x, ArrayInfo((n, as_int(n_classes)), "int", low=0.0, high=1.0))


@handles("sklearn.datasets.make_blobs")
def make_blobs(
    n_samples: Any = 100,
    n_features: Any = 2,
    *,
    centers: Any = None,
    cluster_std: Any = 1.0,
    center_box: Any = (-10.0, 10.0),
    shuffle: Any = True,
    random_state: Any = None,
    return_centers: Any = False,
) -> Any:
    """As many classes as ``centers`` (3 by default, unless n_samples counts each centre's
    samples); centres given as coordinates are not modelled."""
    if return_centers is not False:
        return NOT_HANDLED
    classes = as_int(centers)
    if centers is None:
        classes = 3 if as_int(n_samples) is not None else None
    elif classes is None:
        return NOT_HANDLED
    return _samples(n_samples, n_features, classes)


@handles("sklearn.datasets.make_moons")
def make_moons(
    n_samples: Any = 100, *, shuffle: Any = True, noise: Any = None, random_state: Any = None
) -> Any:
    return _samples(n_samples, 2, 2)


@handles("sklearn.datasets.make_circles")
def make_circles(
    n_samples: Any = 100,
    *,
    shuffle: Any = True,
    noise: Any = None,
    random_state: Any = None,
    factor: Any = 0.8,
) -> Any:
    return _samples(n_samples, 2, 2)


@handles("sklearn.model_selection.train_test_split")
def train_test_split(
    *arrays: Any,
    test_size: Any = None,
    train_size: Any = None,
    random_state: Any = None,
    shuffle: Any = True,
    stratify: Any = None,
) -> Any:
    """Train and test parts of each array: the same columns, an unknown number of rows."""
    out: list[Any] = []
    for a in arrays:
        if isinstance(a, ArrayInfo):
            shape = None if a.shape is None else (None, *a.shape[1:])
            part = ArrayInfo(shape, a.kind, a.encoding, a.n_classes, a.low, a.high)
            out += [part, part]
        else:
            out += [UNKNOWN, UNKNOWN]
    return tuple(out) if out else UNKNOWN


# ---- preprocessing --------------------------------------------------------------------------

_SCALERS = tuple(
    f"sklearn.preprocessing.{name}"
    for name in ("StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler")
)
_LABELS = "sklearn.preprocessing.LabelEncoder"


@handles(*_SCALERS, _LABELS, raw=True)
def estimator(site: Site) -> Estimator:
    """A scaler (whatever its options, it maps each column on its own) or a label encoder;
    its methods are looked up under its class's name."""
    return Estimator(site.qualname)


@handles(*(f"{c}.fit" for c in (*_SCALERS, _LABELS)))
def fit(self: Estimator, /, X: Any, y: Any = None, **params: Any) -> Estimator:
    return self


@handles(
    *(f"{c}.{m}" for c in _SCALERS for m in ("fit_transform", "transform", "inverse_transform"))
)
def scaled(self: Estimator, /, X: Any, y: Any = None, **params: Any) -> ArrayInfo:
    """Floats of the input's shape (its values and labels are gone)."""
    shape = X.shape if isinstance(X, ArrayInfo) else None
    return ArrayInfo(shape, "float", permuted=isinstance(X, ArrayInfo) and X.permuted)


@handles(f"{_LABELS}.fit_transform", f"{_LABELS}.transform")
def encoded(self: Estimator, /, y: Any) -> ArrayInfo:
    """One integer class index per label, from 0: always one axis."""
    rows = y.shape[0] if isinstance(y, ArrayInfo) and y.shape else None
    return ArrayInfo(
        (rows,), "int", "int", low=0.0, permuted=isinstance(y, ArrayInfo) and y.permuted
    )
