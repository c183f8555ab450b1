"""Tests for the layer definitions (seqlint.layers): signatures, output shapes, parameter counts.

Numbers are Keras 3.15.1's: the corpus cases below were worked out by hand from the corpus
scripts and agree with their measured ``expected.json``; ``KERAS_TABLE`` was produced by running
real Keras 3.15.1 (``keras.Sequential([keras.Input(shape[1:]), layer])``, then
``layer.output.shape`` / ``layer.count_params()`` / trainable weights) on each row.
"""

from __future__ import annotations

from typing import Any

import pytest

from seqlint.layers import (
    REQUIRED,
    UNKNOWN,
    BoundArgs,
    LayerDef,
    LayerSpec,
    Shape,
    ShapeError,
    all_layers,
    get_layer,
)

Counts = tuple[int | None, int | None]


def S(layer: str, /, *args: Any, **kwargs: Any) -> LayerSpec:
    """A bound layer call, like the extractor produces for ``layer(*args, **kwargs)``."""
    definition = get_layer(layer)
    assert definition is not None, layer
    return LayerSpec(definition, definition.bind(args, kwargs), layer)


def _parts(spec: LayerSpec) -> tuple[LayerDef, BoundArgs]:
    assert spec.definition is not None
    return spec.definition, spec.args


def out(spec: LayerSpec, shape: Shape) -> Shape | None:
    definition, args = _parts(spec)
    return definition.output_shape(args, shape)


def counts(spec: LayerSpec, shape: Shape) -> Counts:
    definition, args = _parts(spec)
    return definition.count_params(args, shape)


def total(spec: LayerSpec, shape: Shape) -> int | None:
    trainable, frozen = counts(spec, shape)
    return None if trainable is None or frozen is None else trainable + frozen


def error_kind(spec: LayerSpec, shape: Shape) -> str:
    with pytest.raises(ShapeError) as info:
        out(spec, shape)
    return info.value.kind


# ---- registry ----------------------------------------------------------------------------------

EXPECTED_NAMES = """
Activation ActivityRegularization AdaptiveAveragePooling1D AdaptiveAveragePooling2D
AdditiveAttention Attention
AdaptiveAveragePooling3D AdaptiveMaxPooling1D AdaptiveMaxPooling2D AdaptiveMaxPooling3D Add
AlphaDropout AugMix AutoContrast Average AveragePooling1D AveragePooling2D AveragePooling3D
AvgPool1D AvgPool2D AvgPool3D BatchNormalization Bidirectional CategoryEncoding CenterCrop
Concatenate ContrastLimitedAdaptiveHistogramEqualization Conv1D Conv1DTranspose Conv2D
Conv2DTranspose Conv3D Conv3DTranspose ConvLSTM1D ConvLSTM2D ConvLSTM3D Convolution1D
Convolution1DTranspose Convolution2D Convolution2DTranspose Convolution3D
Convolution3DTranspose Cropping1D Cropping2D Cropping3D CutMix Dense DepthwiseConv1D
DepthwiseConv2D Discretization Dot Dropout ELU EinsumDense Embedding Equalization Flatten GRU
GaussianDropout GaussianNoise GlobalAveragePooling1D GlobalAveragePooling2D
GlobalAveragePooling3D GlobalAvgPool1D GlobalAvgPool2D GlobalAvgPool3D GlobalMaxPool1D
GlobalMaxPool2D GlobalMaxPool3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D
GroupNormalization Hashing Identity IntegerLookup LSTM Lambda LayerNormalization LeakyReLU
Masking MaxPool1D MaxPool2D MaxPool3D MaxPooling1D MaxPooling2D MaxPooling3D Maximum Minimum
MixUp Multiply Normalization PReLU Permute RMSNormalization RandAugment RandomBrightness
RandomColorDegeneration RandomColorJitter RandomContrast RandomCrop RandomElasticTransform
RandomErasing RandomFlip RandomGaussianBlur RandomGrayscale RandomHue RandomInvert
RandomPerspective RandomPosterization RandomRotation RandomSaturation RandomSharpness
RandomShear RandomTranslation RandomZoom ReLU RepeatVector Rescaling Reshape Resizing
ReversibleEmbedding SeparableConv1D SeparableConv2D SeparableConvolution1D
SeparableConvolution2D SimpleRNN Softmax Solarization SpatialDropout1D SpatialDropout2D
SpatialDropout3D StringLookup Subtract TextVectorization TimeDistributed UnitNormalization
UpSampling1D UpSampling2D UpSampling3D ZeroPadding1D ZeroPadding2D ZeroPadding3D
""".split()  # noqa: SIM905


def test_every_expected_name_is_registered() -> None:
    registered = all_layers()
    assert sorted(set(EXPECTED_NAMES) - set(registered)) == []
    assert sorted(set(registered) - set(EXPECTED_NAMES)) == []


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("Convolution2D", "Conv2D"),
        ("Convolution1D", "Conv1D"),
        ("MaxPool2D", "MaxPooling2D"),
        ("AvgPool1D", "AveragePooling1D"),
        ("AvgPool2D", "AveragePooling2D"),
        ("SeparableConvolution2D", "SeparableConv2D"),
        ("Convolution2DTranspose", "Conv2DTranspose"),
        ("GlobalAvgPool2D", "GlobalAveragePooling2D"),
        ("GlobalMaxPool1D", "GlobalMaxPooling1D"),
    ],
)
def test_aliases_resolve_to_the_class_keras_reports(alias: str, canonical: str) -> None:
    definition = get_layer(alias)
    assert definition is not None
    assert definition.name == canonical
    assert get_layer(canonical) is definition


@pytest.mark.parametrize("name", ["ThresholdedReLU", "CuDNNLSTM", "Merge", "InputLayer", "Dense2"])
def test_names_keras_3_does_not_have_here_are_unknown(name: str) -> None:
    assert get_layer(name) is None


def test_params_are_well_formed() -> None:
    for name, definition in all_layers().items():
        names = [p.name for p in definition.params]
        assert len(names) == len(set(names)), name
        positional = [p for p in definition.params if not p.keyword_only]
        seen_default = False
        for p in positional:  # Python order: no required argument after a defaulted one
            if p.default is REQUIRED:
                assert not seen_default, (name, p.name)
            else:
                seen_default = True


# ---- signatures and binding ------------------------------------------------------------------


def test_dense_signature_starts_like_keras() -> None:
    dense = get_layer("Dense")
    assert dense is not None
    assert [p.name for p in dense.params[:4]] == [
        "units",
        "activation",
        "use_bias",
        "kernel_initializer",
    ]
    assert dense.params[0].default is REQUIRED


def test_missing_required_units() -> None:
    bound = S("Dense", activation="relu").args
    assert bound.missing == ["units"]
    assert not bound.ok
    assert bound["units"] is UNKNOWN


def test_keras2_keywords_are_unknown() -> None:
    bound = S("Dense", 10, output_dim=10, init="uniform").args
    assert bound.unknown_keywords == ["output_dim", "init"]
    assert S("Dropout", p=0.5).args.missing == ["rate"]
    assert S("Conv2D", 32, 3, border_mode="same").args.unknown_keywords == ["border_mode"]
    assert S("BatchNormalization", mode=0).args.unknown_keywords == ["mode"]


@pytest.mark.parametrize("keyword", ["batch_input_shape", "batch_size", "weights"])
def test_base_kwargs_keras_3_dropped(keyword: str) -> None:
    assert S("Dense", 8, **{keyword: (None, 4)}).args.unknown_keywords == [keyword]


def test_too_many_positionals() -> None:
    assert S("Dropout", 0.5, (None, 1), 3, 4).args.too_many_positional == 1
    assert S("Flatten", "channels_last", 2).args.too_many_positional == 1
    assert S("Add", 1).args.too_many_positional == 1


def test_base_kwargs_accepted_where_keras_forwards_them() -> None:
    bound = S("Dropout", 0.2, input_shape=(4,), name="drop", dtype="float32").args
    assert bound.ok
    assert bound["input_shape"] == (4,)
    assert S("Embedding", 100, 8, input_length=20).args.ok  # deprecated, still accepted
    assert S("LeakyReLU", alpha=0.1).args.ok  # Keras 2 name, still accepted
    assert S("LSTM", 4, implementation=1).args.ok
    assert S("Conv2D", 4, 3, lora_rank=2).args.ok
    assert S("RandomFlip", bounding_box_format="xyxy").args.ok


@pytest.mark.parametrize("name", ["SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"])
def test_spatial_dropout_takes_no_base_kwargs(name: str) -> None:
    definition = get_layer(name)
    assert definition is not None
    assert definition.base_kwargs is False
    bound = S(name, 0.2, input_shape=(32, 32, 1)).args
    assert bound.unknown_keywords == ["input_shape"]
    assert S(name, 0.2, name="sd", dtype="float32").args.ok  # explicit parameters


def test_discretization_takes_no_base_kwargs() -> None:
    assert S("Discretization", [0.0], input_shape=(3,)).args.unknown_keywords == ["input_shape"]


@pytest.mark.parametrize(
    ("name", "param", "default"),
    [
        ("MaxPooling1D", "pool_size", 2),
        ("MaxPooling2D", "pool_size", (2, 2)),
        ("MaxPooling3D", "pool_size", (2, 2, 2)),
        ("AveragePooling1D", "pool_size", REQUIRED),
        ("AveragePooling2D", "pool_size", REQUIRED),
        ("AveragePooling3D", "pool_size", REQUIRED),
        ("GRU", "reset_after", True),
        ("LeakyReLU", "negative_slope", 0.3),
        ("GroupNormalization", "groups", 32),
        ("Conv2D", "strides", (1, 1)),
        ("Conv1D", "strides", 1),
        ("ConvLSTM2D", "strides", 1),
        ("Cropping2D", "cropping", ((0, 0), (0, 0))),
        ("Cropping3D", "cropping", ((1, 1), (1, 1), (1, 1))),
        ("BatchNormalization", "momentum", 0.99),
        ("RandomFlip", "mode", "horizontal_and_vertical"),
    ],
)
def test_keras_3_defaults(name: str, param: str, default: Any) -> None:
    definition = get_layer(name)
    assert definition is not None
    (match,) = [p for p in definition.params if p.name == param]
    assert match.default == default if default is not REQUIRED else match.default is REQUIRED


def test_average_pooling_without_pool_size_is_missing_it() -> None:
    assert S("AveragePooling2D").args.missing == ["pool_size"]
    assert S("MaxPooling2D").args.ok


def test_conv3d_transpose_puts_data_format_before_output_padding() -> None:
    definition = get_layer("Conv3DTranspose")
    assert definition is not None
    names = [p.name for p in definition.params]
    assert names.index("data_format") < names.index("output_padding")
    definition = get_layer("Conv2DTranspose")
    assert definition is not None
    names = [p.name for p in definition.params]
    assert names.index("output_padding") < names.index("data_format")


def test_pooling_name_is_positional() -> None:
    bound = S("MaxPooling2D", 2, None, "valid", None, "pool").args
    assert bound.ok
    assert bound["name"] == "pool"


def test_wrapped_layer_binding() -> None:
    spec = S("Bidirectional", S("LSTM", 32, return_sequences=True), merge_mode="sum")
    assert spec.args.ok
    assert isinstance(spec.args["layer"], LayerSpec)
    assert S("TimeDistributed").args.missing == ["layer"]
    for name in ("Bidirectional", "TimeDistributed"):
        definition = get_layer(name)
        assert definition is not None and definition.wraps_layer


# ---- the corpus: Keras 3.15.1's measured shapes and counts ----------------------------------

