"""Argument validation lives in the layer definitions: `check` reports exactly what `run` refuses.

Keras's messages below were recorded with keras 3.15.1 (outside the repository) by building each
layer in a Sequential model.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import lint

from seqlint.layers import all_layers, get_layer
from seqlint.runtime import layers as runtime_layers

# Valid values for the required arguments, so that one invalid argument is all that is wrong.
_REQUIRED: dict[str, Any] = {
    "filters": 4,
    "kernel_size": 3,
    "units": 4,
    "input_dim": 10,
    "output_dim": 4,
    "pool_size": 2,
    "rate": 0.5,
    "stddev": 0.1,
    "target_shape": (2, 2),
    "dims": (1,),
    "n": 2,
    "scale": 1.0,
    "height": 4,
    "width": 4,
    "output_size": 2,
    "factor": 0.1,
    "height_factor": 0.1,
    "width_factor": 0.1,
    "num_bins": 4,
    "activation": "relu",
    "layer": None,  # (Bidirectional's wrapped layer: see _LSTM)
}

# Values Keras's constructors refuse, by argument name.
_INVALID: dict[str, list[Any]] = {
    "units": [0, -3],
    "filters": [0],
    "kernel_size": [0],
    "strides": [0],
    "dilation_rate": [0],
    "depth_multiplier": [0],
    "pool_size": [0],
    "size": [0],
    "rate": [1.5, -0.1],
    "stddev": [-1.0, 2.0],
    "n": [0, 2.0],
    "input_dim": [0],
    "output_dim": [0],
    "max_value": [-1.0],
    "negative_slope": [-0.5],
    "threshold": [-1.0],
    "target_shape": [(-1, -1), (2, -2)],
    "dims": [(0, 1)],
    "l1": [-1.0],
    "score_mode": ["foo"],
    "data_format": ["channels_middle"],
    "padding": ["full"],
    "cropping": [-1, (1, -1), (1, 2, 3)],
    "groups": [0, -2],
    "merge_mode": ["foo"],
    "num_tokens": [0],
    "num_bins": [-1],
}


def _samples() -> list[tuple[str, str, Any]]:
    out = []
    seen: set[int] = set()
    for definition in all_layers().values():
        if id(definition) in seen:
            continue
        seen.add(id(definition))
        names = {p.name for p in definition.params}
        for arg, values in _INVALID.items():
            if arg in names:
                out += [(definition.name, arg, v) for v in values]
    return out


SAMPLES = _samples()


def _kwargs(name: str, arg: str, value: Any) -> dict[str, Any]:
    definition = get_layer(name)
    assert definition is not None
    kwargs = {
        p.name: _REQUIRED[p.name] for p in definition.params if repr(p.default) == "<required>"
    }
    kwargs[arg] = value
    return kwargs


def _source(name: str, kwargs: dict[str, Any]) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    return (
        "import keras\nfrom keras import layers\n\n"
        f"layer = layers.{name}({args})\nmodel = keras.Sequential([layer])\n"
    )


def test_samples_cover_the_layers_the_runtime_runs() -> None:
    covered = {name for name, _, _ in SAMPLES}
    assert {"Dense", "Conv2D", "LSTM", "Dropout", "Embedding", "ReLU", "Reshape"} <= covered
    assert len(covered) > 40


@pytest.mark.parametrize(("name", "arg", "value"), SAMPLES)
def test_check_reports_what_the_runtime_refuses(name: str, arg: str, value: Any) -> None:
    kwargs = _kwargs(name, arg, value)
    # a misspelt padding / data_format string is SEQ301's (with a did-you-mean), not SEQ304's
    found = [d for d in lint(_source(name, kwargs), select={"SEQ304", "SEQ301"})]
    seq304 = [d for d in found if d.code == "SEQ304"]
    cls = runtime_layers.get(name)
    try:
        if cls is not None:
            cls(**kwargs)
    except NotImplementedError:
        cls = None  # the kernel refuses these arguments by name
    except (ValueError, TypeError) as exc:
        if seq304:
            assert [d.message.endswith(str(exc)) for d in seq304] == [True]
        else:
            assert arg in ("padding", "data_format") and found, (
                f"run refuses {name}({arg}={value!r}) but check is silent"
            )
        return
    if cls is None:
        # no runtime kernel: `run` refuses the layer itself; check states Keras's refusal
        assert len(seq304) <= 1
        return
    # (SEQ301 may still report a padding Keras refuses only when it builds the layer)
    assert seq304 == [], f"check reports {name}({arg}={value!r}) that run accepts"


# (layer, keyword arguments, Keras 3.15.1's message; None when Keras accepts them)
KERAS = [
    # ConvLSTMCell (checked under Keras 3.15.1): sizes and dilations > 0, strides may be 0,
    # any number of filters
    (
        "ConvLSTM2D",
        {"filters": 4, "kernel_size": 0},
        "The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=0, "
        "including values {0} that do not satisfy `value > 0`",
    ),
    (
        "ConvLSTM2D",
        {"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2},
        "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please provide "
        "`strides=1` or `dilation_rate=1`. Received: strides=(2, 2) and dilation_rate=(2, 2)",
    ),
    ("ConvLSTM2D", {"filters": 0, "kernel_size": 3}, None),
    ("ConvLSTM2D", {"filters": 4, "kernel_size": 3, "strides": 0}, None),
    (
        "Dense",
        {"units": 0},
        "Received an invalid value for `units`, expected a positive integer. Received: units=0",
    ),
    (
        "Dropout",
        {"rate": 1.5},
        "Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
        "Received: rate=1.5",
    ),
    ("Dropout", {"rate": 1.0}, None),
    (
        "GaussianNoise",
        {"stddev": -1.0},
        "Invalid value received for argument `stddev`. Expected a float value between 0 and 1. "
        "Received: stddev=-1.0",
    ),
    (
        "Conv2D",
        {"filters": 8, "kernel_size": 3, "strides": 2, "dilation_rate": 2},
        "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: "
        "strides=(2, 2) and dilation_rate=(2, 2)",
    ),
    (
        "Conv2D",
        {"filters": 0, "kernel_size": 3},
        "Invalid value for argument `filters`. Expected a strictly positive value. "
        "Received filters=0.",
    ),
    (
        "Conv2D",
        {"filters": 8, "kernel_size": 0},
        "The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=0, "
        "including values {0} that do not satisfy `value > 0`",
    ),
    (
        "Conv2D",
        {"filters": 6, "kernel_size": 3, "groups": 4},
        "The number of filters must be evenly divisible by the number of groups. "
        "Received: groups=4, filters=6.",
    ),
    (
        "Conv2DTranspose",
        {"filters": 8, "kernel_size": 3, "strides": 2, "output_padding": 2},
        "`output_padding` must be strictly less than `strides` for all dimensions. At dimension "
        "0, `output_padding` is 2 but `strides` is 2. Received: output_padding=(2, 2), "
        "strides=(2, 2)",
    ),
    ("DepthwiseConv2D", {"kernel_size": 3, "strides": 2, "dilation_rate": 2}, None),
    (
        "SeparableConv2D",
        {"filters": 8, "kernel_size": 3, "depth_multiplier": 0},
        "Invalid value for argument `depth_multiplier`. Expected a strictly positive value. "
        "Received depth_multiplier=0.",
    ),
    (
        "LSTM",
        {"units": 0},
        "Received an invalid value for argument `units`, expected a positive integer, got 0.",
    ),
    ("LSTM", {"units": 4, "dropout": 1.5}, None),
    (
        "Embedding",
        {"input_dim": 0, "output_dim": 4},
        "`input_dim` must be a positive integer. Received: input_dim=0 (of type int).",
    ),
    (
        "ReLU",
        {"max_value": -1.0},
        "max_value of a ReLU layer cannot be a negative value. Received: max_value=-1.0",
    ),
    (
        "LeakyReLU",
        {"negative_slope": -0.1},
        "The negative_slope value of a Leaky ReLU layer cannot be None or negative value. "
        "Expected a float. Received: negative_slope=-0.1",
    ),
    ("ELU", {"alpha": -1.0}, None),
    (
        "MaxPooling2D",
        {"pool_size": 0},
        "The `pool_size` argument must be a tuple of 2 integers. Received pool_size=0, "
        "including values {0} that do not satisfy `value > 0`",
    ),
    ("RepeatVector", {"n": 0}, "Argument `n` should be a positive integer. Received: n=0"),
    (
        "UpSampling2D",
        {"size": 0},
        "The `size` argument must be a tuple of 2 integers. Received size=0, including values "
        "{0} that do not satisfy `value > 0`",
    ),
    (
        "Reshape",
        {"target_shape": (-1, -1)},
        "There must be at most one unknown dimension (-1) in `target_shape`. Received: "
        "target_shape=(-1, -1).",
    ),
    (
        "Permute",
        {"dims": (1, 1)},
        "Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` "
        "must be consecutive and start from 1. Received dims=(1, 1)",
    ),
    (
        "Attention",
        {"score_mode": "foo"},
        "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
        "Received: score_mode=foo",
    ),
    (
        "ActivityRegularization",
        {"l1": -1.0},
        "Invalid value for argument l1: expected a non-negative float.Received: l1=-1.0",
    ),
    (
        "Normalization",
        {"mean": 1.0},
        "When setting values directly, both `mean` and `variance` must be set. Received: "
        "mean=1.0 and variance=None",
    ),
    ("BatchNormalization", {"momentum": 2.0}, None),
    (
        "RandomRotation",
        {"factor": 2.0},
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        "[-1, 1]. Received: factor=2.0",
    ),
    ("RandomRotation", {"factor": 0.1}, None),
    (
        "RandomContrast",
        {"factor": 1.5},
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        "[0, 1]. Received: factor=1.5",
    ),
    (
        "RandomZoom",
        {"height_factor": -2.0},
        "The `height_factor` and `width_factor` arguments should be a number (or a list of two "
        "numbers) in the range (-1.0, 1.0]. Received: input_number=-2.0",
    ),
    (
        "RandomTranslation",
        {"height_factor": 2.0, "width_factor": 0.1},
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        "[-1.0, 1.0]. Received: input_number=2.0",
    ),
]


class _Source:
    """A value written into the generated source as it is (``layers.LSTM(4)``)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


