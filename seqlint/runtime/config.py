"""``keras.config`` for the runtime: the default float type, the fuzz factor and the image
data format, so that code written against ``keras.config`` runs unchanged."""

from __future__ import annotations

import numpy

_FLOAT_TYPES = ("float16", "float32", "float64")
_state: dict[str, object] = {
    "floatx": "float32",
    "epsilon": 1e-7,
    "image_data_format": "channels_last",
}


def floatx() -> str:
    """The default float type of new models (``"float32"`` like Keras)."""
    return str(_state["floatx"])


def set_floatx(value: str) -> None:
    """The dtype of models created afterwards (``keras.config.set_floatx``)."""
    try:
        name = numpy.dtype(value).name
    except TypeError:
        name = str(value)
    if name not in _FLOAT_TYPES:
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of {_FLOAT_TYPES}")
    _state["floatx"] = name


def epsilon() -> float:
    """The fuzz factor that keeps logs and divisions finite (``1e-7`` like Keras)."""
    return float(_state["epsilon"])  # type: ignore[arg-type]


def set_epsilon(value: float) -> None:
    _state["epsilon"] = float(value)


def image_data_format() -> str:
    """Where image channels go: ``"channels_last"`` like Keras's default."""
    return str(_state["image_data_format"])


def set_image_data_format(data_format: str) -> None:
    value = str(data_format).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    if value == "channels_first":
        raise NotImplementedError(
            "image_data_format 'channels_first' by default is not supported by seqlint.runtime; "
            "pass data_format='channels_first' to the layers that need it"
        )
    _state["image_data_format"] = value
