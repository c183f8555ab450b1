"""Canonical names for what user code reaches through its imports.

``tf.keras.layers.Dense``, ``tensorflow.keras.layers.Dense``, ``keras.layers.core.Dense`` and
``tf_keras.layers.Dense`` all create the same class: we canonicalise every dotted name so that
rules only ever see ``keras.layers.Dense``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from seqlint.layers.base import get_layer

if TYPE_CHECKING:
    from seqlint.ir import FileIR, ImportInfo

_PREFIXES = (
    ("tensorflow.python.keras", "keras"),
    ("tensorflow.compat.v2.keras", "keras"),
    ("tensorflow.compat.v1.keras", "keras"),
    ("tensorflow.keras", "keras"),
    ("tf_keras", "keras"),
    ("keras.api._v2.keras", "keras"),
    ("keras.api.keras", "keras"),
    ("keras._tf_keras.keras", "keras"),
    ("keras.api", "keras"),
    # ``import tensorflow.compat.v1 as tf``: ``tf.nn.relu`` is ``tensorflow.nn.relu``
    ("tensorflow.compat.v1", "tensorflow"),
    ("tensorflow.compat.v2", "tensorflow"),
)

# Keras 2 submodules of keras.layers that held the layer classes (removed in Keras 3).
LEGACY_LAYER_MODULES = frozenset(
    {
        "core",
        "convolutional",
        "convolutional_recurrent",
        "pooling",
        "recurrent",
        "recurrent_v2",
        "normalization",
        "normalization_v2",
        "embeddings",
        "advanced_activations",
        "wrappers",
        "merge",
        "noise",
        "local",
        "cudnn_recurrent",
        "dense_attention",
        "experimental",
        "preprocessing",
        "experimental.preprocessing",
        "rnn",
        "reshaping",
        "regularization",
        "activation",
        "activations",
        "attention",
    }
)

_SEQUENTIAL = frozenset(
    {
        "keras.Sequential",
        "keras.models.Sequential",
        "keras.engine.sequential.Sequential",
        "keras.models.sequential.Sequential",
        "keras.src.models.sequential.Sequential",
    }
)
_INPUT_FUNCS = frozenset({"keras.Input", "keras.layers.Input", "keras.engine.input_layer.Input"})
_INPUT_LAYER = frozenset(
    {"keras.layers.InputLayer", "keras.InputLayer", "keras.engine.input_layer.InputLayer"}
)
_NOT_LAYERS = frozenset({"Layer", "InputSpec", "Wrapper", "RNN", "AbstractRNNCell"})


def canonical(qualname: str) -> str:
    for prefix, repl in _PREFIXES:
        if qualname == prefix or qualname.startswith(prefix + "."):
            return repl + qualname[len(prefix) :]
    return qualname


class Kind(NamedTuple):
    """What calling a name does: ``kind`` is one of sequential, input, input_layer, layer,
    layer_base (keras.layers.Layer, for subclasses), model_base, optimizer, loss, metric,
    callback, to_categorical, or other."""

    kind: str
    name: str = ""


def classify(qualname: str) -> Kind:
    q = qualname
    if q.startswith("keras.src."):
        # Keras 3's implementation package (``from keras.src import layers, models``): what it
        # builds models with is what the public names are; its other modules are no API
        public = classify("keras." + q[len("keras.src.") :])
        return public if public.kind != "other" else Kind("other")
    if q in _SEQUENTIAL:
        return Kind("sequential", "Sequential")
    if q in _INPUT_FUNCS:
        return Kind("input", "Input")
    if q in _INPUT_LAYER:
        return Kind("input_layer", "InputLayer")
    if q in ("keras.Model", "keras.models.Model", "keras.engine.training.Model"):
        return Kind("model_base", "Model")
    last = q.rsplit(".", 1)[-1]
    if q.startswith("keras.layers."):
        module = (
            q[len("keras.layers.") : -len(last) - 1] if "." in q[len("keras.layers.") :] else ""
        )
        if last in _NOT_LAYERS:
            return Kind("layer_base", last)
        if last[:1].isupper() and (not module or module in LEGACY_LAYER_MODULES):
            return Kind("layer", last)
    for section, kind in (
        ("keras.optimizers.", "optimizer"),
        ("keras.losses.", "loss"),
        ("keras.metrics.", "metric"),
        ("keras.callbacks.", "callback"),
    ):
        if q.startswith(section):
            return Kind(kind, last)
    if last == "to_categorical" and q.startswith("keras."):
        return Kind("to_categorical", last)
    return Kind("other", last)


ACTIVATION_MODULES = ("keras.activations.", "tensorflow.nn.", "tensorflow.math.", "keras.ops.")


def activation_name(qualname: str) -> str | None:
    """``tf.nn.relu`` → ``"relu"``: the activation a function reference stands for."""
    for prefix in ACTIVATION_MODULES:
        if qualname.startswith(prefix):
            name = qualname[len(prefix) :]
            if "." not in name:
                return name
    return None


# Top-level packages of other frameworks: once one is imported, an unbound ``Sequential`` or
# ``Dense`` may be theirs (``from torch.nn import *``), so nothing is guessed.
_OTHER_FRAMEWORKS = frozenset(
    {
        "chainer",
        "dgl",
        "equinox",
        "flax",
        "haiku",
        "jax",
        "jittor",
        "lasagne",
        "lightning",
        "megengine",
        "mindspore",
        "mxnet",
        "objax",
        "oneflow",
        "paddle",
        "pytorch_lightning",
        "sonnet",
        "tflearn",
        "torch",
        "trax",
    }
)

# Well-known Keras names besides the layer classes that a snippet uses unimported.
_GUESSABLE = {
    "Sequential": "keras.models.Sequential",
    "Input": "keras.layers.Input",
    "to_categorical": "keras.utils.to_categorical",
    "Adam": "keras.optimizers.Adam",
    "SGD": "keras.optimizers.SGD",
    "RMSprop": "keras.optimizers.RMSprop",
    "Adagrad": "keras.optimizers.Adagrad",
    "Adadelta": "keras.optimizers.Adadelta",
    "Adamax": "keras.optimizers.Adamax",
    "Nadam": "keras.optimizers.Nadam",
    "tf": "tensorflow",  # ``tf.keras.layers.LSTM(...)`` pasted without ``import tensorflow``
    "np": "numpy",  # ``np.array(...)`` pasted without ``import numpy as np``
}


def guess_keras_name(name: str, imports: Iterable[ImportInfo]) -> str | None:
    """The Keras qualified name an unbound ``name`` stands for in a snippet, or None.

    Code pasted from a Q&A site, or a notebook whose imports live in another notebook, uses
    ``Sequential``/``Dense``/``Conv2D`` without importing them (Python would raise NameError;
    the author clearly means Keras). Guessed only for Keras's own class names, and never once
    another framework with layers of the same names is imported."""
    if any(i.module.split(".", 1)[0] in _OTHER_FRAMEWORKS for i in imports):
        return None
    if name in _GUESSABLE:
        return _GUESSABLE[name]
    if name[:1].isupper() and name not in _NOT_LAYERS and get_layer(name) is not None:
        return f"keras.layers.{name}"
    return None


def mark_guessed(file: FileIR) -> FileIR:
    """Mark the models that guessed names built (see :func:`guess_keras_name`)."""
    if not file.guessed_names:
        return file
    guessed = file.guessed_names
    for model in file.models:
        if {"Sequential", "tf"} & guessed or any(
            getattr(e.item, "qualname", "").rsplit(".", 1)[-1] in guessed for e in model.entries
        ):
            model.resolved_by_name = True
    return file