_LSTM = _Source("layers.LSTM(4)")

_DATA_FORMAT = (
    "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
    "Received: data_format=foo"
)
# Keras prints its set of allowed paddings, in an order that changes from run to run: seqlint
# sorts it.
_PADDING = "The `padding` argument must be a list/tuple or one of {'same', 'valid'}. Received: "

KERAS += [
    (
        "MaxPooling2D",
        {"strides": -1},
        "The `strides` argument must be a tuple of 2 integers. Received strides=-1, including "
        "values {-1} that do not satisfy `value >= 0`",
    ),
    ("MaxPooling2D", {"padding": "full"}, None),  # accepted by the constructor
    ("MaxPooling2D", {"data_format": "foo"}, _DATA_FORMAT),
    ("GlobalAveragePooling2D", {"data_format": "foo"}, _DATA_FORMAT),
    ("GlobalAveragePooling2D", {"data_format": "Channels_First"}, None),
    (
        "AdaptiveAveragePooling2D",
        {"output_size": 2, "data_format": "foo"},
        "Invalid data_format: foo. Expected 'channels_first' or 'channels_last'.",
    ),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "padding": "causal"}, _PADDING + "causal"),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "padding": "Same"}, None),
    ("Conv1D", {"filters": 4, "kernel_size": 3, "padding": "causal"}, None),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "data_format": "foo"}, _DATA_FORMAT),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "data_format": "Channels_Last"}, None),
    ("Conv2DTranspose", {"filters": 4, "kernel_size": 3, "padding": "causal"}, _PADDING + "causal"),
    ("DepthwiseConv2D", {"kernel_size": 3, "padding": "foo"}, _PADDING + "foo"),
    ("SeparableConv2D", {"filters": 4, "kernel_size": 3, "padding": "causal"}, _PADDING + "causal"),
    ("ConvLSTM2D", {"filters": 4, "kernel_size": 3, "padding": "causal"}, _PADDING + "causal"),
    ("ConvLSTM2D", {"filters": 4, "kernel_size": 3, "data_format": "foo"}, _DATA_FORMAT),
    ("Flatten", {"data_format": "foo"}, _DATA_FORMAT),
    ("UpSampling2D", {"data_format": "Foo"}, _DATA_FORMAT),
    ("SpatialDropout2D", {"rate": 0.5, "data_format": "foo"}, _DATA_FORMAT),
    (
        "Cropping1D",
        {"cropping": (1, -1)},
        "The `cropping` argument must be a tuple of 2 integers. Received cropping=(1, -1), "
        "including values {-1} that do not satisfy `value >= 0`",
    ),
    (
        "Cropping1D",
        {"cropping": (1, 2, 3)},
        "The `cropping` argument must be a tuple of 2 integers. Received cropping=(1, 2, 3)",
    ),
    ("Cropping2D", {"cropping": -1}, "`cropping` cannot be negative. Received: cropping=-1."),
    (
        "Cropping2D",
        {"cropping": ((1, 1), (-1, 0))},
        "The `2nd entry of cropping` argument must be a tuple of 2 integers. Received 2nd entry "
        "of cropping=(-1, 0), including values {-1} that do not satisfy `value >= 0`",
    ),
    (
        "Cropping2D",
        {"cropping": (1, 2, 3)},
        "`cropping` should have two elements. Received: cropping=(1, 2, 3).",
    ),
    ("Cropping3D", {"cropping": (1, 2)}, "`cropping` should have 3 elements. Received: (1, 2)."),
    (
        "ZeroPadding1D",
        {"padding": -1},
        "The `padding` argument must be a tuple of 2 integers. Received padding=-1, including "
        "values {-1} that do not satisfy `value >= 0`",
    ),
    ("ZeroPadding2D", {"padding": -1}, None),  # accepted: it crops
    (
        "ZeroPadding2D",
        {"padding": (1, 2, 3)},
        "`padding` should have two elements. Received: padding=(1, 2, 3).",
    ),
    (
        "ZeroPadding2D",
        {"padding": ((1, 1), (-1, 0))},
        "The `2nd entry of padding` argument must be a tuple of 2 integers. Received 2nd entry "
        "of padding=(-1, 0), including values {-1} that do not satisfy `value >= 0`",
    ),
    ("ZeroPadding3D", {"padding": (1, 2)}, "`padding` should have 3 elements. Received: (1, 2)."),
    (
        "GroupNormalization",
        {"groups": 0},
        "Received an invalid value for argument `groups`, expected a positive integer (or `-1` "
        "for instance normalization). Received: groups=0",
    ),
    ("GroupNormalization", {"groups": -1}, None),
    (
        "Reshape",
        {"target_shape": (2, -2)},
        "Each dimension in `target_shape` must be a non-negative integer, or `-1` for a single "
        "unknown dimension. Received: target_shape=(2, -2).",
    ),
    ("Reshape", {"target_shape": (0, 4)}, None),
    (
        "Bidirectional",
        {"layer": _LSTM, "merge_mode": "Concat"},
        'Invalid merge mode. Received: Concat. Merge mode should be one of {"sum", "mul", "ave", '
        '"concat", None}',
    ),
    # Keras raises these as TypeError, and so does the runtime
    ("RepeatVector", {"n": 2.0}, "Expected an integer value for `n`, got <class 'float'>."),
    (
        "UnitNormalization",
        {"axis": 1.5},
        "Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
        "Received: axis=1.5",
    ),
    (
        "LayerNormalization",
        {"axis": "x"},
        "Expected an int or a list/tuple of ints for the argument 'axis', but received: 'x'",
    ),
    ("LayerNormalization", {"axis": [1, 2]}, None),
    ("CategoryEncoding", {"num_tokens": 0}, "`num_tokens` must be >= 1. Received: num_tokens=0."),
    (
        "CategoryEncoding",
        {"num_tokens": 4, "output_mode": "foo"},
        "Unknown arg for output_mode: foo",
    ),
    (
        "CategoryEncoding",
        {},
        "num_tokens must be set to use this layer. If the number of tokens is not known "
        "beforehand, use the IntegerLookup layer instead.",
    ),
    (
        "Discretization",
        {"bin_boundaries": [0.0], "num_bins": 3},
        "Both `num_bins` and `bin_boundaries` should not be set. Received: `num_bins=3` and "
        "`bin_boundaries=[0.0]`",
    ),
    (
        "Discretization",
        {"output_mode": "foo", "bin_boundaries": [0.0]},
        "Unknown value for `output_mode` argument of Discretization. Allowed values are: "
        "('int', 'one_hot', 'multi_hot', 'count'). Received: output_mode=foo",
    ),
    ("Discretization", {"num_bins": 4}, None),
    (
        "Hashing",
        {"num_bins": 0},
        "The `num_bins` for `Hashing` cannot be `None` or non-positive values. Received: "
        "num_bins=0.",
    ),
    (
        "Hashing",
        {"num_bins": 4, "output_mode": "foo"},
        "Invalid value for argument `output_mode`. Expected one of ('int', 'one_hot', "
        "'multi_hot', 'count'). Received: output_mode=foo",
    ),
    (
        "TimeDistributed",
        {"layer": 3},
        "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. "
        "Received: 3",
    ),
    (
        "Bidirectional",
        {"layer": "x"},
        "Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. Received: x",
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "message"), KERAS)
def test_messages_are_keras_own(name: str, kwargs: dict[str, Any], message: str | None) -> None:
    found = lint(_source(name, kwargs), select={"SEQ304", "SEQ301"})
    if message is None:  # (SEQ301 may report a pooling padding: Keras refuses it when it builds)
        assert [d for d in found if d.code == "SEQ304"] == []
        return
    cls = runtime_layers.get(name)
    if cls is not None and not any(isinstance(v, _Source) for v in kwargs.values()):
        with pytest.raises((ValueError, TypeError)) as refused:
            cls(**kwargs)
        assert str(refused.value) == message
    if message in (_DATA_FORMAT, _PADDING + "causal", _PADDING + "foo") or "data_format" in message:
        # SEQ301 reports the unknown string (with a did-you-mean); SEQ304 does not repeat it
        assert [d.code for d in found] == ["SEQ301"]
    else:
        assert [d.message for d in found] == [f"`{name}`: {message}"]


