"""One definition per Keras layer: signature, output-shape rule and parameter count.

Importing this package registers every definition (``get_layer("Conv2D")``).
"""

from seqlint.layers import (  # noqa: F401  (imported for their registrations)
    activations,
    conv,
    core,
    merging,
    normalization,
    pooling,
    preprocessing,
    recurrent,
    regularization,
    reshaping,
)
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
