"""Central finite differences (float64) against every runtime layer's backward: the input
gradient and each trainable weight's gradient of ``sum(y * g)``, on small random shapes.

Random layers run in training mode with a fixed seed, restarted before every forward, so all
evaluations see the same mask.
"""

from __future__ import annotations

import ast
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from seqlint.runtime import layers

H = 1e-6
RTOL = 1e-6


@dataclass
class Case:
    id: str
    make: Callable[[], Any]
    shape: tuple[int, ...]
    training: bool = False
    integer_input: int = 0  # > 0: integer inputs in [0, n), no input gradient
    seeded: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    # layers computing in float32 (TF's ResizeBilinear) are linear: a large step, float32 rtol
    step: float = H
    rtol: float = RTOL


L = layers
F64 = {"dtype": "float64"}


def _activation_factory(name: str) -> Callable[[], Any]:
    return lambda: L.Activation(name, **F64)


def _bidirectional_factory(mode: str) -> Callable[[], Any]:
    return lambda: L.Bidirectional(L.GRU(2, return_sequences=True, **F64), merge_mode=mode)


def _cases() -> list[Case]:
    c: list[Case] = []

    def add(
        id: str,
        make: Callable[[], Any],
        shape: tuple[int, ...],
        training: bool = False,
        integer_input: int = 0,
        seeded: bool = False,
    ) -> None:
        c.append(Case(id, make, shape, training, integer_input, seeded))

    # core and activations
    add("Dense-tanh", lambda: L.Dense(3, activation="tanh", **F64), (2, 4))
    add("Dense-rank3-relu", lambda: L.Dense(3, activation="relu", **F64), (2, 3, 4))
    add(
        "EinsumDense-bias-de",
        lambda: L.EinsumDense("abc,cde->abde", (None, 2, 3), "tanh", "de", **F64),
        (2, 3, 4),
    )
    add("EinsumDense-ellipsis", lambda: L.EinsumDense("...b,bc->...c", (5,), **F64), (2, 3, 4))
    add(
        "Dense-nobias-softmax",
        lambda: L.Dense(3, use_bias=False, activation="softmax", **F64),
        (2, 4),
    )
    for act in ("gelu", "selu", "log_softmax", "mish", "sparsemax", "glu", "softplus"):
        add(f"Activation-{act}", _activation_factory(act), (2, 6))
    add(
        "ReLU-full", lambda: L.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2, **F64), (3, 5)
    )
    add("LeakyReLU", lambda: L.LeakyReLU(0.2, **F64), (3, 5))
    add("PReLU-shared", lambda: L.PReLU(shared_axes=[1], **F64), (2, 3, 4))
    add("ELU", lambda: L.ELU(0.5, **F64), (3, 5))
    add("Softmax-axis1", lambda: L.Softmax(axis=1, **F64), (2, 3, 4))
    add("Identity", lambda: L.Identity(**F64), (2, 3))
    add("Masking", lambda: L.Masking(mask_value=0.5, **F64), (2, 3, 4))
    square_mean = ast.parse("lambda t: ops.mean(t * t, axis=1)", mode="eval").body
    add("Lambda", lambda: L.Lambda(square_mean, **F64), (2, 3, 4))
    add("Embedding", lambda: L.Embedding(7, 3, **F64), (2, 5), integer_input=7)
    add("ReversibleEmbedding", lambda: L.ReversibleEmbedding(7, 3, **F64), (2, 5), integer_input=7)

    # convolutions
    add(
        "Conv1D-causal-d2",
        lambda: L.Conv1D(3, 3, dilation_rate=2, padding="causal", **F64),
        (2, 7, 2),
    )
    add("Conv1D-groups", lambda: L.Conv1D(4, 2, groups=2, activation="tanh", **F64), (2, 6, 4))
    add("Conv2D-same-s2", lambda: L.Conv2D(3, 3, strides=2, padding="same", **F64), (2, 5, 6, 2))
    add("Conv2D-valid-d2", lambda: L.Conv2D(2, (2, 3), dilation_rate=2, **F64), (1, 6, 7, 2))
    add(
        "Conv2D-channels-first",
        lambda: L.Conv2D(2, 2, padding="same", data_format="channels_first", **F64),
        (2, 3, 4, 5),
    )
    add("Conv3D-same", lambda: L.Conv3D(2, 2, padding="same", **F64), (1, 3, 4, 3, 2))
    add(
        "Conv1DTranspose",
        lambda: L.Conv1DTranspose(2, 3, strides=2, padding="same", **F64),
        (2, 4, 3),
    )
    add("Conv2DTranspose-valid", lambda: L.Conv2DTranspose(2, 3, strides=2, **F64), (1, 3, 2, 2))
    add(
        "Conv2DTranspose-outpad",
        lambda: L.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1, **F64),
        (1, 3, 2, 2),
    )
    add(
        "Conv3DTranspose",
        lambda: L.Conv3DTranspose(2, 2, strides=(1, 2, 1), **F64),
        (1, 2, 2, 3, 2),
    )
    add(
        "DepthwiseConv2D",
        lambda: L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2, **F64),
        (2, 5, 4, 2),
    )
    add("DepthwiseConv1D", lambda: L.DepthwiseConv1D(2, **F64), (2, 5, 3))
    add("SeparableConv2D", lambda: L.SeparableConv2D(3, 2, depth_multiplier=2, **F64), (2, 4, 5, 2))
    add("SeparableConv1D", lambda: L.SeparableConv1D(3, 3, padding="same", **F64), (2, 5, 2))

    # pooling
    add("MaxPooling1D-same", lambda: L.MaxPooling1D(3, 2, padding="same", **F64), (2, 7, 2))
    add("MaxPooling2D-overlap", lambda: L.MaxPooling2D(3, 1, **F64), (2, 5, 4, 2))
    add("MaxPooling3D-same", lambda: L.MaxPooling3D(2, padding="same", **F64), (1, 3, 4, 3, 2))
    add("AveragePooling1D-same", lambda: L.AveragePooling1D(3, 2, padding="same", **F64), (2, 7, 2))
    add("AveragePooling2D", lambda: L.AveragePooling2D((2, 3), (1, 2), **F64), (2, 5, 6, 2))
    add(
        "AveragePooling3D-same",
        lambda: L.AveragePooling3D(2, padding="same", **F64),
        (1, 3, 3, 2, 2),
    )
    add("GlobalMaxPooling1D", lambda: L.GlobalMaxPooling1D(**F64), (2, 5, 3))
    add("GlobalMaxPooling2D", lambda: L.GlobalMaxPooling2D(keepdims=True, **F64), (2, 3, 4, 2))
    add("GlobalMaxPooling3D", lambda: L.GlobalMaxPooling3D(**F64), (2, 2, 3, 2, 2))
    add("GlobalAveragePooling1D", lambda: L.GlobalAveragePooling1D(**F64), (2, 5, 3))
    add("GlobalAveragePooling2D", lambda: L.GlobalAveragePooling2D(**F64), (2, 3, 4, 2))
    add(
        "GlobalAveragePooling3D",
        lambda: L.GlobalAveragePooling3D(keepdims=True, **F64),
        (2, 2, 3, 2, 2),
    )

    # normalization
    add("BatchNormalization-train", lambda: L.BatchNormalization(**F64), (4, 3, 2), training=True)
    add("BatchNormalization-infer", lambda: L.BatchNormalization(**F64), (4, 3))
    add(
        "BatchNormalization-axis1-noscale",
        lambda: L.BatchNormalization(axis=1, scale=False, **F64),
        (3, 2, 4),
        training=True,
    )
    add("LayerNormalization", lambda: L.LayerNormalization(**F64), (2, 3, 4))
    add(
        "LayerNormalization-axes",
        lambda: L.LayerNormalization(axis=[1, 2], center=False, **F64),
        (2, 3, 2, 2),
    )

    # recurrent
    add("SimpleRNN-seq", lambda: L.SimpleRNN(3, return_sequences=True, **F64), (2, 4, 3))
    add(
        "SimpleRNN-dropout",
        lambda: L.SimpleRNN(3, dropout=0.3, recurrent_dropout=0.4, seed=3, **F64),
        (2, 4, 3),
        training=True,
        seeded=True,
    )
    add("LSTM-last", lambda: L.LSTM(3, **F64), (2, 4, 3))
    add(
        "LSTM-seq-back",
        lambda: L.LSTM(2, return_sequences=True, go_backwards=True, **F64),
        (2, 4, 3),
    )
    add(
        "LSTM-dropout",
        lambda: L.LSTM(2, dropout=0.5, seed=1, use_bias=False, **F64),
        (2, 3, 3),
        training=True,
        seeded=True,
    )
    add(
        "LSTM-recurrent-dropout",
        lambda: L.LSTM(3, dropout=0.3, recurrent_dropout=0.4, seed=2, **F64),
        (2, 4, 3),
        training=True,
        seeded=True,
    )
    add(
        "LSTM-implementation1-dropout",
        lambda: L.LSTM(2, dropout=0.5, implementation=1, return_sequences=True, seed=4, **F64),
        (2, 3, 3),
        training=True,
        seeded=True,
    )
    add("GRU-seq", lambda: L.GRU(3, return_sequences=True, **F64), (2, 4, 3))
    for after in (True, False):
        add(
            f"GRU-recurrent-dropout-reset-after-{after}",
            lambda after=after: L.GRU(
                3, dropout=0.3, recurrent_dropout=0.4, reset_after=after, seed=2, **F64
            ),
            (2, 4, 3),
            training=True,
            seeded=True,
        )
    add("GRU-reset-before", lambda: L.GRU(3, reset_after=False, **F64), (2, 4, 3))
    add(
        "GRU-reset-before-back",
        lambda: L.GRU(2, reset_after=False, go_backwards=True, return_sequences=True, **F64),
        (2, 3, 2),
    )
    add("GRU-nobias-relu", lambda: L.GRU(2, use_bias=False, activation="relu", **F64), (2, 3, 2))
    for mode in ("concat", "sum", "ave", "mul"):
        add(f"Bidirectional-{mode}", _bidirectional_factory(mode), (2, 3, 2))
    add("Bidirectional-last", lambda: L.Bidirectional(L.SimpleRNN(2, **F64)), (2, 3, 2))
    add(
        "TimeDistributed-Dense",
        lambda: L.TimeDistributed(L.Dense(2, activation="tanh", **F64)),
        (2, 3, 4),
    )
    add("TimeDistributed-Conv1D", lambda: L.TimeDistributed(L.Conv1D(2, 2, **F64)), (2, 2, 4, 2))
    add(
        "TimeDistributed-BatchNormalization-train",
        lambda: L.TimeDistributed(L.BatchNormalization(**F64)),
        (3, 2, 2),
        training=True,
    )

    # noise (training, fixed masks)
    add("Dropout", lambda: L.Dropout(0.4, seed=1, **F64), (3, 6), training=True, seeded=True)
    add(
        "Dropout-noise-shape",
        lambda: L.Dropout(0.5, noise_shape=(None, 1, 3), seed=2, **F64),
        (2, 4, 3),
        training=True,
        seeded=True,
    )
    add(
        "SpatialDropout1D",
        lambda: L.SpatialDropout1D(0.5, seed=1, **F64),
        (2, 3, 4),
        training=True,
        seeded=True,
    )
    add(
        "SpatialDropout2D",
        lambda: L.SpatialDropout2D(0.5, seed=1, **F64),
        (2, 2, 3, 4),
        training=True,
        seeded=True,
    )
    add(
        "SpatialDropout3D",
        lambda: L.SpatialDropout3D(0.5, seed=1, **F64),
        (2, 2, 2, 2, 3),
        training=True,
        seeded=True,
    )
    add(
        "GaussianNoise",
        lambda: L.GaussianNoise(0.3, seed=1, **F64),
        (3, 4),
        training=True,
        seeded=True,
    )
    add(
        "GaussianDropout",
        lambda: L.GaussianDropout(0.3, seed=1, **F64),
        (3, 4),
        training=True,
        seeded=True,
    )
    add(
        "AlphaDropout",
        lambda: L.AlphaDropout(0.3, seed=1, **F64),
        (3, 4),
        training=True,
        seeded=True,
    )

    # reshaping
    add("Flatten", lambda: L.Flatten(**F64), (2, 3, 2, 2))
    add(
        "Flatten-channels-first",
        lambda: L.Flatten(data_format="channels_first", **F64),
        (2, 3, 2, 2),
    )
    add("Reshape", lambda: L.Reshape((-1, 3), **F64), (2, 2, 3, 2))
    add("Permute", lambda: L.Permute((3, 1, 2), **F64), (2, 3, 4, 2))
    add("RepeatVector", lambda: L.RepeatVector(3, **F64), (2, 4))
    add("ZeroPadding1D", lambda: L.ZeroPadding1D((1, 2), **F64), (2, 3, 2))
    add("ZeroPadding2D", lambda: L.ZeroPadding2D(((1, 0), (2, 1)), **F64), (2, 3, 2, 2))
    add("ZeroPadding3D", lambda: L.ZeroPadding3D(1, **F64), (1, 2, 2, 2, 2))
    add("Cropping1D", lambda: L.Cropping1D((1, 2), **F64), (2, 5, 2))
    add("Cropping2D", lambda: L.Cropping2D(((1, 0), (0, 2)), **F64), (2, 4, 4, 2))
    add("Cropping3D", lambda: L.Cropping3D(1, **F64), (1, 4, 3, 4, 2))
    add("UpSampling1D", lambda: L.UpSampling1D(3, **F64), (2, 3, 2))
    add("UpSampling2D-nearest", lambda: L.UpSampling2D((2, 3), **F64), (2, 2, 3, 2))
    c.append(
        Case(
            "UpSampling2D-bilinear",
            lambda: L.UpSampling2D((3, 2), interpolation="bilinear", **F64),
            (2, 3, 2, 2),
            step=1.0,
            rtol=1e-5,
        )
    )
    add("UpSampling3D", lambda: L.UpSampling3D(2, **F64), (1, 2, 2, 1, 2))
    add("Rescaling", lambda: L.Rescaling(0.5, offset=-1.0, **F64), (2, 3))
    add(
        "Normalization-given",
        lambda: L.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 0.5], **F64),
        (2, 3),
    )
    add(
        "Normalization-invert",
        lambda: L.Normalization(mean=2.0, variance=4.0, invert=True, **F64),
        (2, 3),
    )
    add("UnitNormalization", lambda: L.UnitNormalization(**F64), (3, 4))
    add("RMSNormalization", lambda: L.RMSNormalization(**F64), (3, 4))
    add("GroupNormalization", lambda: L.GroupNormalization(2, **F64), (2, 3, 4))
    add("AdaptiveAveragePooling2D", lambda: L.AdaptiveAveragePooling2D((3, 2), **F64), (2, 5, 4, 2))
    add("AdaptiveMaxPooling1D", lambda: L.AdaptiveMaxPooling1D(3, **F64), (2, 7, 2))
    add(
        "AdaptiveMaxPooling2D-first",
        lambda: L.AdaptiveMaxPooling2D(2, data_format="channels_first", **F64),
        (2, 2, 5, 3),
    )
    add("AdaptiveAveragePooling1D", lambda: L.AdaptiveAveragePooling1D(2, **F64), (2, 5, 3))
    add("AdaptiveAveragePooling3D", lambda: L.AdaptiveAveragePooling3D(2, **F64), (1, 3, 3, 3, 2))
    add("AdaptiveMaxPooling3D", lambda: L.AdaptiveMaxPooling3D(2, **F64), (1, 3, 3, 3, 2))
    # integer encodings: no gradient flows to the ids (as in Keras)
    add("CategoryEncoding", lambda: L.CategoryEncoding(4, **F64), (3, 2), integer_input=4)
    add(
        "Discretization",
        lambda: L.Discretization(bin_boundaries=[0.5, 1.5], output_mode="one_hot", **F64),
        (3, 2),
        integer_input=3,
    )
    add("ConvLSTM1D", lambda: L.ConvLSTM1D(2, 2, return_sequences=True, **F64), (2, 3, 4, 2))
    add("ConvLSTM2D", lambda: L.ConvLSTM2D(2, 2, padding="same", **F64), (2, 3, 3, 3, 1))
    add("ConvLSTM3D", lambda: L.ConvLSTM3D(1, 2, **F64), (1, 2, 3, 3, 3, 1))
    add("IntegerLookup", lambda: L.IntegerLookup(vocabulary=[2, 0], **F64), (3, 2), integer_input=4)
    add(
        "StringLookup",
        lambda: L.StringLookup(vocabulary=["1", "2"], **F64),
        (3, 2),
        integer_input=4,
    )
    add("Hashing", lambda: L.Hashing(5, output_mode="count", **F64), (3, 2), integer_input=9)
    add(
        "TextVectorization",
        lambda: L.TextVectorization(
            split=None, vocabulary=["1", "2"], output_mode="tf_idf", idf_weights=[1, 2], **F64
        ),
        (3, 1),
        integer_input=4,
    )
    add("GroupNormalization-per-channel", lambda: L.GroupNormalization(-1, **F64), (2, 3, 3, 2))
    add("RMSNormalization-2axes", lambda: L.RMSNormalization(axis=[1, 2], **F64), (2, 3, 4))
    add("UnitNormalization-axis1", lambda: L.UnitNormalization(axis=1, **F64), (2, 3, 4))
    add("CenterCrop", lambda: L.CenterCrop(2, 3, **F64), (2, 4, 5, 2))
    add("RandomFlip", lambda: L.RandomFlip(seed=3, **F64), (4, 3, 3, 2), training=True, seeded=True)
    for name, make in (
        ("RandomRotation", lambda: L.RandomRotation(0.2, seed=3, **F64)),
        ("RandomZoom", lambda: L.RandomZoom(0.3, 0.2, seed=3, **F64)),
        ("RandomTranslation", lambda: L.RandomTranslation(0.2, 0.3, seed=3, **F64)),
        ("RandomContrast", lambda: L.RandomContrast(0.4, value_range=(-9, 9), seed=3, **F64)),
        ("RandomBrightness", lambda: L.RandomBrightness(0.3, value_range=(-9, 9), seed=3, **F64)),
        ("RandomCrop", lambda: L.RandomCrop(2, 2, seed=3, **F64)),
        ("RandomShear", lambda: L.RandomShear(0.3, 0.2, seed=3, **F64)),
        ("RandomPerspective", lambda: L.RandomPerspective(factor=(1, 1), seed=3, **F64)),
        (
            "RandomElasticTransform",
            lambda: L.RandomElasticTransform(value_range=(-9, 9), seed=3, **F64),
        ),
        ("RandomErasing", lambda: L.RandomErasing(factor=(1, 1), seed=3, **F64)),
        ("RandomGaussianBlur", lambda: L.RandomGaussianBlur(value_range=(-9, 9), seed=3, **F64)),
        ("MixUp", lambda: L.MixUp(seed=3, **F64)),
        ("CutMix", lambda: L.CutMix(seed=3, **F64)),
    ):
        add(name, make, (3, 4, 3, 2), training=True, seeded=True)
    add("ActivityRegularization", lambda: L.ActivityRegularization(l1=0.1, **F64), (2, 3))
    add("Resizing-nearest", lambda: L.Resizing(5, 2, interpolation="nearest", **F64), (2, 3, 4, 2))
    c.append(
        Case(
            "Resizing-bilinear",
            lambda: L.Resizing(5, 2, **F64),
            (2, 3, 4, 2),
            step=1.0,
            rtol=1e-5,
        )
    )
    return c