def test_an_unknown_value_is_never_reported() -> None:
    code = """
        import keras
        from keras import layers

        def build(units, rate):
            return keras.Sequential([layers.Dense(units), layers.Dropout(rate)])
    """
    assert lint(code, select={"SEQ304"}) == []


def test_a_refused_layer_ends_the_static_summary() -> None:
    # Keras stops at the constructor: later layers have no shapes, and no shape rule guesses
    code = """
        import keras
        from keras import layers

        model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(0), layers.Dense(4)])
    """
    assert [d.code for d in lint(code)] == ["SEQ304"]


def test_values_the_extractor_only_partly_knows_are_not_judged() -> None:
    code = """
        import keras
        import numpy as np
        from keras import layers

        classes = np.unique(np.load("y.npy"))
        model = keras.Sequential([
            keras.Input(shape=(8,)),
            layers.Dense(len(classes)),
            layers.Embedding(input_dim=classes.max() + 1, output_dim=4),
        ])
    """
    assert lint(code, select={"SEQ304"}) == []


def test_a_float_where_keras_wants_an_int_is_reported() -> None:
    code = """
        import keras
        from keras import layers

        model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(10.0)])
    """
    assert [d.message for d in lint(code, select={"SEQ304"})] == [
        "`Dense`: Received an invalid value for `units`, expected a positive integer. "
        "Received: units=10.0"
    ]