# (layer, input shape, output shape, total params, trainable params)
CORPUS: list[tuple[LayerSpec, Shape, Shape, int, int]] = [
    # cifar_cnn_add_form_constants
    (S("Conv2D", 32, (3, 3), padding="same"), (None, 32, 32, 3), (None, 32, 32, 32), 896, 896),
    (S("BatchNormalization"), (None, 32, 32, 32), (None, 32, 32, 32), 128, 64),
    (S("Conv2D", 32, (3, 3)), (None, 32, 32, 32), (None, 30, 30, 32), 9248, 9248),
    (S("MaxPooling2D", pool_size=(2, 2)), (None, 30, 30, 32), (None, 15, 15, 32), 0, 0),
    (S("MaxPooling2D", pool_size=(2, 2)), (None, 13, 13, 64), (None, 6, 6, 64), 0, 0),
    (S("Flatten"), (None, 6, 6, 64), (None, 2304), 0, 0),
    (S("Dense", 256), (None, 2304), (None, 256), 590080, 590080),
    (S("Activation", "softmax"), (None, 10), (None, 10), 0, 0),
    # cnn_avgpool_spatial_dropout
    (
        S("Conv2D", 16, 3, padding="same", activation="relu"),
        (None, 32, 32, 1),
        (None, 32, 32, 16),
        160,
        160,
    ),
    (S("SpatialDropout2D", 0.2), (None, 32, 32, 16), (None, 32, 32, 16), 0, 0),
    (S("AveragePooling2D", pool_size=2), (None, 32, 32, 16), (None, 16, 16, 16), 0, 0),
    (
        S("AveragePooling2D", pool_size=(2, 2), strides=2),
        (None, 16, 16, 32),
        (None, 8, 8, 32),
        0,
        0,
    ),
    (S("Conv2D", 32, 3, activation="relu"), (None, 8, 8, 32), (None, 6, 6, 32), 9248, 9248),
    (S("GlobalMaxPooling2D"), (None, 6, 6, 32), (None, 32), 0, 0),
    (S("Dense", 4, activation="softmax"), (None, 32), (None, 4), 132, 132),
    # conv3d_volume_classifier
    (S("Conv3D", 8, kernel_size=3), (None, 16, 16, 16, 1), (None, 14, 14, 14, 8), 224, 224),
    (S("MaxPooling3D", pool_size=2), (None, 14, 14, 14, 8), (None, 7, 7, 7, 8), 0, 0),
    (S("BatchNormalization"), (None, 7, 7, 7, 8), (None, 7, 7, 7, 8), 32, 16),
    (
        S("Conv3D", 16, kernel_size=3, padding="same"),
        (None, 7, 7, 7, 8),
        (None, 7, 7, 7, 16),
        3472,
        3472,
    ),
    (S("GlobalAveragePooling3D"), (None, 7, 7, 7, 16), (None, 16), 0, 0),
    # conv_autoencoder_transpose
    (
        S("Conv2D", 32, 3, strides=2, padding="same"),
        (None, 28, 28, 1),
        (None, 14, 14, 32),
        320,
        320,
    ),
    (
        S("Conv2D", 64, 3, strides=2, padding="same"),
        (None, 14, 14, 32),
        (None, 7, 7, 64),
        18496,
        18496,
    ),
    (
        S("Conv2DTranspose", 64, 3, strides=2, padding="same"),
        (None, 7, 7, 64),
        (None, 14, 14, 64),
        36928,
        36928,
    ),
    (
        S("Conv2DTranspose", 32, 3, strides=2, padding="same"),
        (None, 14, 14, 64),
        (None, 28, 28, 32),
        18464,
        18464,
    ),
    (S("Conv2D", 1, 3, padding="same"), (None, 28, 28, 32), (None, 28, 28, 1), 289, 289),
    # gru_topic_classifier
    (S("Embedding", 2000, 32, input_shape=(40,)), (None, 40), (None, 40, 32), 64000, 64000),
    (S("GRU", 48, return_sequences=True), (None, 40, 32), (None, 40, 48), 11808, 11808),
    (S("GRU", 24), (None, 40, 48), (None, 24), 5328, 5328),
    (S("Dense", 6, activation="softmax"), (None, 24), (None, 6), 150, 150),
    # leaky_relu_batchnorm_mlp
    (S("Dense", 256, input_shape=(64,)), (None, 64), (None, 256), 16640, 16640),
    (S("LeakyReLU", negative_slope=0.2), (None, 256), (None, 256), 0, 0),
    (S("BatchNormalization"), (None, 256), (None, 256), 1024, 512),
    # lenet_zero_padding_cropping
    (S("ZeroPadding2D", padding=2), (None, 28, 28, 1), (None, 32, 32, 1), 0, 0),
    (
        S("Conv2D", 6, kernel_size=5, activation="tanh"),
        (None, 32, 32, 1),
        (None, 28, 28, 6),
        156,
        156,
    ),
    (S("AveragePooling2D", pool_size=2), (None, 28, 28, 6), (None, 14, 14, 6), 0, 0),
    (S("Conv2D", 16, kernel_size=5), (None, 14, 14, 6), (None, 10, 10, 16), 2416, 2416),
    (S("Cropping2D", cropping=((1, 1), (1, 1))), (None, 10, 10, 16), (None, 8, 8, 16), 0, 0),
    (S("Flatten"), (None, 4, 4, 16), (None, 256), 0, 0),
    (S("Dense", 120, activation="tanh"), (None, 256), (None, 120), 30840, 30840),
    # normalization_adapt_regression
    (S("Normalization", axis=-1), (None, 9), (None, 9), 19, 0),
    # reshape_permute_conv1d
    (S("Reshape", (16, 8)), (None, 128), (None, 16, 8), 0, 0),
    (S("Permute", (2, 1)), (None, 16, 8), (None, 8, 16), 0, 0),
    (S("Conv1D", 32, 3, activation="relu"), (None, 8, 16), (None, 6, 32), 1568, 1568),
    (S("Flatten"), (None, 6, 32), (None, 192), 0, 0),
    (S("Dense", 3, activation="softmax"), (None, 192), (None, 3), 579, 579),
    # separable_depthwise_dilated_cnn
    (
        S("Conv2D", 16, 3, strides=2, padding="same", use_bias=False),
        (None, 32, 32, 3),
        (None, 16, 16, 16),
        432,
        432,
    ),
    (S("BatchNormalization"), (None, 16, 16, 16), (None, 16, 16, 16), 64, 32),
    (S("ReLU"), (None, 16, 16, 16), (None, 16, 16, 16), 0, 0),
    (S("DepthwiseConv2D", 3, padding="same"), (None, 16, 16, 16), (None, 16, 16, 16), 160, 160),
    (
        S("SeparableConv2D", 32, 3, padding="same", activation="relu"),
        (None, 16, 16, 16),
        (None, 16, 16, 32),
        688,
        688,
    ),
    (
        S("Conv2D", 32, 3, dilation_rate=2, activation="relu"),
        (None, 16, 16, 32),
        (None, 12, 12, 32),
        9248,
        9248,
    ),
    (S("ReLU", max_value=6.0), (None, 12, 12, 32), (None, 12, 12, 32), 0, 0),
    (S("GlobalAveragePooling2D"), (None, 12, 12, 32), (None, 32), 0, 0),
    # seq2seq_repeatvector
    (
        S("LSTM", 64, activation="relu", input_shape=(10, 1)),
        (None, 10, 1),
        (None, 64),
        16896,
        16896,
    ),
    (S("RepeatVector", 5), (None, 64), (None, 5, 64), 0, 0),
    (
        S("LSTM", 64, activation="relu", return_sequences=True),
        (None, 5, 64),
        (None, 5, 64),
        33024,
        33024,
    ),
    (
        S("TimeDistributed", S("Dense", 32, activation="relu")),
        (None, 5, 64),
        (None, 5, 32),
        2080,
        2080,
    ),
    (S("TimeDistributed", S("Dense", 1)), (None, 5, 32), (None, 5, 1), 33, 33),
    # timedistributed_pos_tagger
    (S("Embedding", input_dim=3000, output_dim=50), (None, 25), (None, 25, 50), 150000, 150000),
    (
        S("LSTM", units=64, return_sequences=True, recurrent_dropout=0.1),
        (None, 25, 50),
        (None, 25, 64),
        29440,
        29440,
    ),
    (
        S("TimeDistributed", S("Dense", 12, activation="softmax")),
        (None, 25, 64),
        (None, 25, 12),
        780,
        780,
    ),
    # bidirectional_lstm_logits
    (S("Embedding", 10000, 64, mask_zero=True), (None, 50), (None, 50, 64), 640000, 640000),
    (
        S("Bidirectional", S("LSTM", 32, return_sequences=True)),
        (None, 50, 64),
        (None, 50, 64),
        24832,
        24832,
    ),
    (S("Bidirectional", S("LSTM", 16)), (None, 50, 64), (None, 32), 10368, 10368),
    # conv1d_dilated_causal_loop
    (
        S("Conv1D", filters=16, kernel_size=2, padding="causal", dilation_rate=1),
        (None, 64, 3),
        (None, 64, 16),
        112,
        112,
    ),
    (
        S("Conv1D", filters=16, kernel_size=2, padding="causal", dilation_rate=4),
        (None, 64, 16),
        (None, 64, 16),
        528,
        528,
    ),
    (
        S("Conv1D", filters=8, kernel_size=3, dilation_rate=2),
        (None, 64, 16),
        (None, 60, 8),
        392,
        392,
    ),
    (S("GlobalMaxPooling1D"), (None, 60, 8), (None, 8), 0, 0),
    # text_cnn_conv1d_global_max
    (S("Embedding", 5000, 50), (None, 100), (None, 100, 50), 250000, 250000),
    (
        S("Conv1D", 64, 3, padding="valid", activation="relu", strides=1),
        (None, 100, 50),
        (None, 98, 64),
        9664,
        9664,
    ),
    (S("MaxPooling1D", pool_size=2), (None, 98, 64), (None, 49, 64), 0, 0),
    # simple_rnn_forecast_windows (variable-length time axis)
    (
        S("SimpleRNN", 20, return_sequences=True, input_shape=[None, 1]),
        (None, None, 1),
        (None, None, 20),
        440,
        440,
    ),
    (S("SimpleRNN", 20), (None, None, 20), (None, 20), 820, 820),
    # upsampling_autoencoder / rescaling_flowers_cnn
    (S("MaxPooling2D", (2, 2), padding="same"), (None, 32, 32, 16), (None, 16, 16, 16), 0, 0),
    (S("UpSampling2D", (2, 2)), (None, 8, 8, 8), (None, 16, 16, 8), 0, 0),
    (S("UpSampling2D", size=2), (None, 16, 16, 16), (None, 32, 32, 16), 0, 0),
    (
        S("Conv2D", 3, (3, 3), activation="sigmoid", padding="same"),
        (None, 32, 32, 16),
        (None, 32, 32, 3),
        435,
        435,
    ),
    (
        S("Rescaling", 1.0 / 255, input_shape=(32, 32, 3)),
        (None, 32, 32, 3),
        (None, 32, 32, 3),
        0,
        0,
    ),
    # stacked_lstm_missing_return_sequences (first layer) / missing_flatten_mnist_cnn
    (S("LSTM", 100, input_shape=(10, 8)), (None, 10, 8), (None, 100), 43600, 43600),
    (S("Dense", 128, activation="relu"), (None, 5, 5, 64), (None, 5, 5, 128), 8320, 8320),
]


@pytest.mark.parametrize(("spec", "shape", "expected", "n_total", "n_trainable"), CORPUS)
def test_corpus_layers(
    spec: LayerSpec, shape: Shape, expected: Shape, n_total: int, n_trainable: int
) -> None:
    assert out(spec, shape) == expected
    trainable, frozen = counts(spec, shape)
    assert trainable == n_trainable
    assert frozen == n_total - n_trainable


@pytest.mark.parametrize(
    ("spec", "shape", "kind", "fragment"),
    [
        # conv2d_missing_channel_axis
        (S("Conv2D", 32, (3, 3)), (None, 28, 28), "rank", "expected min_ndim=4, found ndim=3"),
        # conv1d_on_flat_features_list
        (
            S("Conv1D", filters=32, kernel_size=3),
            (None, 100),
            "rank",
            "expected min_ndim=3, found ndim=2",
        ),
        # lstm_after_dense_tabular / stacked_lstm_missing_return_sequences
        (S("LSTM", 32), (None, 64), "rank", "expected ndim=3, found ndim=2"),
        (S("LSTM", 100), (None, 100), "rank", "expected ndim=3, found ndim=2"),
        # conv1d_pool_too_short_sequence / too_many_pooling_blocks
        (
            S("Conv1D", 32, kernel_size=3),
            (None, 1, 64),
            "dimension",
            "Computed output size would be zero or negative",
        ),
        (
            S("Conv2D", 256, (3, 3)),
            (None, 1, 1, 128),
            "dimension",
            "Computed output size would be zero or negative",
        ),
        # reshape_element_count_mismatch
        (
            S("Reshape", (8, 10)),
            (None, 64),
            "dimension",
            "The total size of the tensor must be unchanged",
        ),
        # concatenate_layer_in_sequential / merge layers
        (
            S("Concatenate"),
            (None, 32),
            "rank",
            "A `Concatenate` layer should be called on a list of at least 1 input",
        ),
        (S("Add"), (None, 32), "rank", "A merge layer should be called on a list of inputs"),
        (
            S("Dot", axes=1),
            (None, 32),
            "rank",
            "A `Dot` layer should be called on a list of 2 inputs",
        ),
        # pooling larger than its input
        (
            S("MaxPooling2D", (3, 3)),
            (None, 2, 2, 8),
            "dimension",
            "Computed output size would be zero or negative",
        ),
        (S("TimeDistributed", S("Dense", 3)), (None, 6), "rank", "at least 3 dimensions"),
        (S("SpatialDropout2D", 0.2), (None, 32, 16), "rank", "expected ndim=4, found ndim=3"),
    ],
)
def test_keras_errors(spec: LayerSpec, shape: Shape, kind: str, fragment: str) -> None:
    with pytest.raises(ShapeError) as info:
        out(spec, shape)
    assert info.value.kind == kind
    assert fragment in info.value.message


def test_merge_layers_are_flagged() -> None:
    for name in (
        "Add",
        "Subtract",
        "Multiply",
        "Average",
        "Maximum",
        "Minimum",
        "Concatenate",
        "Dot",
    ):
        definition = get_layer(name)
        assert definition is not None and definition.merge, name
        assert error_kind(S(name, 1) if name == "Dot" else S(name), (None, 4, 4)) == "rank"


# ---- unknowns propagate, never guessed ---------------------------------------------------------


def test_unknown_units_gives_unknown_dim_and_count() -> None:
    spec = S("Dense", UNKNOWN, activation="relu")
    assert out(spec, (None, 13)) == (None, None)
    assert counts(spec, (None, 13)) == (None, None)


def test_unknown_input_dim_gives_unknown_count_but_known_shape() -> None:
    assert out(S("Dense", 8), (None, None)) == (None, 8)
    assert counts(S("Dense", 8), (None, None)) == (None, None)
    assert out(S("Conv2D", 8, 3), (None, None, 28, 1)) == (None, None, 26, 8)
    assert counts(S("Conv2D", 8, 3), (None, None, 28, 1)) == (80, 0)
    assert counts(S("Conv2D", 8, 3), (None, 28, 28, None)) == (None, None)
    assert out(S("Flatten"), (None, None, 4)) == (None, None)
    assert out(S("LSTM", 8, return_sequences=True), (None, None, 4)) == (None, None, 8)


