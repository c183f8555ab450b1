"""The call handlers: registered under real public names, bound by the callee's signature."""

from __future__ import annotations

import builtins
import importlib
import json
from pathlib import Path

import pytest
from helpers import lint

import seqlint.extract.interp  # noqa: F401  (registers the handlers)
from seqlint.extract.registry import REGISTRY, lookup

DATA = Path(__file__).resolve().parents[1] / "seqlint" / "data"

# Keras 3 Model methods the handlers model (``keras.Model`` API, 3.15)
KERAS3_MODEL_METHODS = frozenset(
    {
        "add", "pop", "compile", "fit", "evaluate", "predict", "predict_on_batch",
        "train_on_batch", "test_on_batch", "build", "summary", "save", "save_weights",
        "load_weights",
    }
)  # fmt: skip
# Keras 2 / tf.keras methods removed in Keras 3: recorded so removed-api can report them
KERAS2_MODEL_METHODS = frozenset(
    {"fit_generator", "evaluate_generator", "predict_generator", "predict_classes", "predict_proba"}
)
# public in Keras 3.15.1 but not in the module table seqlint ships (checked under that version)
KERAS3_DATASETS = frozenset(
    f"keras.datasets.{name}.load_data"
    for name in ("mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters")
    + ("boston_housing",)
)
# TensorFlow 2.x, scikit-learn and pandas names (checked under tensorflow-cpu 2.x /
# scikit-learn 1.9 / pandas 3.1;
# resolved again below when the library is installed)
TF_SKLEARN = frozenset(
    {
        "tensorflow.random.normal", "tensorflow.random.truncated_normal",
        "tensorflow.random.uniform", "tensorflow.zeros", "tensorflow.ones",
        "tensorflow.one_hot", "tensorflow.data.Dataset.from_tensor_slices",
        "tensorflow.data.Dataset.batch", "tensorflow.data.Dataset.shuffle",
        "tensorflow.data.Dataset.prefetch", "tensorflow.data.Dataset.repeat",
        "tensorflow.data.Dataset.cache", "tensorflow.data.Dataset.take",
        "tensorflow.data.Dataset.skip", "tensorflow.data.Dataset.map",
        "tensorflow.data.Dataset.from_generator", "tensorflow.TensorSpec", "tensorflow.cast",
        "tensorflow.expand_dims", "tensorflow.reshape", "tensorflow.image.resize",
        "sklearn.datasets.make_classification",
        "sklearn.datasets.make_multilabel_classification", "sklearn.datasets.make_blobs",
        "sklearn.datasets.make_moons", "sklearn.datasets.make_circles",
        "sklearn.model_selection.train_test_split",
        "pandas.read_csv", "pandas.read_table", "pandas.DataFrame.to_numpy",
        *(
            f"sklearn.preprocessing.{cls}.{method}"
            for cls in ("StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler")
            for method in ("", "fit", "fit_transform", "transform", "inverse_transform")
        ),
        *(
            f"sklearn.preprocessing.LabelEncoder.{m}"
            for m in ("", "fit", "fit_transform", "transform")
        ),
    }
)  # fmt: skip
TF_SKLEARN = frozenset(q.rstrip(".") for q in TF_SKLEARN)
NUMPY1_ONLY = frozenset({"numpy.product"})  # removed in NumPy 2, still in older scripts
# Keras 1 / 2.0 (``"th"``/``"tf"`` orderings), still in old scripts
KERAS1 = frozenset({"keras.backend.set_image_dim_ordering"})


def _resolve(qualname: str) -> bool:
    """Whether ``qualname`` names an attribute of an importable module."""
    parts = qualname.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for part in parts[cut:]:
                obj = getattr(obj, part)
        except AttributeError:
            return False
        return True
    return False


def _keras_public(qualname: str) -> bool:
    """In Keras 3's public namespace (seqlint/data/keras3_names.json), or a name Keras 3
    removed (seqlint/data/removed_api.json): handled because old scripts still use it."""
    module, name = qualname.rsplit(".", 1)
    public = json.loads((DATA / "keras3_names.json").read_text())["modules"]
    removed = json.loads((DATA / "removed_api.json").read_text())["names"]
    return name in public.get(module, ()) or name in removed.get(module, {})


