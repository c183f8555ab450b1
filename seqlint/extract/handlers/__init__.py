"""The call handlers, one module per library; importing this package registers them all
(see :mod:`seqlint.extract.registry`)."""

from __future__ import annotations

from seqlint.extract.handlers import (
    builtins,
    keras_data,
    keras_model,
    keras_objects,
    numpy_funcs,
    pandas_data,
    sklearn_data,
    tf_data,
)

__all__ = [
    "builtins",
    "keras_data",
    "keras_model",
    "keras_objects",
    "numpy_funcs",
    "pandas_data",
    "sklearn_data",
    "tf_data",
]