@pytest.mark.parametrize(
    ("spec", "shape", "expected"),
    [
        (S("Conv2D", 16, UNKNOWN), (None, 28, 28, 1), (None, None, None, 16)),
        (S("Conv2D", 16, 3, strides=UNKNOWN), (None, 28, 28, 1), (None, None, None, 16)),
        (S("Conv2D", 16, 3, padding=UNKNOWN), (None, 28, 28, 1), (None, None, None, 16)),
        (S("Conv2D", 16, (3, UNKNOWN)), (None, 28, 28, 1), (None, 26, None, 16)),
        (S("Conv2D", 16, 3, data_format=UNKNOWN), (None, 28, 28, 1), (None, None, None, None)),
        (S("MaxPooling2D", UNKNOWN), (None, 28, 28, 1), (None, None, None, 1)),
        (S("Reshape", UNKNOWN), (None, 28, 28, 1), None),
        (S("Reshape", (UNKNOWN, 7)), (None, 28), (None, None, 7)),
        (S("Reshape", (-1, 7)), (None, None), (None, None, 7)),
        (S("LSTM", UNKNOWN), (None, 5, 3), (None, None)),
        (S("LSTM", 8, return_sequences=UNKNOWN), (None, 5, 3), None),
        (S("Embedding", 100, UNKNOWN), (None, 5), (None, 5, None)),
        (S("RepeatVector", UNKNOWN), (None, 5), (None, None, 5)),
        (S("Bidirectional", UNKNOWN), (None, 5, 3), None),
        (S("Bidirectional", LayerSpec(None, BoundArgs(), "MyRNN")), (None, 5, 3), None),
        (S("TimeDistributed", UNKNOWN), (None, 5, 3), None),
        (S("Lambda", UNKNOWN), (None, 5), None),
        (S("Lambda", UNKNOWN, output_shape=(3, 2)), (None, 5), (None, 3, 2)),
        (S("Lambda", UNKNOWN, output_shape=UNKNOWN), (None, 5), None),
        (S("GlobalMaxPooling2D", keepdims=UNKNOWN), (None, 4, 4, 3), None),
        (S("ZeroPadding2D", UNKNOWN), (None, 4, 4, 3), (None, None, None, 3)),
        (S("UpSampling2D", (2, UNKNOWN)), (None, 4, 4, 3), (None, 8, None, 3)),
        (S("Resizing", UNKNOWN, 32), (None, 64, 64, 3), (None, None, 32, 3)),
        (S("CategoryEncoding", num_tokens=UNKNOWN), (None, 4), (None, None)),
    ],
)
def test_unknown_arguments_propagate(spec: LayerSpec, shape: Shape, expected: Shape | None) -> None:
    assert out(spec, shape) == expected


@pytest.mark.parametrize(
    "spec",
    [
        S("Dense", 8, use_bias=UNKNOWN),
        S("Conv1D", 8, 3, groups=UNKNOWN),
        S("BatchNormalization", center=UNKNOWN),
        S("BatchNormalization", axis=UNKNOWN),
        S("GRU", 8, reset_after=UNKNOWN),
        S("Normalization", mean=UNKNOWN, variance=UNKNOWN),
        S("Bidirectional", S("LSTM", 4), backward_layer=UNKNOWN),
        S("Embedding", UNKNOWN, 8),
        S("PReLU", shared_axes=UNKNOWN),
    ],
)
def test_unknown_arguments_give_unknown_counts(spec: LayerSpec) -> None:
    assert counts(spec, (None, 6, 4)) == (None, None)


def test_unknowns_never_become_errors() -> None:
    # a kernel that would not fit a known 2x2 input stays silent when the input size is unknown
    assert out(S("Conv2D", 8, 5), (None, None, None, 1)) == (None, None, None, 8)
    assert out(S("MaxPooling1D", 9), (None, None, 4)) == (None, None, 4)
    assert out(S("Cropping1D", 50), (None, None, 4)) == (None, None, 4)
    assert out(S("Reshape", (8, 10)), (None, None)) == (None, 8, 10)
    assert out(S("GroupNormalization", groups=5), (None, 4, None)) == (None, 4, None)


def test_every_definition_survives_unknown_and_odd_arguments() -> None:
    """No definition may crash on values the extractor could hand it: only ShapeError."""
    odd: list[Any] = [UNKNOWN, "weird", 3.5, -1, 0, (2, 2), [UNKNOWN, 2], None, True, {"a": 1}]
    shapes: list[Shape] = [(None,), (None, 5), (None, None), (None, 4, 3), (None, 8, 8, 3)]
    seen: set[str] = set()
    for definition in all_layers().values():
        if definition.name in seen:
            continue
        seen.add(definition.name)
        required = {p.name: UNKNOWN for p in definition.params if p.default is REQUIRED}
        variants = [{p.name: UNKNOWN for p in definition.params}, required]
        variants += [{**required, p.name: v} for p in definition.params for v in odd]
        for kwargs in variants:
            bound = definition.bind([], kwargs)
            definition.activation(bound)
            for shape in shapes:
                for method in (definition.output_shape, definition.count_params):
                    try:
                        method(bound, shape)
                    except ShapeError as err:
                        assert err.kind in ("rank", "dimension")


# ---- layer by layer ----------------------------------------------------------------------------


def test_gru_reset_after_and_simple_rnn() -> None:
    assert counts(S("GRU", 48), (None, 10, 32)) == (11808, 0)
    assert counts(S("GRU", 48, reset_after=False), (None, 10, 32)) == (11664, 0)
    assert counts(S("SimpleRNN", 8, use_bias=False), (None, 10, 4)) == (96, 0)
    assert counts(S("LSTM", 8, use_bias=False), (None, 10, 4)) == (384, 0)


def test_return_state_has_several_outputs_so_no_single_shape() -> None:
    assert out(S("LSTM", 8, return_state=True), (None, 5, 3)) is None
    assert counts(S("LSTM", 8, return_state=True), (None, 5, 3)) == (384, 0)
    assert out(S("Bidirectional", S("GRU", 4), merge_mode=None), (None, 5, 3)) is None


@pytest.mark.parametrize(
    ("merge_mode", "expected"),
    [
        ("concat", (None, 50, 64)),
        ("sum", (None, 50, 32)),
        ("mul", (None, 50, 32)),
        ("ave", (None, 50, 32)),
    ],
)
def test_bidirectional_merge_modes(merge_mode: str, expected: Shape) -> None:
    spec = S("Bidirectional", S("LSTM", 32, return_sequences=True), merge_mode=merge_mode)
    assert out(spec, (None, 50, 64)) == expected
    assert counts(spec, (None, 50, 64)) == (24832, 0)


def test_bidirectional_backward_layer() -> None:
    spec = S("Bidirectional", S("LSTM", 3), backward_layer=S("LSTM", 5, go_backwards=True))
    # Keras takes the output shape from the forward layer only; weights of both layers count
    assert out(spec, (None, 6, 4)) == (None, 6)
    assert counts(spec, (None, 6, 4)) == (96 + 200, 0)
    assert error_kind(spec, (None, 4)) == "rank"


def test_time_distributed() -> None:
    conv = S("TimeDistributed", S("Conv2D", 3, 3))
    assert out(conv, (None, 6, 8, 8, 1)) == (None, 6, 6, 6, 3)
    assert counts(conv, (None, 6, 8, 8, 1)) == (30, 0)
    # Keras skips the inner layer's InputSpec here: unknown, not an error
    assert out(S("TimeDistributed", S("LSTM", 3)), (None, 6, 4, 7, 2)) is None
    # ... but a convolution that cannot fit still fails
    assert error_kind(conv, (None, 6, 8, 8)) == "rank"
    assert error_kind(S("TimeDistributed", S("Conv1D", 3, 9)), (None, 6, 8, 2)) == "dimension"


def test_conv_groups() -> None:
    assert out(S("Conv2D", 6, 3, groups=3), (None, 8, 8, 3)) == (None, 6, 6, 6)
    assert counts(S("Conv2D", 6, 3, groups=3), (None, 8, 8, 3)) == (60, 0)
    with pytest.raises(ShapeError) as info:
        out(S("Conv2D", 6, 3, groups=3), (None, 8, 8, 4))
    assert info.value.kind == "dimension"


def test_conv_channels_first() -> None:
    spec = S("Conv2D", 8, 3, data_format="channels_first")
    assert out(spec, (None, 3, 32, 30)) == (None, 8, 30, 28)
    assert counts(spec, (None, 3, 32, 30)) == (224, 0)


def test_conv_transpose_output_padding() -> None:
    assert out(S("Conv2DTranspose", 4, 3, strides=2), (None, 7, 7, 1)) == (None, 15, 15, 4)
    assert out(S("Conv2DTranspose", 4, 3, strides=2, output_padding=1), (None, 7, 7, 1)) == (
        None,
        16,
        16,
        4,
    )
    assert out(S("Conv1DTranspose", 4, 2, strides=3), (None, 5, 1)) == (None, 15, 4)
    assert out(S("Conv3DTranspose", 2, 3, padding="same", strides=2), (None, 4, 4, 4, 1)) == (
        None,
        8,
        8,
        8,
        2,
    )


def test_lora_freezes_the_kernel() -> None:
    assert counts(S("Dense", 3, lora_rank=2), (None, 5)) == (19, 15)
    assert counts(S("Conv2D", 3, 3, lora_rank=2), (None, 5, 5, 2)) == (45, 54)
    assert counts(S("Embedding", 10, 3, lora_rank=2), (None, 5)) == (26, 30)


def test_batch_normalization_variants() -> None:
    assert counts(S("BatchNormalization", center=False), (None, 8)) == (8, 16)
    assert counts(S("BatchNormalization", renorm=True), (None, 5)) == (10, 25)
    assert counts(S("BatchNormalization", axis=1), (None, 3, 8, 8)) == (6, 6)
    assert error_kind(S("BatchNormalization", axis=2), (None, 5)) == "rank"


def test_normalization_layers() -> None:
    assert counts(S("Normalization"), (None, 9)) == (0, 19)
    assert counts(S("Normalization", axis=None), (None, 6, 4)) == (0, 3)
    assert counts(S("Normalization", axis=(1, 2)), (None, 6, 4)) == (0, 49)
    assert counts(S("Normalization", mean=0.5, variance=2.0), (None, 9)) == (0, 0)
    assert counts(S("LayerNormalization", axis=[1, 2]), (None, 6, 4)) == (48, 0)
    assert counts(S("LayerNormalization", rms_scaling=True), (None, 6, 4)) == (4, 0)
    assert counts(S("GroupNormalization", groups=-1), (None, 6, 4)) == (8, 0)
    assert error_kind(S("GroupNormalization", groups=3), (None, 6, 4)) == "dimension"
    assert error_kind(S("GroupNormalization"), (None, 6, 4)) == "dimension"
    assert counts(S("RMSNormalization"), (None, 6, 3)) == (3, 0)
    assert counts(S("UnitNormalization"), (None, 6, 3)) == (0, 0)


def test_prelu_shared_axes() -> None:
    assert counts(S("PReLU"), (None, 4, 5, 6)) == (120, 0)
    assert counts(S("PReLU", shared_axes=[1, 2]), (None, 4, 5, 6)) == (6, 0)
    assert error_kind(S("PReLU", shared_axes=[1, 2]), (None, 9)) == "rank"


def test_flatten_reshape_permute() -> None:
    assert out(S("Flatten"), (None,)) == (None, 1)
    assert out(S("Reshape", (-1, 3)), (None, 5, 6)) == (None, 10, 3)
    assert error_kind(S("Reshape", (4, -1)), (None, 5, 7)) == "dimension"
    assert out(S("Permute", (1, 3, 2)), (None, 2, 3, 4)) == (None, 2, 4, 3)
    assert error_kind(S("Permute", (2, 1)), (None, 2, 3, 4)) == "rank"
    assert error_kind(S("RepeatVector", 3), (None, 2, 3)) == "rank"


def test_cropping_and_padding() -> None:
    assert out(S("Cropping1D", (2, 3)), (None, 12, 3)) == (None, 7, 3)
    assert error_kind(S("Cropping1D", 6), (None, 12, 3)) == "dimension"
    assert out(S("Cropping2D", (1, 2)), (None, 16, 12, 3)) == (None, 14, 8, 3)
    assert out(S("Cropping3D"), (None, 8, 9, 10, 2)) == (None, 6, 7, 8, 2)
    assert out(S("ZeroPadding1D", (1, 2)), (None, 12, 3)) == (None, 15, 3)
    assert out(S("ZeroPadding2D", ((1, 2), (3, 4))), (None, 3, 16, 12)) == (None, 6, 23, 12)
    assert out(S("ZeroPadding2D", 1, data_format="channels_first"), (None, 3, 16, 12)) == (
        None,
        3,
        18,
        14,
    )
    assert out(S("ZeroPadding3D"), (None, 2, 2, 2, 1)) == (None, 4, 4, 4, 1)
    assert out(S("UpSampling1D", 3), (None, 5, 2)) == (None, 15, 2)
    assert out(S("UpSampling3D", (1, 2, 3)), (None, 2, 2, 2, 1)) == (None, 2, 4, 6, 1)


def test_pooling_details() -> None:
    assert out(S("MaxPooling1D"), (None, 7, 3)) == (None, 3, 3)
    assert out(S("AveragePooling2D", 3, strides=2, padding="same"), (None, 7, 8, 1)) == (
        None,
        4,
        4,
        1,
    )
    assert out(S("MaxPooling2D", data_format="channels_first"), (None, 3, 16, 12)) == (
        None,
        3,
        8,
        6,
    )
    assert out(S("GlobalAveragePooling2D", keepdims=True), (None, 7, 7, 5)) == (None, 1, 1, 5)
    assert out(S("GlobalMaxPooling1D", data_format="channels_first"), (None, 4, 9)) == (None, 4)
    assert out(S("AdaptiveAveragePooling2D", (3, 4)), (None, 16, 16, 8)) == (None, 3, 4, 8)
    # Keras compares pooling padding case-sensitively: "SAME" fails at build, so: unknown
    assert out(S("MaxPooling2D", padding="SAME"), (None, 8, 8, 1)) == (None, None, None, 1)
    # ... while convolutions lower-case it
    assert out(S("Conv2D", 1, 3, padding="SAME"), (None, 8, 8, 1)) == (None, 8, 8, 1)