CASES = _cases()


def _randomize(layer: Any, rng: np.random.Generator) -> None:
    for w in layer.weights:
        if w.trainable:
            w.assign(rng.standard_normal(w.shape) * 0.7)
        else:  # moving statistics: keep variances positive
            w.assign(rng.uniform(0.5, 1.5, w.shape))


def _numeric(f: Callable[[], float], arr: np.ndarray, h: float = H) -> np.ndarray:
    out = np.zeros(arr.shape)
    for i in np.ndindex(*arr.shape):
        old = arr[i]
        arr[i] = old + h
        up = f()
        arr[i] = old - h
        down = f()
        arr[i] = old
        out[i] = (up - down) / (2 * h)
    return out


def _close(actual: Any, expected: np.ndarray) -> float:
    scale = max(np.abs(expected).max(initial=0.0), 1e-8)
    return float(np.abs(np.asarray(actual) - expected).max(initial=0.0) / scale)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_gradcheck(case: Case) -> None:
    rng = np.random.default_rng(zlib.crc32(case.id.encode()))
    layer = case.make()
    x: np.ndarray = (
        rng.integers(0, case.integer_input, case.shape)
        if case.integer_input
        else rng.standard_normal(case.shape)
    )
    layer.ensure_built((None, *x.shape[1:]))
    _randomize(layer, rng)

    def run(xv: np.ndarray) -> Any:
        if case.seeded:
            layer._noise = None
        return layer(xv, training=case.training)

    y = run(x)
    g = rng.standard_normal(y.shape)
    dx = layer.backward(g)
    grads = {w.name: (None if w.grad is None else w.grad.copy()) for w in layer.trainable_weights}

    def loss() -> float:
        return float(np.sum(run(x) * g))

    if case.integer_input:
        assert dx is None
    else:
        assert dx is not None and dx.shape == x.shape
        err = _close(dx, _numeric(loss, x, case.step))
        assert err < case.rtol, f"dx: rel err {err:.3g}"
    assert grads or not layer.trainable_weights
    for w in layer.trainable_weights:
        grad = grads[w.name]
        assert grad is not None, w.name
        assert grad.shape == w.shape
        err = _close(grad, _numeric(loss, w.value, case.step))
        assert err < case.rtol, f"{w.name}: rel err {err:.3g}"


