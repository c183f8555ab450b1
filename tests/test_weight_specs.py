"""Weight specs in the layer definitions: the checker's parameter counts and the runtime's
variables come from the same list (names, shapes, initializers, trainable, Keras's order)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from seqlint.layers import get_layer
from seqlint.runtime import layers

CASES: list[tuple[str, tuple[Any, ...], dict[str, Any], tuple[int, ...]]] = [
    ("Dense", (3,), {}, (None, 5)),
    ("Dense", (3,), {"use_bias": False}, (None, 4, 5)),
    ("Conv2D", (4, 3), {}, (None, 8, 8, 2)),
    ("Conv2D", (4, (3, 1)), {"groups": 2, "use_bias": False}, (None, 8, 8, 2)),
    ("Conv1D", (6, 2), {"data_format": "channels_first"}, (None, 3, 7)),
    ("Embedding", (10, 4), {}, (None, 6)),
    ("DepthwiseConv2D", (3,), {"depth_multiplier": 2}, (None, 6, 6, 3)),
    ("SeparableConv1D", (5, 3), {"depth_multiplier": 2}, (None, 8, 3)),
    ("Conv2DTranspose", (4, 3), {"strides": 2}, (None, 5, 5, 2)),
    ("GroupNormalization", (2,), {}, (None, 3, 4)),
    ("RMSNormalization", (), {}, (None, 3, 4)),
    ("Normalization", (), {}, (None, 4)),
    ("SimpleRNN", (3,), {}, (None, 5, 2)),
    ("LSTM", (3,), {"use_bias": True}, (None, 5, 2)),
    ("GRU", (3,), {}, (None, 5, 2)),
    ("GRU", (3,), {"reset_after": False}, (None, 5, 2)),
    ("LayerNormalization", (), {}, (None, 3, 6)),
    ("LayerNormalization", (), {"axis": [1, -1], "center": False}, (None, 3, 4, 5)),
    ("BatchNormalization", (), {}, (None, 6)),
    ("BatchNormalization", (), {"center": False, "axis": 1}, (None, 3, 5)),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "shape"), CASES)
def test_runtime_weights_are_the_definition_specs(
    name: str, args: tuple[Any, ...], kwargs: dict[str, Any], shape: tuple[int, ...]
) -> None:
    definition = get_layer(name)
    assert definition is not None
    specs = definition.weights(definition.bind(args, kwargs), shape)
    assert specs is not None
    layer = layers.get(name)(*args, **kwargs)  # type: ignore[misc]
    x = np.zeros((2, *shape[1:]), dtype="int64" if name == "Embedding" else "float32")
    layer(x)
    got = [(w.name.split("/")[-1], w.shape, w.trainable) for w in layer.weights]
    assert got == [(s.name, s.shape, s.trainable) for s in specs]
    trainable, frozen = definition.count_params(definition.bind(args, kwargs), shape)
    assert (trainable or 0) + (frozen or 0) == layer.count_params()


def test_unknown_sizes_leave_the_counts_unknown() -> None:
    dense = get_layer("Dense")
    assert dense is not None
    specs = dense.weights(dense.bind((3,), {}), (None, None))
    assert specs is not None and specs[0].shape == (None, 3)
    assert dense.count_params(dense.bind((3,), {}), (None, None)) == (None, None)


def test_lora_weights_are_counted_without_specs() -> None:
    dense = get_layer("Dense")
    assert dense is not None
    bound = dense.bind((3,), {"lora_rank": 2})
    assert dense.weights(bound, (None, 5)) is None
    assert dense.count_params(bound, (None, 5)) == (3 + 5 * 2 + 2 * 3, 15)