def test_conv_lstm() -> None:
    spec = S("ConvLSTM2D", 3, 3)
    assert out(spec, (None, 6, 8, 8, 1)) == (None, 6, 6, 3)
    assert counts(spec, (None, 6, 8, 8, 1)) == (444, 0)
    seq = S("ConvLSTM2D", 3, 3, padding="same", return_sequences=True)
    assert out(seq, (None, 6, 8, 8, 1)) == (None, 6, 8, 8, 3)
    assert error_kind(spec, (None, 8, 8, 1)) == "rank"


def test_image_preprocessing_quirks() -> None:
    assert out(S("Resizing", 10, 12), (None, 28, 28, 3)) == (None, 10, 12, 3)
    # a rank-3 input is one unbatched image for Keras: the batch axis is overwritten
    assert out(S("Resizing", 10, 12), (None, 28, 28)) == (10, 12, 28)
    assert out(S("RandomCrop", 10, 12), (None, 28, 28)) == (10, 12, 28)
    assert out(S("CenterCrop", 8, 6), (None, 16, 12, 3)) == (None, 8, 6, 3)
    assert error_kind(S("CenterCrop", 8, 6), (None, 2, 16, 12, 3)) == "rank"
    assert out(S("RandomFlip"), (None, 28)) == (None, 28)
    assert error_kind(S("RandomColorDegeneration", 0.1), (None, 8, 8, 1)) == "dimension"


def test_categorical_preprocessing() -> None:
    assert out(S("CategoryEncoding", num_tokens=10), (None, 6)) == (None, 10)
    assert out(S("CategoryEncoding", num_tokens=10, output_mode="one_hot"), (None, 6)) == (
        None,
        6,
        10,
    )
    assert out(S("CategoryEncoding", num_tokens=10, output_mode="one_hot"), (None, 1)) == (None, 10)
    assert out(S("Discretization", bin_boundaries=[0.0, 1.0]), (None, 6)) == (None, 6)
    assert out(S("Discretization", [0.0, 1.0], output_mode="one_hot"), (None, 6)) == (None, 6, 3)
    assert out(S("Hashing", 8, output_mode="one_hot"), (None, 1)) == (None, 8)
    assert out(S("StringLookup"), (None, 3)) == (None, 3)
    assert out(S("StringLookup", output_mode="multi_hot"), (None, 3)) == (None, None)
    assert out(
        S("IntegerLookup", max_tokens=20, pad_to_max_tokens=True, output_mode="count"), (None, 3)
    ) == (None, 20)
    assert out(S("TextVectorization", output_sequence_length=40), (None,)) == (None, 40)
    assert out(S("TextVectorization"), (None, 1)) == (None, None)


def test_einsum_dense() -> None:
    spec = S("EinsumDense", "abc,cd->abd", (5, 6), bias_axes="d")
    assert out(spec, (None, 5, 8)) == (None, 5, 6)
    assert counts(spec, (None, 5, 8)) == (54, 0)


# ---- activation / passthrough / learns -----------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (S("Dense", 10), "linear"),
        (S("Dense", 10, activation="softmax"), "softmax"),
        (S("Dense", 10, activation="Sigmoid"), "sigmoid"),
        (S("Dense", 10, activation=UNKNOWN), None),
        (S("Conv2D", 8, 3, activation="relu"), "relu"),
        (S("LSTM", 8), "tanh"),
        (S("Activation", "softmax"), "softmax"),
        (S("Softmax"), "softmax"),
        (S("ReLU"), "relu"),
        (S("ReLU", max_value=6.0), "relu"),
        (S("ReLU", negative_slope=0.1), "leaky_relu"),
        (S("LeakyReLU"), "leaky_relu"),
        (S("ELU"), "elu"),
        (S("PReLU"), "prelu"),
        (S("Embedding", 10, 3), "linear"),
        (S("TimeDistributed", S("Dense", 3, activation="softmax")), "softmax"),
        (S("Bidirectional", S("LSTM", 3)), "tanh"),
        (S("Dropout", 0.5), None),
        (S("GaussianNoise", 0.1), None),
        (S("Flatten"), None),
        (S("Reshape", (2, 2)), None),
        (S("MaxPooling2D"), None),
        (S("GlobalAveragePooling1D"), None),
        (S("BatchNormalization"), None),
        (S("LayerNormalization"), None),
        (S("Rescaling", 0.5), None),
        (S("RandomFlip"), None),
        (S("ZeroPadding2D"), None),
    ],
)
def test_activation_convention(spec: LayerSpec, expected: str | None) -> None:
    definition, args = _parts(spec)
    assert definition.activation(args) == expected


@pytest.mark.parametrize(
    "name",
    [
        "Dropout",
        "SpatialDropout2D",
        "GaussianNoise",
        "GaussianDropout",
        "AlphaDropout",
        "Flatten",
        "Reshape",
        "Permute",
        "RepeatVector",
        "MaxPooling2D",
        "AveragePooling1D",
        "GlobalMaxPooling1D",
        "ZeroPadding2D",
        "Cropping2D",
        "UpSampling2D",
        "RandomFlip",
        "RandomRotation",
        "RandomCrop",
        "Masking",
        "Identity",
    ],
)
def test_passthrough_layers(name: str) -> None:
    definition = get_layer(name)
    assert definition is not None
    assert definition.passthrough and not definition.learns


@pytest.mark.parametrize(
    "name",
    [
        "Dense",
        "Conv1D",
        "Conv2D",
        "Conv2DTranspose",
        "SeparableConv2D",
        "DepthwiseConv2D",
        "LSTM",
        "GRU",
        "SimpleRNN",
        "ConvLSTM2D",
        "Embedding",
        "BatchNormalization",
        "LayerNormalization",
        "PReLU",
        "Bidirectional",
    ],
)
def test_learning_layers(name: str) -> None:
    definition = get_layer(name)
    assert definition is not None
    assert definition.learns and not definition.passthrough


@pytest.mark.parametrize("name", ["Activation", "Softmax", "ReLU", "Normalization", "Rescaling"])
def test_neither_learning_nor_passthrough(name: str) -> None:
    definition = get_layer(name)
    assert definition is not None
    assert not definition.learns and not definition.passthrough


# ---- measured on Keras 3.15.1 ----------------------------------------------------------------