def test_every_layer_is_gradchecked() -> None:
    covered = set()
    for case in CASES:
        layer = case.make()
        covered.add(layer.class_name)
        inner = getattr(layer, "layer", None) or getattr(layer, "forward_layer", None)
        if inner is not None:
            covered.add(inner.class_name)
    # the colour augmentations declare that they have no input gradient (they precede the
    # weights); tests/test_runtime_augment_color.py checks that their backward refuses
    every = {
        cls.class_name for cls in layers.LAYERS.values() if getattr(cls, "input_gradient", True)
    }
    assert every - covered == set()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_float32_stays_float32(case: Case) -> None:
    """The same layers in float32: outputs, input gradients and weight gradients stay float32
    (no silent float64 promotion)."""
    layer = case.make()
    for inner in [layer, *getattr(layer, "_inner_layers", list)()]:
        inner.dtype = np.float32
    rng = np.random.default_rng(0)
    x = (
        rng.integers(0, case.integer_input, case.shape)
        if case.integer_input
        else rng.standard_normal(case.shape).astype(np.float32)
    )
    y = layer(x, training=case.training)
    if case.id.endswith("Lookup"):  # ids are int64 whatever the layer's dtype, as in Keras
        assert y.dtype == np.int64
        return
    assert y.dtype == np.float32
    dx = layer.backward(np.ones(y.shape, np.float32))
    assert dx is None or dx.dtype == np.float32
    for w in layer.weights:
        assert w.value.dtype == np.float32, w.name
        if w.grad is not None:
            assert w.grad.dtype == np.float32, w.name
