"""Weight specs in the layer definitions: the checker's parameter counts and the runtime's
variables come from the same list (names, shapes, initializers, trainable, Keras's order).

Every definition is sampled; the expected weights (name, shape, trainable, in order) are what
``layer.weights`` holds in Keras 3.15.1 once the layer is built in a ``Sequential`` on that input
(Equalization excepted: there Keras 3.15.1 reports a cycle; it creates no weights)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from seqlint.layers import get_layer
from seqlint.layers.base import LayerDef, LayerSpec, all_layers
from seqlint.runtime import layers

Weight = tuple[str, tuple[int, ...], bool]
Sample = tuple[
    str, tuple[Any, ...], dict[str, Any], tuple[int | None, ...], str, tuple[Weight, ...]
]

# (class, args, kwargs, input shape, input dtype, Keras 3.15.1's weights);
# a wrapped layer is written ("@", class, args, kwargs).
SAMPLES: list[Sample] = [
    ("Activation", ("relu",), {}, (None, 4), "float32", ()),
    ("ActivityRegularization", (), {"l1": 0.1}, (None, 4), "float32", ()),
    ("AdaptiveAveragePooling1D", (2,), {}, (None, 6, 3), "float32", ()),
    ("AdaptiveAveragePooling2D", (2,), {}, (None, 6, 6, 3), "float32", ()),
    ("AdaptiveAveragePooling3D", (2,), {}, (None, 4, 4, 4, 3), "float32", ()),
    ("AdaptiveMaxPooling1D", (2,), {}, (None, 6, 3), "float32", ()),
    ("AdaptiveMaxPooling2D", (2,), {}, (None, 6, 6, 3), "float32", ()),
    ("AdaptiveMaxPooling3D", (2,), {}, (None, 4, 4, 4, 3), "float32", ()),
    ("AlphaDropout", (0.2,), {}, (None, 4), "float32", ()),
    ("AugMix", (), {}, (None, 8, 8, 3), "float32", ()),
    ("AutoContrast", (), {}, (None, 8, 8, 3), "float32", ()),
    ("AveragePooling1D", (2,), {}, (None, 6, 3), "float32", ()),
    ("AveragePooling2D", (2,), {}, (None, 6, 6, 3), "float32", ()),
    ("AveragePooling3D", (2,), {}, (None, 4, 4, 4, 3), "float32", ()),
    (
        "BatchNormalization",
        (),
        {},
        (None, 6),
        "float32",
        (
            ("gamma", (6,), True),
            ("beta", (6,), True),
            ("moving_mean", (6,), False),
            ("moving_variance", (6,), False),
        ),
    ),
    (
        "BatchNormalization",
        (),
        {"renorm": True, "center": False},
        (None, 3, 4),
        "float32",
        (
            ("gamma", (4,), True),
            ("moving_mean", (4,), False),
            ("moving_variance", (4,), False),
            ("moving_stddev", (4,), False),
            ("renorm_mean", (4,), False),
            ("renorm_stddev", (4,), False),
        ),
    ),
    (
        "Bidirectional",
        (("@", "LSTM", (3,), {}),),
        {},
        (None, 5, 2),
        "float32",
        (
            ("kernel", (2, 12), True),
            ("recurrent_kernel", (3, 12), True),
            ("bias", (12,), True),
            ("kernel", (2, 12), True),
            ("recurrent_kernel", (3, 12), True),
            ("bias", (12,), True),
        ),
    ),
    (
        "Bidirectional",
        (("@", "GRU", (3,), {"return_sequences": True}),),
        {"backward_layer": ("@", "GRU", (4,), {"return_sequences": True, "go_backwards": True})},
        (None, 5, 2),
        "float32",
        (
            ("kernel", (2, 9), True),
            ("recurrent_kernel", (3, 9), True),
            ("bias", (2, 9), True),
            ("kernel", (2, 12), True),
            ("recurrent_kernel", (4, 12), True),
            ("bias", (2, 12), True),
        ),
    ),
    ("CategoryEncoding", (), {"num_tokens": 4}, (None, 3), "int32", ()),
    ("CenterCrop", (4, 4), {}, (None, 6, 6, 3), "float32", ()),
    (
        "ContrastLimitedAdaptiveHistogramEqualization",
        (),
        {"value_range": (0, 255)},
        (None, 8, 8, 3),
        "float32",
        (),
    ),
    (
        "Conv1D",
        (4, 3),
        {},
        (None, 8, 2),
        "float32",
        (("kernel", (3, 2, 4), True), ("bias", (4,), True)),
    ),
    (
        "Conv1D",
        (4, 3),
        {"groups": 2, "use_bias": False},
        (None, 8, 2),
        "float32",
        (("kernel", (3, 1, 4), True),),
    ),
    (
        "Conv1DTranspose",
        (4, 3),
        {},
        (None, 8, 2),
        "float32",
        (("kernel", (3, 4, 2), True), ("bias", (4,), True)),
    ),
    (
        "Conv2D",
        (4, 3),
        {"lora_rank": 2},
        (None, 8, 8, 2),
        "float32",
        (
            ("kernel", (3, 3, 2, 4), False),
            ("bias", (4,), True),
            ("lora_kernel_a", (3, 3, 2, 2), True),
            ("lora_kernel_b", (2, 4), True),
        ),
    ),
    (
        "Conv2DTranspose",
        (4, 3),
        {"strides": 2, "use_bias": False},
        (None, 5, 5, 2),
        "float32",
        (("kernel", (3, 3, 4, 2), True),),
    ),
    (
        "Conv3D",
        (2, 2),
        {},
        (None, 4, 4, 4, 3),
        "float32",
        (("kernel", (2, 2, 2, 3, 2), True), ("bias", (2,), True)),
    ),
    (
        "Conv3DTranspose",
        (2, 2),
        {},
        (None, 4, 4, 4, 3),
        "float32",
        (("kernel", (2, 2, 2, 2, 3), True), ("bias", (2,), True)),
    ),
    (
        "ConvLSTM1D",
        (2, 3),
        {"use_bias": False},
        (None, 3, 6, 2),
        "float32",
        (("kernel", (3, 2, 8), True), ("recurrent_kernel", (3, 2, 8), True)),
    ),
    (
        "ConvLSTM2D",
        (2, 3),
        {},
        (None, 3, 6, 6, 2),
        "float32",
        (
            ("kernel", (3, 3, 2, 8), True),
            ("recurrent_kernel", (3, 3, 2, 8), True),
            ("bias", (8,), True),
        ),
    ),
    (
        "ConvLSTM3D",
        (2, 2),
        {},
        (None, 2, 4, 4, 4, 2),
        "float32",
        (
            ("kernel", (2, 2, 2, 2, 8), True),
            ("recurrent_kernel", (2, 2, 2, 2, 8), True),
            ("bias", (8,), True),
        ),
    ),
    ("Cropping1D", (1,), {}, (None, 6, 3), "float32", ()),
    ("Cropping2D", (1,), {}, (None, 6, 6, 3), "float32", ()),
    ("Cropping3D", (1,), {}, (None, 4, 4, 4, 3), "float32", ()),
    ("CutMix", (), {}, (None, 8, 8, 3), "float32", ()),
    ("Dense", (3,), {}, (None, 5), "float32", (("kernel", (5, 3), True), ("bias", (3,), True))),
    (
        "Dense",
        (3,),
        {"use_bias": False, "lora_rank": 2},
        (None, 4, 5),
        "float32",
        (
            ("kernel", (5, 3), False),
            ("lora_kernel_a", (5, 2), True),
            ("lora_kernel_b", (2, 3), True),
        ),
    ),
    (
        "DepthwiseConv1D",
        (3,),
        {"depth_multiplier": 2},
        (None, 6, 3),
        "float32",
        (("kernel", (3, 3, 2), True), ("bias", (6,), True)),
    ),
    (
        "DepthwiseConv2D",
        (3,),
        {"use_bias": False},
        (None, 6, 6, 3),
        "float32",
        (("kernel", (3, 3, 3, 1), True),),
    ),
    ("Discretization", (), {"bin_boundaries": [0.0, 1.0]}, (None, 4), "float32", ()),
    ("Dropout", (0.5,), {}, (None, 4), "float32", ()),
    ("ELU", (), {}, (None, 4), "float32", ()),
    (
        "EinsumDense",
        ("ab,bc->ac", 3),
        {"bias_axes": "c"},
        (None, 5),
        "float32",
        (("kernel", (5, 3), True), ("bias", (3,), True)),
    ),
    (
        "EinsumDense",
        ("abc,cd->abd", (5, 3)),
        {"lora_rank": 2},
        (None, 5, 4),
        "float32",
        (
            ("kernel", (4, 3), False),
            ("lora_kernel_a", (4, 2), True),
            ("lora_kernel_b", (2, 3), True),
        ),
    ),
    ("Embedding", (10, 4), {}, (None, 6), "int32", (("embeddings", (10, 4), True),)),
    (
        "Embedding",
        (10, 3),
        {"lora_rank": 2},
        (None, 6),
        "int32",
        (
            ("embeddings", (10, 3), False),
            ("lora_embeddings_a", (10, 2), True),
            ("lora_embeddings_b", (2, 3), True),
        ),
    ),
    ("Equalization", (), {}, (None, 8, 8, 3), "float32", ()),
    ("Flatten", (), {}, (None, 3, 4), "float32", ()),
    (
        "GRU",
        (3,),
        {},
        (None, 5, 2),
        "float32",
        (("kernel", (2, 9), True), ("recurrent_kernel", (3, 9), True), ("bias", (2, 9), True)),
    ),
    (
        "GRU",
        (3,),
        {"reset_after": False},
        (None, 5, 2),
        "float32",
        (("kernel", (2, 9), True), ("recurrent_kernel", (3, 9), True), ("bias", (9,), True)),
    ),
    ("GaussianDropout", (0.2,), {}, (None, 4), "float32", ()),
    ("GaussianNoise", (0.2,), {}, (None, 4), "float32", ()),
    ("GlobalAveragePooling1D", (), {}, (None, 6, 3), "float32", ()),
    ("GlobalAveragePooling2D", (), {}, (None, 6, 6, 3), "float32", ()),
    ("GlobalAveragePooling3D", (), {}, (None, 4, 4, 4, 3), "float32", ()),
    ("GlobalMaxPooling1D", (), {}, (None, 6, 3), "float32", ()),
    ("GlobalMaxPooling2D", (), {}, (None, 6, 6, 3), "float32", ()),
    ("GlobalMaxPooling3D", (), {}, (None, 4, 4, 4, 3), "float32", ()),
    (
        "GroupNormalization",
        (2,),
        {},
        (None, 3, 4),
        "float32",
        (("gamma", (4,), True), ("beta", (4,), True)),
    ),
    ("Hashing", (4,), {}, (None, 3), "int32", ()),
    ("Identity", (), {}, (None, 4), "float32", ()),
    ("IntegerLookup", (), {"vocabulary": [1, 2, 3]}, (None, 3), "int32", ()),
    (
        "LSTM",
        (3,),
        {},
        (None, 5, 2),
        "float32",
        (("kernel", (2, 12), True), ("recurrent_kernel", (3, 12), True), ("bias", (12,), True)),
    ),
    (
        "LayerNormalization",
        (),
        {},
        (None, 3, 6),
        "float32",
        (("gamma", (6,), True), ("beta", (6,), True)),
    ),
    (
        "LayerNormalization",
        (),
        {"axis": [1, -1], "center": False},
        (None, 3, 4, 5),
        "float32",
        (("gamma", (5, 3), True),),
    ),
    (
        "LayerNormalization",
        (),
        {"rms_scaling": True},
        (None, 4),
        "float32",
        (("gamma", (4,), True),),
    ),
    ("LeakyReLU", (), {}, (None, 4), "float32", ()),
    ("Masking", (), {}, (None, 5, 2), "float32", ()),
    ("MaxPooling1D", (), {}, (None, 6, 3), "float32", ()),
    ("MaxPooling2D", (), {}, (None, 6, 6, 3), "float32", ()),
    ("MaxPooling3D", (), {}, (None, 4, 4, 4, 3), "float32", ()),
    ("MixUp", (), {}, (None, 8, 8, 3), "float32", ()),
    (
        "Normalization",
        (),
        {},
        (None, 4),
        "float32",
        (("mean", (4,), False), ("variance", (4,), False), ("count", (), False)),
    ),
    (
        "Normalization",
        (),
        {"axis": None},
        (None, 4, 3),
        "float32",
        (("mean", (), False), ("variance", (), False), ("count", (), False)),
    ),
    ("Normalization", (), {"mean": 0.0, "variance": 1.0}, (None, 4), "float32", ()),
    ("PReLU", (), {}, (None, 4, 3), "float32", (("alpha", (4, 3), True),)),
    ("PReLU", (), {"shared_axes": [1]}, (None, 4, 3), "float32", (("alpha", (1, 3), True),)),
    ("Permute", ((2, 1),), {}, (None, 3, 4), "float32", ()),
    ("RMSNormalization", (), {}, (None, 3, 4), "float32", (("scale", (4,), True),)),
    ("RandAugment", (), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomBrightness", (0.1,), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomColorDegeneration", (0.1,), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomColorJitter", (), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomContrast", (0.1,), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomCrop", (4, 4), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomElasticTransform", (), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomErasing", (), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomFlip", (), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomGaussianBlur", (), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomGrayscale", (), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomHue", (0.1,), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomInvert", (), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomPerspective", (), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomPosterization", (4,), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomRotation", (0.1,), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomSaturation", (0.1,), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomSharpness", (0.1,), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomShear", (), {"x_factor": 0.1}, (None, 8, 8, 3), "float32", ()),
    ("RandomTranslation", (0.1, 0.1), {}, (None, 8, 8, 3), "float32", ()),
    ("RandomZoom", (0.1,), {}, (None, 8, 8, 3), "float32", ()),
    ("ReLU", (), {}, (None, 4), "float32", ()),
    ("RepeatVector", (3,), {}, (None, 4), "float32", ()),
    ("Rescaling", (0.5,), {}, (None, 4), "float32", ()),
    ("Reshape", ((2, 2),), {}, (None, 4), "float32", ()),
    ("Resizing", (4, 4), {}, (None, 8, 8, 3), "float32", ()),
    ("ReversibleEmbedding", (10, 3), {}, (None, 5), "int32", (("embeddings", (10, 3), True),)),
    (
        "ReversibleEmbedding",
        (10, 3),
        {"tie_weights": False},
        (None, 5),
        "int32",
        (("embeddings", (10, 3), True), ("reverse_embeddings", (3, 10), True)),
    ),
    (
        "SeparableConv1D",
        (5, 3),
        {"depth_multiplier": 2},
        (None, 8, 3),
        "float32",
        (
            ("depthwise_kernel", (3, 3, 2), True),
            ("pointwise_kernel", (1, 6, 5), True),
            ("bias", (5,), True),
        ),
    ),
    (
        "SeparableConv2D",
        (5, 3),
        {},
        (None, 8, 8, 3),
        "float32",
        (
            ("depthwise_kernel", (3, 3, 3, 1), True),
            ("pointwise_kernel", (1, 1, 3, 5), True),
            ("bias", (5,), True),
        ),
    ),
    (
        "SimpleRNN",
        (3,),
        {},
        (None, 5, 2),
        "float32",
        (("kernel", (2, 3), True), ("recurrent_kernel", (3, 3), True), ("bias", (3,), True)),
    ),
    ("Softmax", (), {}, (None, 4), "float32", ()),
    ("Solarization", (), {}, (None, 8, 8, 3), "float32", ()),
    ("SpatialDropout1D", (0.2,), {}, (None, 6, 3), "float32", ()),
    ("SpatialDropout2D", (0.2,), {}, (None, 6, 6, 3), "float32", ()),
    ("SpatialDropout3D", (0.2,), {}, (None, 4, 4, 4, 3), "float32", ()),
    ("StringLookup", (), {"vocabulary": ["a", "b"]}, (None, 3), "string", ()),
    ("TextVectorization", (), {"max_tokens": 10}, (None,), "string", ()),
    (
        "TimeDistributed",
        (("@", "Dense", (3,), {}),),
        {},
        (None, 5, 2),
        "float32",
        (("kernel", (2, 3), True), ("bias", (3,), True)),
    ),
    (
        "TimeDistributed",
        (("@", "Conv2D", (3, 2), {}),),
        {},
        (None, 5, 4, 4, 2),
        "float32",
        (("kernel", (2, 2, 2, 3), True), ("bias", (3,), True)),
    ),
    ("UnitNormalization", (), {}, (None, 4), "float32", ()),
    ("UpSampling1D", (), {}, (None, 6, 3), "float32", ()),
    ("UpSampling2D", (), {}, (None, 6, 6, 3), "float32", ()),
    ("UpSampling3D", (), {}, (None, 4, 4, 4, 3), "float32", ()),
    ("ZeroPadding1D", (), {}, (None, 6, 3), "float32", ()),
    ("ZeroPadding2D", (), {}, (None, 6, 6, 3), "float32", ()),
    ("ZeroPadding3D", (), {}, (None, 4, 4, 4, 3), "float32", ()),
]

# Not sampled: merge layers take several inputs (never valid in a Sequential), and a Lambda's
# function is not a literal; none of them has weights.
NOT_SAMPLED = {
    "Add",
    "Subtract",
    "Multiply",
    "Average",
    "Maximum",
    "Minimum",
    "Concatenate",
    "Dot",
    "Attention",
    "AdditiveAttention",
    "Lambda",
}

# Arguments whose weights the runtime does not compute with: its kernels refuse them.
RUNTIME_REFUSES = ("lora_rank", "renorm", "rms_scaling")


def _nested(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 4 and value[0] == "@"


def _spec(value: Any) -> Any:
    if not _nested(value):
        return value
    _, name, args, kwargs = value
    definition = get_layer(name)
    assert definition is not None
    return LayerSpec(definition, _bind(definition, args, kwargs), name)


def _bind(definition: LayerDef, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return definition.bind(tuple(_spec(a) for a in args), {k: _spec(v) for k, v in kwargs.items()})


def _runtime(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    def conv(value: Any) -> Any:
        return _runtime(*value[1:]) if _nested(value) else value

    cls = layers.get(name)
    assert cls is not None
    return cls(*(conv(a) for a in args), **{k: conv(v) for k, v in kwargs.items()})


def _definitions() -> dict[str, LayerDef]:
    return {d.name: d for d in all_layers().values()}


def test_every_definition_is_sampled() -> None:
    sampled = {s[0] for s in SAMPLES}
    missing = set(_definitions()) - sampled - NOT_SAMPLED
    assert not missing, f"add a weight-spec sample (with Keras's counts) for {sorted(missing)}"


def test_no_definition_counts_parameters_by_hand() -> None:
    """Counts come only from the specs, so they cannot drift from the runtime's weights."""
    by_hand = [
        d.name for d in _definitions().values() if type(d).count_params is not LayerDef.count_params
    ]
    assert by_hand == []


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "shape", "dtype", "keras"),
    SAMPLES,
    ids=[f"{s[0]}-{i}" for i, s in enumerate(SAMPLES)],
)
def test_specs_are_kerass_weights_and_the_runtimes(
    name: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    shape: tuple[int | None, ...],
    dtype: str,
    keras: tuple[Weight, ...],
) -> None:
    definition = get_layer(name)
    assert definition is not None
    bound = _bind(definition, args, kwargs)
    specs = definition.weights(bound, shape)
    assert specs is not None
    assert [(s.name, s.shape, s.trainable) for s in specs] == list(keras)
    trainable = sum(int(np.prod(w[1])) for w in keras if w[2])
    frozen = sum(int(np.prod(w[1])) for w in keras if not w[2])
    assert definition.count_params(bound, shape) == (trainable, frozen)
    if layers.get(name) is None:
        return  # no runtime kernel
    if any(kwargs.get(k) for k in RUNTIME_REFUSES):
        with pytest.raises(NotImplementedError):
            _runtime(name, args, kwargs)
        return
    try:
        layer = _runtime(name, args, kwargs)
    except NotImplementedError:
        return  # the kernel refuses these arguments by name (AugMix without RandomShear's)
    layer.ensure_built(shape)
    got = [(w.name.split("/")[-1], w.shape, w.trainable) for w in layer.weights]
    assert got == list(keras)
    if dtype != "string":  # and the kernel computes with the weights it built
        x = np.ones((2, *(d or 3 for d in shape[1:])), dtype=dtype)
        y = layer.forward(layer.cast_input(x) if dtype.startswith("float") else x)
        # (not always the declared output shape: Keras 3.15.1 itself returns (2, 5, 7) for the
        # second Bidirectional sample, declared (None, 5, 6), and RandomCrop's input unchanged)
        assert y.shape[0] == 2


def test_unknown_sizes_leave_the_counts_unknown() -> None:
    dense = get_layer("Dense")
    assert dense is not None
    specs = dense.weights(dense.bind((3,), {}), (None, None))
    assert specs is not None and specs[0].shape == (None, 3)
    assert dense.count_params(dense.bind((3,), {}), (None, None)) == (None, None)


def test_an_unknown_wrapped_layer_leaves_the_counts_unknown() -> None:
    wrapper = get_layer("Bidirectional")
    assert wrapper is not None
    bound = wrapper.bind((LayerSpec(None, get_layer("LSTM").bind((3,), {})),), {})  # type: ignore[union-attr]
    assert wrapper.weights(bound, (None, 5, 2)) is None
    assert wrapper.count_params(bound, (None, 5, 2)) == (None, None)
