"""One definition per Keras layer: signature, output-shape rule and parameter count.

``get_layer("Conv2D")`` finds a definition, importing its family on first use;
``all_layers()`` imports them all. The core layers and activations are always loaded.
"""

from seqlint.layers import (  # noqa: F401  (imported for their registrations)
    activations,
    core,
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
