"""seqlint's runtime: a small Keras (``Sequential``, ``layers``, ``optimizers``, ``losses``,
``metrics``, ``callbacks``) on NumPy or CuPy that agrees numerically with Keras 3.

    from seqlint.runtime import Sequential, Input, layers

    model = Sequential([Input(shape=(8,)), layers.Dense(16, activation="relu"),
                        layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=5, batch_size=32)
"""

from seqlint.runtime import (
    callbacks,
    config,
    constraints,
    layers,
    losses,
    metrics,
    optimizers,
    regularizers,
    schedules,
)
from seqlint.runtime.model import (
    Input,
    InputLayer,
    Sequential,
    floatx,
    load_model,
    set_floatx,
    set_random_seed,
)

__all__ = [
    "Input",
    "InputLayer",
    "Sequential",
    "callbacks",
    "config",
    "constraints",
    "floatx",
    "layers",
    "load_model",
    "losses",
    "metrics",
    "optimizers",
    "regularizers",
    "schedules",
    "set_floatx",
    "set_random_seed",
]