# (layer, input shape, (output shape, (trainable, non-trainable))) or the ShapeError kind.
# An output shape of None marks a layer returning several tensors.
KERAS_TABLE: list[tuple[LayerSpec, Shape, Any]] = [
    (S("Dense", 4), (None, 9), ((None, 4), (40, 0))),
    (S("Dense", 4), (None,), "rank"),
    (S("Dense", 4, use_bias=False), (None, 9), ((None, 4), (36, 0))),
    (S("Dense", 4, use_bias=False), (None,), "rank"),
    (S("Dense", 3, lora_rank=2), (None, 9), ((None, 3), (27, 27))),
    (S("Dense", 3, lora_rank=2), (None,), "rank"),
    (S("Dense", 3, activation="softmax"), (None, 9), ((None, 3), (30, 0))),
    (S("Dense", 3, activation="softmax"), (None,), "rank"),
    (S("EinsumDense", "ab,bc->ac", 4, bias_axes="c"), (None, 9), ((None, 4), (40, 0))),
    (S("EinsumDense", "ab,bc->ac", 4, bias_axes="c"), (None,), "rank"),
    (S("EinsumDense", "...b,bc->...c", 4), (None, 9), ((None, 4), (36, 0))),
    (S("EinsumDense", "abc,cd->abd", (5, 6), bias_axes="d"), (None, 9), "dimension"),
    (S("EinsumDense", "abc,cd->abd", (5, 6), bias_axes="d"), (None, 5, 7), ((None, 5, 6), (48, 0))),
    (S("EinsumDense", "abc,cde->abde", (None, 2, 3), bias_axes="de"), (None, 9), "rank"),
    (
        S("EinsumDense", "abc,cde->abde", (None, 2, 3), bias_axes="de"),
        (None, 5, 7),
        ((None, None, 2, 3), (48, 0)),
    ),
    (S("EinsumDense", "abc,cd->abd", (9, 6)), (None, 9), "rank"),
    (S("Embedding", 10, 3), (None, 9), ((None, 9, 3), (30, 0))),
    (S("Embedding", 10, 3, lora_rank=2), (None, 9), ((None, 9, 3), (26, 30))),
    (S("ReversibleEmbedding", 10, 3), (None, 9), ((None, 9, 3), (30, 0))),
    (S("ReversibleEmbedding", 10, 3, tie_weights=False), (None, 9), ((None, 9, 3), (60, 0))),
    (S("Dropout", 0.2), (None, 9), ((None, 9), (0, 0))),
    (S("AlphaDropout", 0.2), (None, 9), ((None, 9), (0, 0))),
    (S("GaussianDropout", 0.2), (None, 9), ((None, 9), (0, 0))),
    (S("GaussianNoise", 0.2), (None, 9), ((None, 9), (0, 0))),
    (S("ActivityRegularization"), (None, 9), ((None, 9), (0, 0))),
    (S("Masking"), (None, 9), ((None, 9), (0, 0))),
    (S("Identity"), (None, 9), ((None, 9), (0, 0))),
    (S("Activation", "relu"), (None, 9), ((None, 9), (0, 0))),
    (S("ReLU"), (None, 9), ((None, 9), (0, 0))),
    (S("LeakyReLU"), (None, 9), ((None, 9), (0, 0))),
    (S("ELU"), (None, 9), ((None, 9), (0, 0))),
    (S("Softmax"), (None, 9), ((None, 9), (0, 0))),
    (S("UnitNormalization"), (None, 9), ((None, 9), (0, 0))),
    (S("SpatialDropout1D", 0.2), (None, 4, 3), ((None, 4, 3), (0, 0))),
    (S("SpatialDropout1D", 0.2), (None, 4, 4, 3), "rank"),
    (S("SpatialDropout2D", 0.2), (None, 4, 3), "rank"),
    (S("SpatialDropout2D", 0.2), (None, 4, 4, 3), ((None, 4, 4, 3), (0, 0))),
    (S("SpatialDropout3D", 0.2), (None, 4, 3), "rank"),
    (S("SpatialDropout3D", 0.2), (None, 4, 4, 4, 3), ((None, 4, 4, 4, 3), (0, 0))),
    (S("PReLU"), (None, 9), ((None, 9), (9, 0))),
    (S("PReLU", shared_axes=[1]), (None, 9), ((None, 9), (1, 0))),
    (S("PReLU", shared_axes=[1, 2]), (None, 9), "rank"),
    (S("PReLU", shared_axes=[1, 2]), (None, 5, 7), ((None, 5, 7), (1, 0))),
    (S("Flatten"), (None, 9), ((None, 9), (0, 0))),
    (S("Reshape", (3, 3)), (None, 9), ((None, 3, 3), (0, 0))),
    (S("Reshape", (3, 3)), (None, 5, 7), "dimension"),
    (S("Reshape", (-1, 3)), (None, 9), ((None, 3, 3), (0, 0))),
    (S("Reshape", (-1, 3)), (None, 5, 7), "dimension"),
    (S("Reshape", (2, -1)), (None, 9), "dimension"),
    (S("Reshape", (2, -1)), (None, 2, 3, 4), ((None, 2, 12), (0, 0))),
    (S("Reshape", (4, -1)), (None, 9), "dimension"),
    (S("Reshape", (4, -1)), (None, 2, 3, 4), ((None, 4, 6), (0, 0))),
    (S("Reshape", (35,)), (None, 9), "dimension"),
    (S("Reshape", (35,)), (None, 5, 7), ((None, 35), (0, 0))),
    (S("Reshape", (5, 7, 1)), (None, 9), "dimension"),
    (S("Reshape", (5, 7, 1)), (None, 5, 7), ((None, 5, 7, 1), (0, 0))),
    (S("Reshape", (-1,)), (None, 9), ((None, 9), (0, 0))),
    (S("Permute", (2, 1)), (None, 9), "rank"),
    (S("Permute", (2, 1)), (None, 5, 7), ((None, 7, 5), (0, 0))),
    (S("Permute", (1, 3, 2)), (None, 9), "rank"),
    (S("Permute", (1, 3, 2)), (None, 2, 3, 4), ((None, 2, 4, 3), (0, 0))),
    (S("RepeatVector", 3), (None, 9), ((None, 3, 9), (0, 0))),
    (S("RepeatVector", 3), (None, 5, 7), "rank"),
    (S("Conv1D", 4, 3), (None, 12, 3), ((None, 10, 4), (40, 0))),
    (S("Conv1D", 4, 3), (None, 12), "rank"),
    (S("Conv1D", 4, 2, strides=2), (None, 12, 3), ((None, 6, 4), (28, 0))),
    (S("Conv1D", 4, 2, strides=2), (None, 12), "rank"),
    (S("Conv1D", 4, 3, padding="same", strides=2), (None, 12, 3), ((None, 6, 4), (40, 0))),
    (S("Conv1D", 4, 3, padding="same", strides=2), (None, 12), "rank"),
    (S("Conv1D", 6, 3, groups=3), (None, 12, 3), ((None, 10, 6), (24, 0))),
    (S("Conv1D", 6, 3, groups=3), (None, 5, 1), "dimension"),
    (S("Conv1D", 4, 3, dilation_rate=2), (None, 12, 3), ((None, 8, 4), (40, 0))),
    (S("Conv1D", 4, 3, dilation_rate=2), (None, 12), "rank"),
    (S("Conv1D", 4, 3, data_format="channels_first"), (None, 12, 3), ((None, 4, 1), (148, 0))),
    (S("Conv1D", 4, 3, data_format="channels_first"), (None, 5, 1), "dimension"),
    (S("Conv1D", 4, 3, use_bias=False), (None, 12, 3), ((None, 10, 4), (36, 0))),
    (S("Conv1D", 4, 3, use_bias=False), (None, 12), "rank"),
    (S("Conv1D", 4, 3, lora_rank=2), (None, 12, 3), ((None, 10, 4), (30, 36))),
    (S("Conv1D", 4, 3, lora_rank=2), (None, 12), "rank"),
    (S("Conv1D", 4, 5), (None, 12, 3), ((None, 8, 4), (64, 0))),
    (S("Conv1D", 4, 5), (None, 12), "rank"),
    (S("Conv1D", 4, 3, padding="SAME"), (None, 12, 3), ((None, 12, 4), (40, 0))),
    (S("Conv1D", 4, 3, padding="SAME"), (None, 12), "rank"),
    (S("Conv1D", 4, 3, padding="causal"), (None, 12, 3), ((None, 12, 4), (40, 0))),
    (S("Conv1D", 4, 3, padding="causal"), (None, 12), "rank"),
    (S("Conv1D", 4, 3, padding="causal", dilation_rate=2), (None, 12, 3), ((None, 12, 4), (40, 0))),
    (S("Conv1D", 4, 3, padding="causal", dilation_rate=2), (None, 12), "rank"),
    (S("Conv1DTranspose", 4, 3), (None, 12, 3), ((None, 14, 4), (40, 0))),
    (S("Conv1DTranspose", 4, 3), (None, 12), "rank"),
    (S("Conv1DTranspose", 4, 3, strides=2), (None, 12, 3), ((None, 25, 4), (40, 0))),
    (S("Conv1DTranspose", 4, 3, strides=2), (None, 12), "rank"),
    (
        S("Conv1DTranspose", 4, 3, strides=2, padding="same"),
        (None, 12, 3),
        ((None, 24, 4), (40, 0)),
    ),
    (S("Conv1DTranspose", 4, 3, strides=2, padding="same"), (None, 12), "rank"),
    (
        S("Conv1DTranspose", 4, 3, strides=2, output_padding=1),
        (None, 12, 3),
        ((None, 26, 4), (40, 0)),
    ),
    (S("Conv1DTranspose", 4, 3, strides=2, output_padding=1), (None, 12), "rank"),
    (
        S("Conv1DTranspose", 4, 3, strides=2, padding="same", output_padding=1),
        (None, 12, 3),
        ((None, 24, 4), (40, 0)),
    ),
    (S("Conv1DTranspose", 4, 3, strides=2, padding="same", output_padding=1), (None, 12), "rank"),
    (S("Conv1DTranspose", 4, 2, strides=3), (None, 12, 3), ((None, 36, 4), (28, 0))),
    (S("Conv1DTranspose", 4, 2, strides=3), (None, 12), "rank"),
    (S("Conv1DTranspose", 4, 3, dilation_rate=2), (None, 12, 3), ((None, 16, 4), (40, 0))),
    (S("Conv1DTranspose", 4, 3, dilation_rate=2), (None, 12), "rank"),
    (
        S("Conv1DTranspose", 4, 3, data_format="channels_first"),
        (None, 12, 3),
        ((None, 4, 5), (148, 0)),
    ),
    (S("Conv1DTranspose", 4, 3, data_format="channels_first"), (None, 12), "rank"),
    (S("SeparableConv1D", 4, 3), (None, 12, 3), ((None, 10, 4), (25, 0))),
    (S("SeparableConv1D", 4, 3), (None, 12), "rank"),
    (
        S("SeparableConv1D", 4, 3, depth_multiplier=2, padding="same"),
        (None, 12, 3),
        ((None, 12, 4), (46, 0)),
    ),
    (S("SeparableConv1D", 4, 3, depth_multiplier=2, padding="same"), (None, 12), "rank"),
    (S("SeparableConv1D", 4, 3, use_bias=False, strides=2), (None, 12, 3), ((None, 5, 4), (21, 0))),
    (S("SeparableConv1D", 4, 3, use_bias=False, strides=2), (None, 12), "rank"),
    (S("DepthwiseConv1D", 3), (None, 12, 3), ((None, 10, 3), (12, 0))),
    (S("DepthwiseConv1D", 3), (None, 12), "rank"),
    (
        S("DepthwiseConv1D", 3, depth_multiplier=2, strides=2),
        (None, 12, 3),
        ((None, 5, 6), (24, 0)),
    ),
    (S("DepthwiseConv1D", 3, depth_multiplier=2, strides=2), (None, 12), "rank"),
    (
        S("DepthwiseConv1D", 3, use_bias=False, data_format="channels_first"),
        (None, 12, 3),
        ((None, 12, 1), (36, 0)),
    ),
    (
        S("DepthwiseConv1D", 3, use_bias=False, data_format="channels_first"),
        (None, 5, 1),
        "dimension",
    ),
    (S("MaxPooling1D"), (None, 12, 3), ((None, 6, 3), (0, 0))),
    (S("MaxPooling1D"), (None, 12), "rank"),
    (S("MaxPooling1D", 3), (None, 12, 3), ((None, 4, 3), (0, 0))),
    (S("MaxPooling1D", 3), (None, 12), "rank"),
    (S("MaxPooling1D", 3, strides=1), (None, 12, 3), ((None, 10, 3), (0, 0))),
    (S("MaxPooling1D", 3, strides=1), (None, 12), "rank"),
    (S("MaxPooling1D", 3, padding="same"), (None, 12, 3), ((None, 4, 3), (0, 0))),
    (S("MaxPooling1D", 3, padding="same"), (None, 12), "rank"),
    (S("MaxPooling1D", 3, strides=2, padding="same"), (None, 12, 3), ((None, 6, 3), (0, 0))),
    (S("MaxPooling1D", 3, strides=2, padding="same"), (None, 12), "rank"),
    (S("MaxPooling1D", data_format="channels_first"), (None, 12, 3), ((None, 12, 1), (0, 0))),
    (S("MaxPooling1D", data_format="channels_first"), (None, 5, 1), "dimension"),
    (S("AveragePooling1D", 2), (None, 12, 3), ((None, 6, 3), (0, 0))),
    (S("AveragePooling1D", 2), (None, 12), "rank"),
    (S("AveragePooling1D", 5), (None, 12, 3), ((None, 2, 3), (0, 0))),
    (S("AveragePooling1D", 5), (None, 12), "rank"),
    (S("AveragePooling1D", 3, strides=2, padding="same"), (None, 12, 3), ((None, 6, 3), (0, 0))),
    (S("AveragePooling1D", 3, strides=2, padding="same"), (None, 12), "rank"),
    (S("MaxPooling1D", padding="SAME"), (None, 12), "rank"),
    (S("GlobalMaxPooling1D"), (None, 12, 3), ((None, 3), (0, 0))),
    (S("GlobalMaxPooling1D"), (None, 12), "rank"),
    (S("GlobalMaxPooling1D", keepdims=True), (None, 12, 3), ((None, 1, 3), (0, 0))),
    (S("GlobalMaxPooling1D", keepdims=True), (None, 12), "rank"),
    (S("GlobalMaxPooling1D", data_format="channels_first"), (None, 12, 3), ((None, 12), (0, 0))),
    (S("GlobalMaxPooling1D", data_format="channels_first"), (None, 12), "rank"),
    (
        S("GlobalMaxPooling1D", data_format="channels_first", keepdims=True),
        (None, 12, 3),
        ((None, 12, 1), (0, 0)),
    ),
    (S("GlobalMaxPooling1D", data_format="channels_first", keepdims=True), (None, 12), "rank"),
    (S("GlobalAveragePooling1D"), (None, 12, 3), ((None, 3), (0, 0))),
    (S("GlobalAveragePooling1D"), (None, 12), "rank"),
    (S("GlobalAveragePooling1D", keepdims=True), (None, 12, 3), ((None, 1, 3), (0, 0))),
    (S("GlobalAveragePooling1D", keepdims=True), (None, 12), "rank"),
    (
        S("GlobalAveragePooling1D", data_format="channels_first"),
        (None, 12, 3),
        ((None, 12), (0, 0)),
    ),
    (S("GlobalAveragePooling1D", data_format="channels_first"), (None, 12), "rank"),
    (
        S("GlobalAveragePooling1D", data_format="channels_first", keepdims=True),
        (None, 12, 3),
        ((None, 12, 1), (0, 0)),
    ),
    (S("GlobalAveragePooling1D", data_format="channels_first", keepdims=True), (None, 12), "rank"),
    (S("AdaptiveMaxPooling1D", 2), (None, 12, 3), ((None, 2, 3), (0, 0))),
    (S("AdaptiveAveragePooling1D", 2), (None, 12, 3), ((None, 2, 3), (0, 0))),
    (
        S("AdaptiveMaxPooling1D", 2, data_format="channels_first"),
        (None, 12, 3),
        ((None, 12, 2), (0, 0)),
    ),
    (S("ZeroPadding1D"), (None, 12, 3), ((None, 14, 3), (0, 0))),
    (S("ZeroPadding1D"), (None, 12), "rank"),
    (S("ZeroPadding1D", 2), (None, 12, 3), ((None, 16, 3), (0, 0))),
    (S("ZeroPadding1D", 2), (None, 12), "rank"),
    (S("Cropping1D"), (None, 12, 3), ((None, 10, 3), (0, 0))),
    (S("Cropping1D"), (None, 12), "rank"),
    (S("Cropping1D", 1), (None, 12, 3), ((None, 10, 3), (0, 0))),
    (S("Cropping1D", 1), (None, 12), "rank"),
    (S("UpSampling1D"), (None, 12, 3), ((None, 24, 3), (0, 0))),
    (S("UpSampling1D"), (None, 12), "rank"),
    (S("UpSampling1D", 3), (None, 12, 3), ((None, 36, 3), (0, 0))),
    (S("UpSampling1D", 3), (None, 12), "rank"),
    (S("ZeroPadding1D", (1, 2)), (None, 12, 3), ((None, 15, 3), (0, 0))),
    (S("ZeroPadding1D", (1, 2)), (None, 12), "rank"),
    (S("ZeroPadding1D", 2, data_format="channels_first"), (None, 12, 3), ((None, 12, 7), (0, 0))),
    (S("ZeroPadding1D", 2, data_format="channels_first"), (None, 12), "rank"),
    (S("Cropping1D", (2, 3)), (None, 12, 3), ((None, 7, 3), (0, 0))),
    (S("Cropping1D", (2, 3)), (None, 5, 1), "dimension"),
    (S("Cropping1D", 6), (None, 12, 3), "dimension"),
    (S("Cropping1D", 6), (None, None, 3), ((None, None, 3), (0, 0))),
    (S("ConvLSTM1D", 3, 3), (None, 12, 3), "rank"),
    (S("ConvLSTM1D", 3, 3), (None, 6, 12, 3), ((None, 10, 3), (228, 0))),
    (S("ConvLSTM1D", 3, 3, padding="same", return_sequences=True), (None, 12, 3), "rank"),
    (
        S("ConvLSTM1D", 3, 3, padding="same", return_sequences=True),
        (None, 6, 12, 3),
        ((None, 6, 12, 3), (228, 0)),
    ),
    (S("ConvLSTM1D", 3, 2, strides=2, use_bias=False), (None, 12, 3), "rank"),
    (S("ConvLSTM1D", 3, 2, strides=2, use_bias=False), (None, 6, 12, 3), ((None, 6, 3), (144, 0))),
    (S("ConvLSTM1D", 3, 3, data_format="channels_first"), (None, 12, 3), "rank"),
    (
        S("ConvLSTM1D", 3, 3, data_format="channels_first"),
        (None, 6, 12, 3),
        ((None, 3, 1), (552, 0)),
    ),
    (S("Conv2D", 4, 3), (None, 16, 12, 3), ((None, 14, 10, 4), (112, 0))),
    (S("Conv2D", 4, 3), (None, 16, 12), "rank"),
    (S("Conv2D", 4, 2, strides=2), (None, 16, 12, 3), ((None, 8, 6, 4), (52, 0))),
    (S("Conv2D", 4, 2, strides=2), (None, 16, 12), "rank"),
    (S("Conv2D", 4, 3, padding="same", strides=2), (None, 16, 12, 3), ((None, 8, 6, 4), (112, 0))),
    (S("Conv2D", 4, 3, padding="same", strides=2), (None, 16, 12), "rank"),
    (S("Conv2D", 6, 3, groups=3), (None, 16, 12, 3), ((None, 14, 10, 6), (60, 0))),
    (S("Conv2D", 6, 3, groups=3), (None, None, 8, 2), "dimension"),
    (S("Conv2D", 4, 3, dilation_rate=2), (None, 16, 12, 3), ((None, 12, 8, 4), (112, 0))),
    (S("Conv2D", 4, 3, dilation_rate=2), (None, 3, 16, 12), "dimension"),
    (
        S("Conv2D", 4, 3, data_format="channels_first"),
        (None, 16, 12, 3),
        ((None, 4, 10, 1), (580, 0)),
    ),
    (S("Conv2D", 4, 3, data_format="channels_first"), (None, None, 8, 2), "dimension"),
    (S("Conv2D", 4, 3, use_bias=False), (None, 16, 12, 3), ((None, 14, 10, 4), (108, 0))),
    (S("Conv2D", 4, 3, use_bias=False), (None, 16, 12), "rank"),
    (S("Conv2D", 4, 3, lora_rank=2), (None, 16, 12, 3), ((None, 14, 10, 4), (66, 108))),
    (S("Conv2D", 4, 3, lora_rank=2), (None, 16, 12), "rank"),
    (S("Conv2D", 4, 5), (None, 16, 12, 3), ((None, 12, 8, 4), (304, 0))),
    (S("Conv2D", 4, 5), (None, 3, 16, 12), "dimension"),
    (S("Conv2D", 4, 3, padding="SAME"), (None, 16, 12, 3), ((None, 16, 12, 4), (112, 0))),
    (S("Conv2D", 4, 3, padding="SAME"), (None, 16, 12), "rank"),
    (S("Conv2DTranspose", 4, 3), (None, 16, 12, 3), ((None, 18, 14, 4), (112, 0))),
    (S("Conv2DTranspose", 4, 3), (None, 16, 12), "rank"),
    (S("Conv2DTranspose", 4, 3, strides=2), (None, 16, 12, 3), ((None, 33, 25, 4), (112, 0))),
    (S("Conv2DTranspose", 4, 3, strides=2), (None, 16, 12), "rank"),
    (
        S("Conv2DTranspose", 4, 3, strides=2, padding="same"),
        (None, 16, 12, 3),
        ((None, 32, 24, 4), (112, 0)),
    ),
    (S("Conv2DTranspose", 4, 3, strides=2, padding="same"), (None, 16, 12), "rank"),
    (
        S("Conv2DTranspose", 4, 3, strides=2, output_padding=1),
        (None, 16, 12, 3),
        ((None, 34, 26, 4), (112, 0)),
    ),
    (S("Conv2DTranspose", 4, 3, strides=2, output_padding=1), (None, 16, 12), "rank"),
    (
        S("Conv2DTranspose", 4, 3, strides=2, padding="same", output_padding=1),
        (None, 16, 12, 3),
        ((None, 32, 24, 4), (112, 0)),
    ),
    (
        S("Conv2DTranspose", 4, 3, strides=2, padding="same", output_padding=1),
        (None, 16, 12),
        "rank",
    ),
    (S("Conv2DTranspose", 4, 2, strides=3), (None, 16, 12, 3), ((None, 48, 36, 4), (52, 0))),
    (S("Conv2DTranspose", 4, 2, strides=3), (None, 16, 12), "rank"),
    (S("Conv2DTranspose", 4, 3, dilation_rate=2), (None, 16, 12, 3), ((None, 20, 16, 4), (112, 0))),
    (S("Conv2DTranspose", 4, 3, dilation_rate=2), (None, 16, 12), "rank"),
    (
        S("Conv2DTranspose", 4, 3, data_format="channels_first"),
        (None, 16, 12, 3),
        ((None, 4, 14, 5), (580, 0)),
    ),
    (S("Conv2DTranspose", 4, 3, data_format="channels_first"), (None, 16, 12), "rank"),
    (S("SeparableConv2D", 4, 3), (None, 16, 12, 3), ((None, 14, 10, 4), (43, 0))),
    (S("SeparableConv2D", 4, 3), (None, 16, 12), "rank"),
    (
        S("SeparableConv2D", 4, 3, depth_multiplier=2, padding="same"),
        (None, 16, 12, 3),
        ((None, 16, 12, 4), (82, 0)),
    ),
    (S("SeparableConv2D", 4, 3, depth_multiplier=2, padding="same"), (None, 16, 12), "rank"),
    (
        S("SeparableConv2D", 4, 3, use_bias=False, strides=2),
        (None, 16, 12, 3),
        ((None, 7, 5, 4), (39, 0)),
    ),
    (S("SeparableConv2D", 4, 3, use_bias=False, strides=2), (None, 16, 12), "rank"),
    (S("DepthwiseConv2D", 3), (None, 16, 12, 3), ((None, 14, 10, 3), (30, 0))),
    (S("DepthwiseConv2D", 3), (None, 16, 12), "rank"),
    (
        S("DepthwiseConv2D", 3, depth_multiplier=2, strides=2),
        (None, 16, 12, 3),
        ((None, 7, 5, 6), (60, 0)),
    ),
    (S("DepthwiseConv2D", 3, depth_multiplier=2, strides=2), (None, 16, 12), "rank"),
    (
        S("DepthwiseConv2D", 3, use_bias=False, data_format="channels_first"),
        (None, 16, 12, 3),
        ((None, 16, 10, 1), (144, 0)),
    ),
    (
        S("DepthwiseConv2D", 3, use_bias=False, data_format="channels_first"),
        (None, None, 8, 2),
        "dimension",
    ),
    (S("MaxPooling2D"), (None, 16, 12, 3), ((None, 8, 6, 3), (0, 0))),
    (S("MaxPooling2D"), (None, 16, 12), "rank"),
    (S("MaxPooling2D", 3), (None, 16, 12, 3), ((None, 5, 4, 3), (0, 0))),
    (S("MaxPooling2D", 3), (None, 16, 12), "rank"),
    (S("MaxPooling2D", 3, strides=1), (None, 16, 12, 3), ((None, 14, 10, 3), (0, 0))),
    (S("MaxPooling2D", 3, strides=1), (None, 16, 12), "rank"),
    (S("MaxPooling2D", 3, padding="same"), (None, 16, 12, 3), ((None, 6, 4, 3), (0, 0))),
    (S("MaxPooling2D", 3, padding="same"), (None, 16, 12), "rank"),
    (S("MaxPooling2D", 3, strides=2, padding="same"), (None, 16, 12, 3), ((None, 8, 6, 3), (0, 0))),
    (S("MaxPooling2D", 3, strides=2, padding="same"), (None, 16, 12), "rank"),
    (
        S("MaxPooling2D", data_format="channels_first"),
        (None, 16, 12, 3),
        ((None, 16, 6, 1), (0, 0)),
    ),
    (S("MaxPooling2D", data_format="channels_first"), (None, 16, 12), "rank"),
    (S("AveragePooling2D", 2), (None, 16, 12, 3), ((None, 8, 6, 3), (0, 0))),
    (S("AveragePooling2D", 2), (None, 16, 12), "rank"),
    (S("AveragePooling2D", 5), (None, 16, 12, 3), ((None, 3, 2, 3), (0, 0))),
    (S("AveragePooling2D", 5), (None, 3, 16, 12), "dimension"),
    (
        S("AveragePooling2D", 3, strides=2, padding="same"),
        (None, 16, 12, 3),
        ((None, 8, 6, 3), (0, 0)),
    ),
    (S("AveragePooling2D", 3, strides=2, padding="same"), (None, 16, 12), "rank"),
    (S("MaxPooling2D", padding="SAME"), (None, 16, 12), "rank"),
    (S("GlobalMaxPooling2D"), (None, 16, 12, 3), ((None, 3), (0, 0))),
    (S("GlobalMaxPooling2D"), (None, 16, 12), "rank"),
    (S("GlobalMaxPooling2D", keepdims=True), (None, 16, 12, 3), ((None, 1, 1, 3), (0, 0))),
    (S("GlobalMaxPooling2D", keepdims=True), (None, 16, 12), "rank"),
    (
        S("GlobalMaxPooling2D", data_format="channels_first"),
        (None, 16, 12, 3),
        ((None, 16), (0, 0)),
    ),
    (S("GlobalMaxPooling2D", data_format="channels_first"), (None, 16, 12), "rank"),
    (
        S("GlobalMaxPooling2D", data_format="channels_first", keepdims=True),
        (None, 16, 12, 3),
        ((None, 16, 1, 1), (0, 0)),
    ),
    (S("GlobalMaxPooling2D", data_format="channels_first", keepdims=True), (None, 16, 12), "rank"),
    (S("GlobalAveragePooling2D"), (None, 16, 12, 3), ((None, 3), (0, 0))),
    (S("GlobalAveragePooling2D"), (None, 16, 12), "rank"),
    (S("GlobalAveragePooling2D", keepdims=True), (None, 16, 12, 3), ((None, 1, 1, 3), (0, 0))),
    (S("GlobalAveragePooling2D", keepdims=True), (None, 16, 12), "rank"),
    (
        S("GlobalAveragePooling2D", data_format="channels_first"),
        (None, 16, 12, 3),
        ((None, 16), (0, 0)),
    ),
    (S("GlobalAveragePooling2D", data_format="channels_first"), (None, 16, 12), "rank"),
    (
        S("GlobalAveragePooling2D", data_format="channels_first", keepdims=True),
        (None, 16, 12, 3),
        ((None, 16, 1, 1), (0, 0)),
    ),
    (
        S("GlobalAveragePooling2D", data_format="channels_first", keepdims=True),
        (None, 16, 12),
        "rank",
    ),
    (S("AdaptiveMaxPooling2D", 2), (None, 16, 12, 3), ((None, 2, 2, 3), (0, 0))),
    (S("AdaptiveAveragePooling2D", 2), (None, 16, 12, 3), ((None, 2, 2, 3), (0, 0))),
    (
        S("AdaptiveMaxPooling2D", 2, data_format="channels_first"),
        (None, 16, 12, 3),
        ((None, 16, 2, 2), (0, 0)),
    ),
    (S("ZeroPadding2D"), (None, 16, 12, 3), ((None, 18, 14, 3), (0, 0))),
    (S("ZeroPadding2D"), (None, 16, 12), "rank"),
    (S("ZeroPadding2D", 2), (None, 16, 12, 3), ((None, 20, 16, 3), (0, 0))),
    (S("ZeroPadding2D", 2), (None, 16, 12), "rank"),
    (S("Cropping2D"), (None, 16, 12, 3), ((None, 16, 12, 3), (0, 0))),
    (S("Cropping2D"), (None, 16, 12), "rank"),
    (S("Cropping2D", 1), (None, 16, 12, 3), ((None, 14, 10, 3), (0, 0))),
    (S("Cropping2D", 1), (None, 16, 12), "rank"),
    (S("UpSampling2D"), (None, 16, 12, 3), ((None, 32, 24, 3), (0, 0))),
    (S("UpSampling2D"), (None, 16, 12), "rank"),
    (S("UpSampling2D", 3), (None, 16, 12, 3), ((None, 48, 36, 3), (0, 0))),
    (S("UpSampling2D", 3), (None, 16, 12), "rank"),
    (S("ZeroPadding2D", ((1, 2), (3, 4))), (None, 16, 12, 3), ((None, 19, 19, 3), (0, 0))),
    (S("ZeroPadding2D", ((1, 2), (3, 4))), (None, 16, 12), "rank"),
    (S("ZeroPadding2D", (1, 2)), (None, 16, 12, 3), ((None, 18, 16, 3), (0, 0))),
    (S("ZeroPadding2D", (1, 2)), (None, 16, 12), "rank"),
    (
        S("ZeroPadding2D", 1, data_format="channels_first"),
        (None, 16, 12, 3),
        ((None, 16, 14, 5), (0, 0)),
    ),
    (S("ZeroPadding2D", 1, data_format="channels_first"), (None, 16, 12), "rank"),
    (S("Cropping2D", ((1, 2), (3, 4))), (None, 16, 12, 3), ((None, 13, 5, 3), (0, 0))),
    (S("Cropping2D", ((1, 2), (3, 4))), (None, 3, 16, 12), "dimension"),
    (S("Cropping2D", (1, 2)), (None, 16, 12, 3), ((None, 14, 8, 3), (0, 0))),
    (S("Cropping2D", (1, 2)), (None, 16, 12), "rank"),
    (S("Cropping2D", 6), (None, 16, 12, 3), "dimension"),
    (
        S("Cropping2D", 1, data_format="channels_first"),
        (None, 16, 12, 3),
        ((None, 16, 10, 1), (0, 0)),
    ),
    (S("Cropping2D", 1, data_format="channels_first"), (None, None, 8, 2), "dimension"),
    (S("UpSampling2D", (2, 3)), (None, 16, 12, 3), ((None, 32, 36, 3), (0, 0))),
    (S("UpSampling2D", (2, 3)), (None, 16, 12), "rank"),
    (
        S("UpSampling2D", 2, data_format="channels_first"),
        (None, 16, 12, 3),
        ((None, 16, 24, 6), (0, 0)),
    ),
    (S("UpSampling2D", 2, data_format="channels_first"), (None, 16, 12), "rank"),
    (S("ConvLSTM2D", 3, 3), (None, 16, 12, 3), "rank"),
    (S("ConvLSTM2D", 3, 3), (None, 4, 4, 4, 2), ((None, 2, 2, 3), (552, 0))),
    (S("ConvLSTM2D", 3, 3, padding="same", return_sequences=True), (None, 16, 12, 3), "rank"),
    (
        S("ConvLSTM2D", 3, 3, padding="same", return_sequences=True),
        (None, 4, 4, 4, 2),
        ((None, 4, 4, 4, 3), (552, 0)),
    ),
    (S("ConvLSTM2D", 3, 2, strides=2, use_bias=False), (None, 16, 12, 3), "rank"),
    (
        S("ConvLSTM2D", 3, 2, strides=2, use_bias=False),
        (None, 4, 4, 4, 2),
        ((None, 2, 2, 3), (240, 0)),
    ),
    (S("ConvLSTM2D", 3, 3, data_format="channels_first"), (None, 16, 12, 3), "rank"),
    (
        S("ConvLSTM2D", 3, 3, data_format="channels_first"),
        (None, 6, 16, 12, 3),
        ((None, 3, 10, 1), (2064, 0)),
    ),
    (S("Conv3D", 4, 3), (None, 8, 9, 10, 2), ((None, 6, 7, 8, 4), (220, 0))),
    (S("Conv3D", 4, 3), (None, 2, 8, 9, 10), "dimension"),
    (S("Conv3D", 4, 2, strides=2), (None, 8, 9, 10, 2), ((None, 4, 4, 5, 4), (68, 0))),
    (S("Conv3D", 4, 2, strides=2), (None, 8, 8, 8), "rank"),
    (
        S("Conv3D", 4, 3, padding="same", strides=2),
        (None, 8, 9, 10, 2),
        ((None, 4, 5, 5, 4), (220, 0)),
    ),
    (S("Conv3D", 4, 3, padding="same", strides=2), (None, 8, 8, 8), "rank"),
    (S("Conv3D", 6, 3, groups=3), (None, 8, 9, 10, 2), "dimension"),
    (S("Conv3D", 4, 3, dilation_rate=2), (None, 8, 9, 10, 2), ((None, 4, 5, 6, 4), (220, 0))),
    (S("Conv3D", 4, 3, dilation_rate=2), (None, 2, 8, 9, 10), "dimension"),
    (S("Conv3D", 4, 3, data_format="channels_first"), (None, 8, 9, 10, 2), "dimension"),
    (
        S("Conv3D", 4, 3, data_format="channels_first"),
        (None, 2, 8, 9, 10),
        ((None, 4, 6, 7, 8), (220, 0)),
    ),
    (S("Conv3D", 4, 3, use_bias=False), (None, 8, 9, 10, 2), ((None, 6, 7, 8, 4), (216, 0))),
    (S("Conv3D", 4, 3, use_bias=False), (None, 2, 8, 9, 10), "dimension"),
    (S("Conv3D", 4, 3, lora_rank=2), (None, 8, 9, 10, 2), ((None, 6, 7, 8, 4), (120, 216))),
    (S("Conv3D", 4, 3, lora_rank=2), (None, 2, 8, 9, 10), "dimension"),
    (S("Conv3D", 4, 5), (None, 8, 9, 10, 2), ((None, 4, 5, 6, 4), (1004, 0))),
    (S("Conv3D", 4, 5), (None, 2, 8, 9, 10), "dimension"),
    (S("Conv3D", 4, 3, padding="SAME"), (None, 8, 9, 10, 2), ((None, 8, 9, 10, 4), (220, 0))),
    (S("Conv3D", 4, 3, padding="SAME"), (None, 8, 8, 8), "rank"),
    (S("Conv3DTranspose", 4, 3), (None, 8, 9, 10, 2), ((None, 10, 11, 12, 4), (220, 0))),
    (S("Conv3DTranspose", 4, 3), (None, 8, 8, 8), "rank"),
    (S("Conv3DTranspose", 4, 3, strides=2), (None, 8, 9, 10, 2), ((None, 17, 19, 21, 4), (220, 0))),
    (S("Conv3DTranspose", 4, 3, strides=2), (None, 8, 8, 8), "rank"),
    (
        S("Conv3DTranspose", 4, 3, strides=2, padding="same"),
        (None, 8, 9, 10, 2),
        ((None, 16, 18, 20, 4), (220, 0)),
    ),
    (S("Conv3DTranspose", 4, 3, strides=2, padding="same"), (None, 8, 8, 8), "rank"),
    (
        S("Conv3DTranspose", 4, 3, strides=2, output_padding=1),
        (None, 8, 9, 10, 2),
        ((None, 18, 20, 22, 4), (220, 0)),
    ),
    (S("Conv3DTranspose", 4, 3, strides=2, output_padding=1), (None, 8, 8, 8), "rank"),
    (
        S("Conv3DTranspose", 4, 3, strides=2, padding="same", output_padding=1),
        (None, 8, 9, 10, 2),
        ((None, 16, 18, 20, 4), (220, 0)),
    ),
    (
        S("Conv3DTranspose", 4, 3, strides=2, padding="same", output_padding=1),
        (None, 8, 8, 8),
        "rank",
    ),
    (S("Conv3DTranspose", 4, 2, strides=3), (None, 8, 9, 10, 2), ((None, 24, 27, 30, 4), (68, 0))),
    (S("Conv3DTranspose", 4, 2, strides=3), (None, 8, 8, 8), "rank"),
    (
        S("Conv3DTranspose", 4, 3, dilation_rate=2),
        (None, 8, 9, 10, 2),
        ((None, 12, 13, 14, 4), (220, 0)),
    ),
    (S("Conv3DTranspose", 4, 3, dilation_rate=2), (None, 8, 8, 8), "rank"),
    (
        S("Conv3DTranspose", 4, 3, data_format="channels_first"),
        (None, 8, 9, 10, 2),
        ((None, 4, 11, 12, 4), (868, 0)),
    ),
    (S("Conv3DTranspose", 4, 3, data_format="channels_first"), (None, 8, 8, 8), "rank"),
    (S("MaxPooling3D"), (None, 8, 9, 10, 2), ((None, 4, 4, 5, 2), (0, 0))),
    (S("MaxPooling3D"), (None, 8, 8, 8), "rank"),
    (S("MaxPooling3D", 3), (None, 8, 9, 10, 2), ((None, 2, 3, 3, 2), (0, 0))),
    (S("MaxPooling3D", 3), (None, 2, 8, 9, 10), "dimension"),
    (S("MaxPooling3D", 3, strides=1), (None, 8, 9, 10, 2), ((None, 6, 7, 8, 2), (0, 0))),
    (S("MaxPooling3D", 3, strides=1), (None, 2, 8, 9, 10), "dimension"),
    (S("MaxPooling3D", 3, padding="same"), (None, 8, 9, 10, 2), ((None, 3, 3, 4, 2), (0, 0))),
    (S("MaxPooling3D", 3, padding="same"), (None, 8, 8, 8), "rank"),
    (
        S("MaxPooling3D", 3, strides=2, padding="same"),
        (None, 8, 9, 10, 2),
        ((None, 4, 5, 5, 2), (0, 0)),
    ),
    (S("MaxPooling3D", 3, strides=2, padding="same"), (None, 8, 8, 8), "rank"),
    (
        S("MaxPooling3D", data_format="channels_first"),
        (None, 8, 9, 10, 2),
        ((None, 8, 4, 5, 1), (0, 0)),
    ),
    (S("MaxPooling3D", data_format="channels_first"), (None, 8, 8, 8), "rank"),
    (S("AveragePooling3D", 2), (None, 8, 9, 10, 2), ((None, 4, 4, 5, 2), (0, 0))),
    (S("AveragePooling3D", 2), (None, 8, 8, 8), "rank"),
    (S("AveragePooling3D", 5), (None, 8, 9, 10, 2), ((None, 1, 1, 2, 2), (0, 0))),
    (S("AveragePooling3D", 5), (None, 2, 8, 9, 10), "dimension"),
    (
        S("AveragePooling3D", 3, strides=2, padding="same"),
        (None, 8, 9, 10, 2),
        ((None, 4, 5, 5, 2), (0, 0)),
    ),
    (S("AveragePooling3D", 3, strides=2, padding="same"), (None, 8, 8, 8), "rank"),
    (S("MaxPooling3D", padding="SAME"), (None, 8, 8, 8), "rank"),
    (S("GlobalMaxPooling3D"), (None, 8, 9, 10, 2), ((None, 2), (0, 0))),
    (S("GlobalMaxPooling3D"), (None, 8, 8, 8), "rank"),
    (S("GlobalMaxPooling3D", keepdims=True), (None, 8, 9, 10, 2), ((None, 1, 1, 1, 2), (0, 0))),
    (S("GlobalMaxPooling3D", keepdims=True), (None, 8, 8, 8), "rank"),
    (
        S("GlobalMaxPooling3D", data_format="channels_first"),
        (None, 8, 9, 10, 2),
        ((None, 8), (0, 0)),
    ),
    (S("GlobalMaxPooling3D", data_format="channels_first"), (None, 8, 8, 8), "rank"),
    (
        S("GlobalMaxPooling3D", data_format="channels_first", keepdims=True),
        (None, 8, 9, 10, 2),
        ((None, 8, 1, 1, 1), (0, 0)),
    ),
    (S("GlobalMaxPooling3D", data_format="channels_first", keepdims=True), (None, 8, 8, 8), "rank"),
    (S("GlobalAveragePooling3D"), (None, 8, 9, 10, 2), ((None, 2), (0, 0))),
    (S("GlobalAveragePooling3D"), (None, 8, 8, 8), "rank"),
    (S("GlobalAveragePooling3D", keepdims=True), (None, 8, 9, 10, 2), ((None, 1, 1, 1, 2), (0, 0))),
    (S("GlobalAveragePooling3D", keepdims=True), (None, 8, 8, 8), "rank"),
    (
        S("GlobalAveragePooling3D", data_format="channels_first"),
        (None, 8, 9, 10, 2),
        ((None, 8), (0, 0)),
    ),
    (S("GlobalAveragePooling3D", data_format="channels_first"), (None, 8, 8, 8), "rank"),
    (
        S("GlobalAveragePooling3D", data_format="channels_first", keepdims=True),
        (None, 8, 9, 10, 2),
        ((None, 8, 1, 1, 1), (0, 0)),
    ),
    (
        S("GlobalAveragePooling3D", data_format="channels_first", keepdims=True),
        (None, 8, 8, 8),
        "rank",
    ),
    (S("AdaptiveMaxPooling3D", 2), (None, 8, 9, 10, 2), ((None, 2, 2, 2, 2), (0, 0))),
    (S("AdaptiveAveragePooling3D", 2), (None, 8, 9, 10, 2), ((None, 2, 2, 2, 2), (0, 0))),
    (
        S("AdaptiveMaxPooling3D", 2, data_format="channels_first"),
        (None, 8, 9, 10, 2),
        ((None, 8, 2, 2, 2), (0, 0)),
    ),
    (S("ZeroPadding3D"), (None, 8, 9, 10, 2), ((None, 10, 11, 12, 2), (0, 0))),
    (S("ZeroPadding3D"), (None, 8, 8, 8), "rank"),
    (S("ZeroPadding3D", 2), (None, 8, 9, 10, 2), ((None, 12, 13, 14, 2), (0, 0))),
    (S("ZeroPadding3D", 2), (None, 8, 8, 8), "rank"),
    (S("Cropping3D"), (None, 8, 9, 10, 2), ((None, 6, 7, 8, 2), (0, 0))),
    (S("Cropping3D"), (None, 2, 8, 9, 10), "dimension"),
    (S("Cropping3D", 1), (None, 8, 9, 10, 2), ((None, 6, 7, 8, 2), (0, 0))),
    (S("Cropping3D", 1), (None, 2, 8, 9, 10), "dimension"),
    (S("UpSampling3D"), (None, 8, 9, 10, 2), ((None, 16, 18, 20, 2), (0, 0))),
    (S("UpSampling3D"), (None, 8, 8, 8), "rank"),
    (S("UpSampling3D", 3), (None, 8, 9, 10, 2), ((None, 24, 27, 30, 2), (0, 0))),
    (S("UpSampling3D", 3), (None, 8, 8, 8), "rank"),
    (
        S("ZeroPadding3D", ((1, 2), (3, 4), (0, 1))),
        (None, 8, 9, 10, 2),
        ((None, 11, 16, 11, 2), (0, 0)),
    ),
    (S("ZeroPadding3D", ((1, 2), (3, 4), (0, 1))), (None, 8, 8, 8), "rank"),
    (S("ZeroPadding3D", (1, 2, 3)), (None, 8, 9, 10, 2), ((None, 10, 13, 16, 2), (0, 0))),
    (S("ZeroPadding3D", (1, 2, 3)), (None, 8, 8, 8), "rank"),
    (S("Cropping3D", ((1, 2), (3, 4), (0, 1))), (None, 8, 9, 10, 2), ((None, 5, 2, 9, 2), (0, 0))),
    (S("Cropping3D", ((1, 2), (3, 4), (0, 1))), (None, 2, 8, 9, 10), "dimension"),
    (S("Cropping3D", 5), (None, 8, 9, 10, 2), "dimension"),
    (S("UpSampling3D", (1, 2, 3)), (None, 8, 9, 10, 2), ((None, 8, 18, 30, 2), (0, 0))),
    (S("UpSampling3D", (1, 2, 3)), (None, 8, 8, 8), "rank"),
    (
        S("UpSampling3D", 2, data_format="channels_first"),
        (None, 8, 9, 10, 2),
        ((None, 8, 18, 20, 4), (0, 0)),
    ),
    (S("UpSampling3D", 2, data_format="channels_first"), (None, 8, 8, 8), "rank"),
    (S("ConvLSTM3D", 3, 3), (None, 8, 9, 10, 2), "rank"),
    (S("ConvLSTM3D", 3, 3), (None, 6, 8, 9, 10, 2), ((None, 6, 7, 8, 3), (1632, 0))),
    (S("ConvLSTM3D", 3, 3, padding="same", return_sequences=True), (None, 8, 9, 10, 2), "rank"),
    (
        S("ConvLSTM3D", 3, 3, padding="same", return_sequences=True),
        (None, 6, 8, 9, 10, 2),
        ((None, 6, 8, 9, 10, 3), (1632, 0)),
    ),
    (S("ConvLSTM3D", 3, 2, strides=2, use_bias=False), (None, 8, 9, 10, 2), "rank"),
    (
        S("ConvLSTM3D", 3, 2, strides=2, use_bias=False),
        (None, 6, 8, 9, 10, 2),
        ((None, 4, 4, 5, 3), (480, 0)),
    ),
    (S("ConvLSTM3D", 3, 3, data_format="channels_first"), (None, 8, 9, 10, 2), "rank"),
    (
        S("ConvLSTM3D", 3, 3, data_format="channels_first"),
        (None, 6, 2, 8, 9, 10),
        ((None, 3, 6, 7, 8), (1632, 0)),
    ),
    (S("BatchNormalization"), (None, 9), ((None, 9), (18, 18))),
    (S("BatchNormalization", axis=1), (None, 9), ((None, 9), (18, 18))),
    (S("BatchNormalization", center=False), (None, 9), ((None, 9), (9, 18))),
    (S("BatchNormalization", renorm=True), (None, 9), ((None, 9), (18, 45))),
    (S("BatchNormalization", axis=3), (None, 9), "rank"),
    (S("BatchNormalization", axis=3), (None, 4, 6, 6), ((None, 4, 6, 6), (12, 12))),
    (S("LayerNormalization"), (None, 9), ((None, 9), (18, 0))),
    (S("LayerNormalization", axis=[1, 2]), (None, 9), "rank"),
    (S("LayerNormalization", axis=[1, 2]), (None, 5, 6), ((None, 5, 6), (60, 0))),
    (S("LayerNormalization", scale=False), (None, 9), ((None, 9), (9, 0))),
    (S("LayerNormalization", rms_scaling=True), (None, 9), ((None, 9), (9, 0))),
    (S("LayerNormalization", axis=4), (None, 9), "rank"),
    (S("GroupNormalization", groups=3), (None, 9), ((None, 9), (18, 0))),
    (S("GroupNormalization", groups=2), (None, 9), "dimension"),
    (S("GroupNormalization", groups=2), (None, 5, 6), ((None, 5, 6), (12, 0))),
    (S("GroupNormalization", groups=-1), (None, 9), ((None, 9), (18, 0))),
    (S("GroupNormalization"), (None, 9), "dimension"),
    (S("RMSNormalization"), (None, 9), ((None, 9), (9, 0))),
    (S("RMSNormalization", axis=[1, 2]), (None, 9), "rank"),
    (S("RMSNormalization", axis=[1, 2]), (None, 5, 6), ((None, 5, 6), (30, 0))),
    (S("Normalization"), (None, 9), ((None, 9), (0, 19))),
    (S("Normalization", axis=None), (None, 9), ((None, 9), (0, 3))),
    (S("Normalization", axis=(1, 2)), (None, 9), "rank"),
    (S("Normalization", axis=(1, 2)), (None, 5, 6), ((None, 5, 6), (0, 61))),
    (S("Normalization", mean=0.5, variance=2.0), (None, 9), ((None, 9), (0, 0))),
    (S("Normalization", axis=3), (None, 9), "rank"),
    (S("Normalization", axis=3), (None, 4, 6, 6), ((None, 4, 6, 6), (0, 13))),
    (S("Rescaling", 1 / 255), (None, 9), ((None, 9), (0, 0))),
    (S("SimpleRNN", 8), (None, 7, 5), ((None, 8), (112, 0))),
    (S("SimpleRNN", 8), (None, 5), "rank"),
    (S("SimpleRNN", 8, return_sequences=True), (None, 7, 5), ((None, 7, 8), (112, 0))),
    (S("SimpleRNN", 8, return_sequences=True), (None, 5), "rank"),
    (S("SimpleRNN", 8, use_bias=False), (None, 7, 5), ((None, 8), (104, 0))),
    (S("SimpleRNN", 8, use_bias=False), (None, 5), "rank"),
    (S("SimpleRNN", 8, return_state=True), (None, 7, 5), (None, (112, 0))),
    (S("SimpleRNN", 8, return_state=True), (None, 5), "rank"),
    (S("Bidirectional", S("SimpleRNN", 8)), (None, 7, 5), ((None, 16), (224, 0))),
    (S("Bidirectional", S("SimpleRNN", 8)), (None, 5), "rank"),
    (
        S("Bidirectional", S("SimpleRNN", 8, return_sequences=True), merge_mode="sum"),
        (None, 7, 5),
        ((None, 7, 8), (224, 0)),
    ),
    (
        S("Bidirectional", S("SimpleRNN", 8, return_sequences=True), merge_mode="sum"),
        (None, 5),
        "rank",
    ),
    (S("Bidirectional", S("SimpleRNN", 8), merge_mode="ave"), (None, 7, 5), ((None, 8), (224, 0))),
    (S("Bidirectional", S("SimpleRNN", 8), merge_mode="ave"), (None, 5), "rank"),
    (S("Bidirectional", S("SimpleRNN", 8), merge_mode=None), (None, 7, 5), (None, (224, 0))),
    (S("Bidirectional", S("SimpleRNN", 8), merge_mode=None), (None, 5), "rank"),
    (
        S("Bidirectional", S("SimpleRNN", 4), backward_layer=S("SimpleRNN", 6, go_backwards=True)),
        (None, 7, 5),
        ((None, 8), (112, 0)),
    ),
    (
        S("Bidirectional", S("SimpleRNN", 4), backward_layer=S("SimpleRNN", 6, go_backwards=True)),
        (None, 5),
        "rank",
    ),
    (S("LSTM", 8), (None, 7, 5), ((None, 8), (448, 0))),
    (S("LSTM", 8), (None, 5), "rank"),
    (S("LSTM", 8, return_sequences=True), (None, 7, 5), ((None, 7, 8), (448, 0))),
    (S("LSTM", 8, return_sequences=True), (None, 5), "rank"),
    (S("LSTM", 8, use_bias=False), (None, 7, 5), ((None, 8), (416, 0))),
    (S("LSTM", 8, use_bias=False), (None, 5), "rank"),
    (S("LSTM", 8, return_state=True), (None, 7, 5), (None, (448, 0))),
    (S("LSTM", 8, return_state=True), (None, 5), "rank"),
    (S("Bidirectional", S("LSTM", 8)), (None, 7, 5), ((None, 16), (896, 0))),
    (S("Bidirectional", S("LSTM", 8)), (None, 5), "rank"),
    (
        S("Bidirectional", S("LSTM", 8, return_sequences=True), merge_mode="sum"),
        (None, 7, 5),
        ((None, 7, 8), (896, 0)),
    ),
    (S("Bidirectional", S("LSTM", 8, return_sequences=True), merge_mode="sum"), (None, 5), "rank"),
    (S("Bidirectional", S("LSTM", 8), merge_mode="ave"), (None, 7, 5), ((None, 8), (896, 0))),
    (S("Bidirectional", S("LSTM", 8), merge_mode="ave"), (None, 5), "rank"),
    (S("Bidirectional", S("LSTM", 8), merge_mode=None), (None, 7, 5), (None, (896, 0))),
    (S("Bidirectional", S("LSTM", 8), merge_mode=None), (None, 5), "rank"),
    (
        S("Bidirectional", S("LSTM", 4), backward_layer=S("LSTM", 6, go_backwards=True)),
        (None, 7, 5),
        ((None, 8), (448, 0)),
    ),
    (
        S("Bidirectional", S("LSTM", 4), backward_layer=S("LSTM", 6, go_backwards=True)),
        (None, 5),
        "rank",
    ),
    (S("GRU", 8), (None, 7, 5), ((None, 8), (360, 0))),
    (S("GRU", 8), (None, 5), "rank"),
    (S("GRU", 8, return_sequences=True), (None, 7, 5), ((None, 7, 8), (360, 0))),
    (S("GRU", 8, return_sequences=True), (None, 5), "rank"),
    (S("GRU", 8, use_bias=False), (None, 7, 5), ((None, 8), (312, 0))),
    (S("GRU", 8, use_bias=False), (None, 5), "rank"),
    (S("GRU", 8, return_state=True), (None, 7, 5), (None, (360, 0))),
    (S("GRU", 8, return_state=True), (None, 5), "rank"),
    (S("GRU", 8, reset_after=False), (None, 7, 5), ((None, 8), (336, 0))),
    (S("GRU", 8, reset_after=False), (None, 5), "rank"),
    (S("Bidirectional", S("GRU", 8)), (None, 7, 5), ((None, 16), (720, 0))),
    (S("Bidirectional", S("GRU", 8)), (None, 5), "rank"),
    (
        S("Bidirectional", S("GRU", 8, return_sequences=True), merge_mode="sum"),
        (None, 7, 5),
        ((None, 7, 8), (720, 0)),
    ),
    (S("Bidirectional", S("GRU", 8, return_sequences=True), merge_mode="sum"), (None, 5), "rank"),
    (S("Bidirectional", S("GRU", 8), merge_mode="ave"), (None, 7, 5), ((None, 8), (720, 0))),
    (S("Bidirectional", S("GRU", 8), merge_mode="ave"), (None, 5), "rank"),
    (S("Bidirectional", S("GRU", 8), merge_mode=None), (None, 7, 5), (None, (720, 0))),
    (S("Bidirectional", S("GRU", 8), merge_mode=None), (None, 5), "rank"),
    (
        S("Bidirectional", S("GRU", 4), backward_layer=S("GRU", 6, go_backwards=True)),
        (None, 7, 5),
        ((None, 8), (366, 0)),
    ),
    (
        S("Bidirectional", S("GRU", 4), backward_layer=S("GRU", 6, go_backwards=True)),
        (None, 5),
        "rank",
    ),
    (S("TimeDistributed", S("Dense", 4)), (None, 6, 5), ((None, 6, 4), (24, 0))),
    (S("TimeDistributed", S("Dense", 4)), (None, 6), "rank"),
    (S("TimeDistributed", S("Conv2D", 4, 3)), (None, 6, 5), "rank"),
    (S("TimeDistributed", S("Conv2D", 4, 3)), (None, 6, 8, 8, 2), ((None, 6, 6, 6, 4), (76, 0))),
    (S("TimeDistributed", S("Flatten")), (None, 6, 5), ((None, 6, 5), (0, 0))),
    (S("TimeDistributed", S("Flatten")), (None, 6), "rank"),
    (S("TimeDistributed", S("MaxPooling1D")), (None, 6), "rank"),
    (S("TimeDistributed", S("MaxPooling1D")), (None, 6, 7, 2), ((None, 6, 3, 2), (0, 0))),
    (S("TimeDistributed", S("LSTM", 3)), (None, 6), "rank"),
    (S("TimeDistributed", S("LSTM", 3)), (None, 6, 7, 2), ((None, 6, 3), (72, 0))),
    (S("Resizing", 8, 6), (None, 16, 12, 3), ((None, 8, 6, 3), (0, 0))),
    (
        S("Resizing", 8, 6, data_format="channels_first"),
        (None, 16, 12, 3),
        ((None, 16, 8, 6), (0, 0)),
    ),
    (S("Resizing", 8, 6, data_format="channels_first"), (None, 12), "rank"),
    (S("CenterCrop", 8, 6), (None, 16, 12, 3), ((None, 8, 6, 3), (0, 0))),
    (S("CenterCrop", 8, 6), (None, 12), "rank"),
    (
        S("CenterCrop", 8, 6, data_format="channels_first"),
        (None, 16, 12, 3),
        ((None, 16, 8, 6), (0, 0)),
    ),
    (S("CenterCrop", 8, 6, data_format="channels_first"), (None, 12), "rank"),
    (S("RandomCrop", 8, 6), (None, 16, 12, 3), ((None, 8, 6, 3), (0, 0))),
    (S("RandomCrop", 8, 6), (None, 12), "rank"),
    (
        S("RandomCrop", 8, 6, data_format="channels_first"),
        (None, 16, 12, 3),
        ((None, 16, 8, 6), (0, 0)),
    ),
    (S("RandomFlip"), (None, 16, 12, 3), ((None, 16, 12, 3), (0, 0))),
    (S("RandomRotation", 0.1), (None, 16, 12, 3), ((None, 16, 12, 3), (0, 0))),
    (S("RandomZoom", 0.1), (None, 16, 12, 3), ((None, 16, 12, 3), (0, 0))),
    (S("RandomContrast", 0.1), (None, 16, 12, 3), ((None, 16, 12, 3), (0, 0))),
    (S("RandomColorDegeneration", 0.1), (None, 16, 12, 3), ((None, 16, 12, 3), (0, 0))),
    (S("RandomColorDegeneration", 0.1), (None, 16, 12), "dimension"),
    (S("CategoryEncoding", num_tokens=10), (None, 6), ((None, 10), (0, 0))),
    (
        S("CategoryEncoding", num_tokens=10, output_mode="one_hot"),
        (None, 6),
        ((None, 6, 10), (0, 0)),
    ),
    (S("CategoryEncoding", num_tokens=10, output_mode="count"), (None, 6), ((None, 10), (0, 0))),
    (S("Discretization", bin_boundaries=[0.0, 1.0]), (None, 6), ((None, 6), (0, 0))),
    (
        S("Discretization", bin_boundaries=[0.0, 1.0], output_mode="one_hot"),
        (None, 6),
        ((None, 6, 3), (0, 0)),
    ),
    (S("Discretization", num_bins=4, output_mode="multi_hot"), (None, 6), ((None, 4), (0, 0))),
    (
        S("Discretization", bin_boundaries=[0.0, 1.0], output_mode="count"),
        (None, 6),
        ((None, 3), (0, 0)),
    ),
    (S("Add"), (None, 6), "rank"),
    (S("Concatenate"), (None, 6), "rank"),
    (S("Dot", 1), (None, 6), "rank"),
]