def _known(qualname: str) -> bool:
    top = qualname.split(".", 1)[0]
    if top == "builtins":
        obj: object = builtins
        try:
            for part in qualname.split(".")[1:]:
                obj = getattr(obj, part)
        except AttributeError:
            return False
        return True
    if top == "numpy":
        return _resolve(qualname) or qualname in NUMPY1_ONLY
    if top in ("tensorflow", "sklearn", "pandas"):
        return qualname in TF_SKLEARN
    if qualname in KERAS3_DATASETS | KERAS1:
        return True
    owner, method = qualname.rsplit(".", 1)
    if owner == "keras.Sequential":
        return method in KERAS3_MODEL_METHODS | KERAS2_MODEL_METHODS
    if owner == "keras.layers.Layer" and method == "adapt":
        return True  # (of the preprocessing layers: Normalization, TextVectorization...)
    if owner == "keras.preprocessing.image.ImageDataGenerator":
        return _keras_public(owner) and method in ("flow", "flow_from_directory")
    return _keras_public(qualname)


@pytest.mark.parametrize("qualname", sorted(REGISTRY))
def test_every_handler_is_registered_under_a_real_public_name(qualname: str) -> None:
    assert _known(qualname), f"{qualname} is no public name of its library"


@pytest.mark.parametrize("library", ["tensorflow", "sklearn", "pandas"])
def test_tensorflow_and_sklearn_names_resolve_where_installed(library: str) -> None:
    pytest.importorskip(library, reason=f"{library} is not installed (names checked by hand)")
    missing = [q for q in TF_SKLEARN if q.startswith(library + ".") and not _resolve(q)]
    assert missing == []


@pytest.mark.parametrize(
    ("spelled", "handled_as"),
    [
        ("keras.layers.Dense", "keras.layers.Layer"),
        ("keras.layers.core.Dense", "keras.layers.Layer"),
        ("keras.models.Sequential", "keras.Sequential"),
        ("keras.preprocessing.sequence.pad_sequences", "keras.utils.pad_sequences"),
        ("keras.utils.np_utils.to_categorical", "keras.utils.to_categorical"),
        ("sklearn.cross_validation.train_test_split", "sklearn.model_selection.train_test_split"),
        ("keras.optimizers.Adam", "keras.optimizers.Optimizer"),
    ],
)
def test_legacy_and_specific_spellings_reach_the_public_handler(
    spelled: str, handled_as: str
) -> None:
    handler = lookup(spelled)
    assert handler is not None and handler is REGISTRY[handled_as]


PROGRAM = """
import numpy as np
import keras
from keras import layers
x = np.random.rand(100, 8)
y = {labels}
model = keras.Sequential([keras.Input((8,)), layers.Dense(3, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(x, y)
"""


@pytest.mark.parametrize(
    "labels",
    [
        "np.random.randint(low=0, high=5, size=(100,))",
        "np.random.randint(0, 5, (100,))",
        "np.random.randint(5, size=100)",
        "np.random.randint(size=(100,), high=5, low=0, dtype='int32')",
    ],
)
def test_randint_binds_keywords_as_numpy_does(labels: str) -> None:
    # labels 0..4 for a 3-unit softmax: found whichever way the arguments are spelled
    found = lint(PROGRAM.format(labels=labels))
    assert [d.name for d in found] == ["output-units-mismatch"]
    assert "go up to 4" in found[0].message


def test_keyword_randint_gives_the_shape_and_range_of_its_arguments() -> None:
    from seqlint.extract import extract_text

    text = PROGRAM.format(labels="np.random.randint(low=0, high=5, size=(10,))")
    (model,) = extract_text(text).models
    fit = model.fit_call
    assert fit is not None
    y = fit.arg(1, "y")
    assert (y.shape, y.low, y.high, y.n_classes) == ((10,), 0, 4, 5)


@pytest.mark.parametrize(
    "labels",
    [
        "np.random.randint(0, 5, (100,), seed=1)",  # no such parameter: Python refuses it
        "np.random.randint(0, 5, (100,), int, 7)",  # one argument too many
        "np.random.randint(*bounds)",  # unknown content
    ],
)
def test_arguments_that_do_not_bind_make_the_labels_unknown(labels: str) -> None:
    text = "bounds = open('b').read()\n" + PROGRAM.format(labels=labels)
    assert lint(text) == []


def test_fixed_labels_are_quiet() -> None:
    assert lint(PROGRAM.format(labels="np.random.randint(low=0, high=3, size=(100,))")) == []
