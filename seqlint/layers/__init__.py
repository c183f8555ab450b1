"""One definition per Keras layer: signature, output-shape rule and parameter count."""

from seqlint.layers.base import (
    REQUIRED,
    UNKNOWN,
    BoundArgs,
    LayerDef,
    LayerSpec,
    Param,
    Shape,
    ShapeError,
    all_layers,
    get_layer,
    register,
)

__all__ = [
    "REQUIRED",
    "UNKNOWN",
    "BoundArgs",
    "LayerDef",
    "LayerSpec",
    "Param",
    "Shape",
    "ShapeError",
    "all_layers",
    "get_layer",
    "register",
]