@pytest.mark.parametrize(("spec", "shape", "expected"), KERAS_TABLE)
def test_against_keras(spec: LayerSpec, shape: Shape, expected: Any) -> None:
    if isinstance(expected, str):
        assert error_kind(spec, shape) == expected
    else:
        assert out(spec, shape) == expected[0]
        assert counts(spec, shape) == expected[1]


def test_the_family_index_is_current() -> None:
    import importlib.util
    from pathlib import Path

    from seqlint.layers.index import FAMILIES

    script = Path(__file__).parents[1] / "scripts" / "layer_index.py"
    spec = importlib.util.spec_from_file_location("layer_index", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.families() == FAMILIES, "run: python scripts/layer_index.py"
    assert set(FAMILIES) == set(all_layers())


def test_a_family_loads_when_one_of_its_layers_is_asked_for() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from seqlint.layers import get_layer\n"
        "from seqlint.layers.index import FAMILIES\n"
        "assert 'seqlint.layers.recurrent' not in sys.modules\n"
        "assert get_layer('LSTM').name == 'LSTM'\n"
        "assert 'seqlint.layers.recurrent' in sys.modules\n"
        "assert 'seqlint.layers.preprocessing' not in sys.modules\n"
        "assert get_layer('NoSuchLayer') is None\n"
        "missing = [n for n in FAMILIES if get_layer(n) is None]\n"
        "assert not missing, missing\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
