"""Every golden layer case (``../shared/golden/layers``): forward, input gradient and weight
gradients of the runtime layer against real Keras 3.15.1, with the README's normwise ``close``.

Random cases (dropout in training) check the listed statistical properties instead.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from conftest import SHARED, shared_path

from seqlint.runtime import layers
from seqlint.runtime.backend import Backend, get_backend

RTOL_F64 = 1e-10
RTOL_F32 = 1e-5
# TF's ResizeBilinear computes in float32 even for float64 inputs (golden README: 1e-6), but the
# runtime reproduces that float32 computation, so the bilinear cases meet 1e-10 too.
RTOL_EXCEPTIONS: dict[str, float] = {}


def close(actual: Any, expected: Any, rtol: float) -> bool:
    expected = np.asarray(expected, np.float64)
    scale = max(np.abs(expected).max(), 1e-300) if expected.size else 1.0
    return bool(np.abs(np.asarray(actual, np.float64) - expected).max(initial=0.0) <= rtol * scale)


def rel_err(actual: Any, expected: Any) -> float:
    expected = np.asarray(expected, np.float64)
    scale = max(np.abs(expected).max(), 1e-300) if expected.size else 1.0
    return float(np.abs(np.asarray(actual, np.float64) - expected).max(initial=0.0) / scale)


def _entries() -> list[dict[str, Any]]:
    index = SHARED / "golden" / "index.json"
    if not index.exists():
        return []
    return list(json.loads(index.read_text())["layers"])


ENTRIES = _entries()


def build_layer(cls_name: str, config: dict[str, Any], dtype: str) -> Any:
    """A runtime layer from a golden ``layer`` + ``config`` (wrappers nest class/config)."""
    kwargs = dict(config)
    for key in ("layer", "backward_layer"):
        inner = kwargs.get(key)
        if isinstance(inner, dict) and "class" in inner:
            kwargs[key] = build_layer(inner["class"], inner["config"], dtype)
    cls = getattr(layers, cls_name)
    return cls(**kwargs, dtype=dtype)


def _place(layer: Any, backend: Backend) -> None:
    """Put an unbuilt layer (and the layers it wraps) on ``backend``, as a model does."""
    layer.backend = backend
    for key in ("layer", "backward_layer"):
        inner = layer.args.values.get(key)
        if inner is not None and hasattr(inner, "backend"):
            _place(inner, backend)


def rtol_for(entry: dict[str, Any]) -> float:
    if entry["name"] in RTOL_EXCEPTIONS:
        return RTOL_EXCEPTIONS[entry["name"]]
    return RTOL_F32 if entry["dtype"] == "float32" else RTOL_F64


def _load(entry: dict[str, Any]) -> Any:
    return np.load(shared_path("golden", entry["file"]), allow_pickle=False)


@pytest.mark.skipif(not ENTRIES, reason="../shared/golden is absent")
def test_every_golden_layer_class_exists() -> None:
    missing = sorted({e["layer"] for e in ENTRIES if not hasattr(layers, e["layer"])})
    assert not missing


DETERMINISTIC = [e for e in ENTRIES if not e.get("random")]
RANDOM = [e for e in ENTRIES if e.get("random")]


@pytest.mark.parametrize("entry", DETERMINISTIC, ids=[e["name"] for e in DETERMINISTIC])
def test_golden_layer(entry: dict[str, Any], device: str) -> None:
    data = _load(entry)
    rtol = rtol_for(entry)
    layer = build_layer(entry["layer"], entry["config"], entry["dtype"])
    backend = get_backend(device)
    _place(layer, backend)
    host = backend.to_numpy
    x = data["x"]
    layer.ensure_built((None, *x.shape[1:]))
    n_weights = len(entry["weights"])
    assert len(layer.weights) == n_weights
    for var, shape in zip(layer.weights, entry["weight_shapes"], strict=True):
        assert var.shape == tuple(shape), var
    assert [w.trainable for w in layer.weights] == entry["trainable"]
    layer.set_weights([data[f"w{i}"] for i in range(n_weights)])

    y = host(layer(backend.asarray(x), training=bool(entry["training"])))
    assert tuple(y.shape) == tuple(entry["output_shape"])
    assert y.dtype == np.dtype(entry["dtype"])
    assert close(y, data["y"], rtol), f"y: rel err {rel_err(y, data['y']):.3g}"

    if "moving_mean_after" in data:
        names = entry["weights"]
        mm = host(layer.weights[names.index("moving_mean")].value)
        mv = host(layer.weights[names.index("moving_variance")].value)
        assert close(mm, data["moving_mean_after"], rtol)
        assert close(mv, data["moving_variance_after"], rtol)

    dx = layer.backward(backend.asarray(data["g"]))
    dx = None if dx is None else host(dx)
    if "dx" in data:
        assert dx is not None
        assert tuple(dx.shape) == tuple(x.shape)
        assert dx.dtype == np.dtype(entry["dtype"])
        assert close(dx, data["dx"], rtol), f"dx: rel err {rel_err(dx, data['dx']):.3g}"
    else:
        assert dx is None
    for i, var in enumerate(layer.weights):
        key = f"dw{i}"
        if key in data:
            assert var.grad is not None, var
            grad = host(var.grad.to_dense() if hasattr(var.grad, "to_dense") else var.grad)
            assert grad.dtype == np.dtype(entry["dtype"])
            assert close(grad, data[key], rtol), (
                f"{key} ({var.name}): rel err {rel_err(grad, data[key]):.3g}"
            )
        else:
            assert not var.trainable or var.grad is None


@pytest.mark.parametrize("entry", RANDOM, ids=[e["name"] for e in RANDOM])
def test_golden_random_layer(entry: dict[str, Any]) -> None:
    """Dropout in training: zeros or ``x / (1 - rate)``, kept fraction near ``1 - rate``,
    ``dx = g * mask / (1 - rate)`` and, for SpatialDropout, one mask per channel."""
    data = _load(entry)
    rate = float(data["rate"])
    x = data["x"]
    config = {**entry["config"], "seed": 1234}
    layer = build_layer(entry["layer"], config, entry["dtype"])
    y = layer(x, training=True)
    assert y.shape == x.shape
    kept = y != 0
    scaled = x / (1 - rate)
    assert np.allclose(y[kept], scaled[kept], rtol=1e-15, atol=0)
    assert bool(data["zero_or_scaled"])

    spatial_axes = tuple(range(1, x.ndim - 1))
    if "mask_constant_over_spatial_axes" in data:
        assert bool(data["mask_constant_over_spatial_axes"])
        channel_kept = kept.any(axis=spatial_axes)
        assert np.array_equal(
            kept, np.broadcast_to(np.expand_dims(channel_kept, spatial_axes), x.shape)
        )
        units = channel_kept.size
        fraction = channel_kept.mean()
    else:
        units = kept.size
        fraction = kept.mean()
    sigma = math.sqrt(rate * (1 - rate) / units)
    assert abs(fraction - (1 - rate)) <= 5 * sigma

    g = np.random.default_rng(0).standard_normal(x.shape)
    dx = layer.backward(g)
    assert bool(data["grad_is_g_times_mask_over_keep"])
    assert np.allclose(dx, g * kept / (1 - rate), rtol=1e-15, atol=0)

    # inference is the identity, and so is its gradient
    assert np.array_equal(layer(x, training=False), x)
    assert np.array_equal(layer.backward(g), g)


def test_aliases_and_names() -> None:
    assert layers.Convolution2D is layers.Conv2D
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.get("GlobalAvgPool1D") is layers.GlobalAveragePooling1D
    dense = layers.Dense(3)
    assert dense.class_name == "Dense"
    dense(np.zeros((2, 4), np.float32))
    assert [w.name.split("/")[-1] for w in dense.weights] == ["kernel", "bias"]
    assert dense.kernel is not None and dense.kernel.value.dtype == np.float32


def test_float32_default_no_promotion() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 6, 5, 3)).astype(np.float32)
    model = [
        layers.Conv2D(4, 3, padding="same", activation="relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(3, activation="softmax"),
    ]
    h = x
    for layer in model:
        h = layer(h, training=True)
        assert h.dtype == np.float32, layer
    g = np.ones_like(h)
    for layer in reversed(model):
        g = layer.backward(g)
        assert g.dtype == np.float32, layer
        for w in layer.trainable_weights:
            assert w.grad.dtype == np.float32, w


def test_lstm_unit_forget_bias_and_initializers() -> None:
    lstm = layers.LSTM(3, dtype="float64")
    lstm(np.zeros((1, 2, 4)))
    assert lstm.bias is not None
    np.testing.assert_array_equal(lstm.bias.value, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    assert lstm.recurrent_kernel is not None
    r = lstm.recurrent_kernel.value.reshape(3, 4, 3)
    # orthogonal per Keras: the (3, 12) matrix has orthonormal rows
    flat = lstm.recurrent_kernel.value
    np.testing.assert_allclose(flat @ flat.T, np.eye(3), atol=1e-12)
    assert r.shape == (3, 4, 3)


def test_bn_moving_statistics_only_in_training() -> None:
    bn = layers.BatchNormalization(dtype="float64")
    x = np.random.default_rng(1).standard_normal((8, 3)) * 2 + 5
    bn(x, training=False)
    assert bn.moving_mean is not None
    np.testing.assert_array_equal(bn.moving_mean.value, 0)
    bn(x, training=True)
    np.testing.assert_allclose(bn.moving_mean.value, 0.01 * x.mean(axis=0))
    bn.trainable = False  # frozen BN runs in inference mode, like Keras
    before = bn.moving_mean.value.copy()
    bn(x, training=True)
    np.testing.assert_array_equal(bn.moving_mean.value, before)


# ---- initializers ----------------------------------------------------------------------------


def test_initializer_fans_and_distributions() -> None:
    from seqlint.runtime import initializers

    assert initializers.compute_fans((3, 3, 4, 8)) == (36, 72)
    assert initializers.compute_fans((5, 7)) == (5, 7)
    assert initializers.compute_fans((6,)) == (6, 6)
    rng = np.random.default_rng(0)
    shape = (3, 3, 40, 80)
    fan_in, fan_out = 360, 720

    w = initializers.get("glorot_uniform")(shape, np.float64, np, rng)
    limit = math.sqrt(6 / (fan_in + fan_out))
    assert w.shape == shape and np.abs(w).max() <= limit
    assert abs(w.var() / (limit**2 / 3) - 1) < 0.05

    w = initializers.get("he_normal")(shape, np.float32, np, rng)
    assert w.dtype == np.float32
    std = math.sqrt(2 / fan_in)
    assert np.abs(w).max() <= 2 * std / 0.87962566103423978 + 1e-6
    assert abs(w.std() / std - 1) < 0.05

    w = initializers.get("lecun_uniform")((200, 100), np.float64, np, rng)
    assert np.abs(w).max() <= math.sqrt(3 / 200)

    w = initializers.get("uniform")((1000,), np.float64, np, rng)
    assert w.min() >= -0.05 and w.max() <= 0.05
    w = initializers.get({"class_name": "RandomNormal", "config": {"stddev": 2.0}})(
        (4000,), np.float64, np, rng
    )
    assert abs(w.std() - 2) < 0.1
    w = initializers.get("truncated_normal")((4000,), np.float64, np, rng)
    assert np.abs(w).max() <= 0.1

    q = initializers.get("orthogonal")((3, 2, 5), np.float64, np, rng).reshape(6, 5)
    np.testing.assert_allclose(q.T @ q, np.eye(5), atol=1e-12)
    np.testing.assert_array_equal(
        initializers.get("identity")((2, 3), np.float64, np, rng), np.eye(2, 3)
    )
    c = initializers.get({"class_name": "Constant", "config": {"value": 0.1}})(
        (2,), np.float64, np, rng
    )
    assert c[0] == float(np.float32(0.1))
    assert initializers.get("Zeros")((2,), np.float64, np, rng).sum() == 0
    assert initializers.get("ones")((2,), np.float64, np, rng).sum() == 2


def test_initializer_seeds_and_callables() -> None:
    from seqlint.runtime import initializers

    a = initializers.GlorotNormal(seed=3)((4, 4))
    b = initializers.get({"class_name": "GlorotNormal", "config": {"seed": 3}})((4, 4))
    np.testing.assert_array_equal(a, b)
    two = initializers.get(lambda shape, dtype: np.full(shape, 2.0))
    assert two((2,), np.float32, np, None).dtype == np.float32
    four = initializers.get(lambda shape, dtype, xp, rng: xp.full(shape, 4.0))
    assert four((3,), np.float64, np, np.random.default_rng()).tolist() == [4.0] * 3
    with pytest.raises(ValueError):
        initializers.get("no_such_initializer")
    dense = layers.Dense(2, kernel_initializer="ones", bias_initializer=initializers.Constant(3))
    dense(np.zeros((1, 3), np.float32))
    assert dense.kernel is not None and dense.bias is not None
    assert dense.kernel.value.sum() == 6 and dense.bias.value.tolist() == [3, 3]


# ---- wrappers ------------------------------------------------------------------------------


def test_time_distributed_batch_normalization_uses_per_step_statistics() -> None:
    """Keras calls the wrapped layer once per time step: in training, BatchNormalization
    normalises each step with that step's batch statistics and updates the moving statistics
    once per step."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 3, 2)) * 2 + 1
    td = layers.TimeDistributed(layers.BatchNormalization(momentum=0.5, dtype="float64"))
    td.ensure_built((None, 3, 2))
    y = td(x, training=True)
    eps = 1e-3
    moving_mean, moving_var = np.zeros(2), np.ones(2)
    for t in range(3):
        mean, var = x[:, t].mean(axis=0), x[:, t].var(axis=0)
        np.testing.assert_allclose(y[:, t], (x[:, t] - mean) / np.sqrt(var + eps), rtol=1e-12)
        moving_mean = moving_mean * 0.5 + mean * 0.5
        moving_var = moving_var * 0.5 + var * 0.5
    bn = td.layer
    assert bn.moving_mean is not None and bn.moving_variance is not None
    np.testing.assert_allclose(bn.moving_mean.value, moving_mean, rtol=1e-12)
    np.testing.assert_allclose(bn.moving_variance.value, moving_var, rtol=1e-12)
    # inference: the moving statistics, sample by sample
    y = td(x, training=False)
    np.testing.assert_allclose(y, (x - moving_mean) / np.sqrt(moving_var + eps), rtol=1e-12)


def test_time_distributed_output_is_not_fused_with_the_loss() -> None:
    """TimeDistributed stacks the per-step outputs, so Keras's crossentropy sees probabilities
    (clipped), not the wrapped layer's cached logits."""
    from seqlint.runtime import Input, Sequential

    model = Sequential(
        [
            Input((2, 3)),
            layers.TimeDistributed(layers.Dense(2, activation="softmax", use_bias=False)),
        ],
        dtype="float64",
    )
    model.set_weights([np.array([[40.0, -40.0], [0.0, 0.0], [0.0, 0.0]])])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    x = np.array([[[1.0, 0, 0], [0, 0, 0]]])
    y = np.array([[[0.0, 1.0], [1.0, 0.0]]])
    # step 0 saturates: clipped probability 1e-7 gives -log(1e-7), not the logits' 80
    expected = (-np.log(1e-7) + np.log(2)) / 2
    assert np.isclose(model.evaluate(x, y, verbose=0), expected, rtol=1e-12)


def test_bidirectional_checks_like_keras() -> None:
    """Keras builds the backward layer with go_backwards=True, so a layer that already goes
    backwards is an error, as are forward/backward layers that disagree on return_sequences."""
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2, go_backwards=True))
    with pytest.raises(ValueError, match="return_sequences"):
        layers.Bidirectional(
            layers.GRU(2, return_sequences=True),
            backward_layer=layers.GRU(2, go_backwards=True),
        )
    bi = layers.Bidirectional(layers.GRU(2), backward_layer=layers.GRU(2, go_backwards=True))
    assert bi.backward_layer.get("go_backwards") is True


def test_unsupported_settings_fail_loudly() -> None:
    x = np.zeros((2, 3, 4))
    rnn = layers.GRU(2, recurrent_dropout=0.2, dtype="float64")
    # inference ignores dropout, like Keras; training draws per-gate masks
    np.testing.assert_array_equal(rnn(x, training=False), rnn(x, training=False))
    with pytest.raises(NotImplementedError, match="mixed precision"):
        layers.Dense(2, dtype="mixed_float16")
    with pytest.raises(NotImplementedError, match="quantization_config"):
        layers.Dense(2, quantization_config={"mode": "int8"})
    # (a loss on a masked output is supported: see test_runtime_masked_loss.py)


def test_invalid_shapes_are_value_errors() -> None:
    """Keras raises ValueError for arguments that do not fit the input (here a crop larger
    than the input)."""
    with pytest.raises(ValueError, match="cropping"):
        layers.Cropping1D((2, 2))(np.zeros((1, 3, 2)))
    # Keras's constructor checks
    with pytest.raises(ValueError, match="dilation_rate"):
        layers.Conv1D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="dilation_rate"):
        layers.Conv2DTranspose(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="output_padding"):
        layers.Conv2DTranspose(2, 3, strides=(2, 3), output_padding=(1, 3))
    layers.Conv2DTranspose(2, 3, strides=(2, 3), output_padding=(0, 2))
    with pytest.raises(ValueError, match="threshold"):
        layers.ReLU(threshold=-0.5)
    with pytest.raises(ValueError, match="max_value"):
        layers.ReLU(max_value=-1.0)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=-0.1)


def test_embedding_rejects_out_of_range_indices() -> None:
    emb = layers.Embedding(4, 2, dtype="float64")
    emb(np.array([[0, 3]]))
    for bad in ([[0, -1]], [[4, 0]]):
        with pytest.raises(ValueError, match="indices"):
            emb(np.array(bad))


def test_layer_normalization_axes_in_keras_order() -> None:
    """Keras sorts the axes as given: ``axis=[1, -1]`` becomes ``[-1, 1]``, so gamma/beta have
    shape ``(size[-1], size[1])`` and are reshaped (not transposed) to the broadcast shape."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4, 5))
    ln = layers.LayerNormalization(axis=[1, -1], dtype="float64")
    ln.ensure_built((None, 3, 4, 5))
    assert [w.shape for w in ln.weights] == [(5, 3), (5, 3)]
    gamma, beta = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    ln.set_weights([gamma, beta])
    mean = x.mean(axis=(1, 3), keepdims=True)
    var = x.var(axis=(1, 3), keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-3) * gamma.reshape(1, 3, 1, 5) + beta.reshape(
        1, 3, 1, 5
    )
    np.testing.assert_allclose(ln(x), expected, rtol=1e-12, atol=1e-12)


def test_bilinear_upsampling_reproduces_tf_float32_arithmetic() -> None:
    """TF's ResizeBilinear computes in float32 even for float64 inputs: float32 lerps (0.25 and
    0.75 here, half-pixel centres) and ``a + (b - a) * lerp`` in float32, cast back."""
    a, b = 0.1, 0.7
    layer = layers.UpSampling2D((2, 1), interpolation="bilinear", dtype="float64")
    y = layer(np.array([a, b]).reshape(1, 2, 1, 1))
    f32 = np.float32
    expected = [f32(a), f32(a) + (f32(b) - f32(a)) * f32(0.25)]
    expected += [f32(a) + (f32(b) - f32(a)) * f32(0.75), f32(b)]
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y.reshape(4), np.array(expected, np.float64))
    # the gradient: float32 products (1 - lerp) * g and lerp * g, summed in float64
    g = np.array([0.3, 0.9, 1.1, 0.2]).reshape(1, 4, 1, 1)
    dx = layer.backward(g).reshape(2)
    gf = g.reshape(4).astype(f32)
    # lerps 0.75, 0.25, 0.75, 0.25 (src -0.25, 0.25, 0.75, 1.25); rows 0 and 3 are clamped,
    # both of their terms go to the same source row
    top = [gf[0] * f32(0.25), gf[1] * f32(0.75), gf[2] * f32(0.25), gf[3] * f32(0.75)]
    bottom = [gf[0] * f32(0.75), gf[1] * f32(0.25), gf[2] * f32(0.75), gf[3] * f32(0.25)]
    dx0 = float(top[0]) + float(bottom[0]) + float(top[1]) + float(top[2])
    dx1 = float(bottom[1]) + float(bottom[2]) + float(top[3]) + float(bottom[3])
    np.testing.assert_allclose(dx, [dx0, dx1], rtol=1e-15)


def test_lstm_recurrent_dropout_draws_one_mask_per_gate() -> None:
    """Keras's LSTM with recurrent_dropout (implementation=1) masks the state separately for
    each gate, in training only, with new masks on every call."""
    x = np.random.default_rng(0).normal(size=(3, 5, 4))
    rnn = layers.LSTM(4, recurrent_dropout=0.5, seed=0, dtype="float64")
    inference = rnn(x, training=False)
    rnn._noise = None
    first = rnn(x, training=True)
    second = rnn(x, training=True)  # a new draw of the masks
    assert first.shape == inference.shape == (3, 4)
    assert not np.allclose(first, inference) and not np.allclose(first, second)
    rmask = rnn._cache["rmask"]
    assert rmask.shape == (4, 3, 4)  # gates, batch, units
    assert not all(np.array_equal(rmask[0], rmask[g]) for g in range(1, 4))


@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_a_stateful_rnn_continues_the_sequence_across_batches(cls: Any) -> None:
    """Two batches through a stateful layer give what one layer gives on the joined sequence
    (keras 3.15.1 gave the same three LSTM outputs on shared weights); reset_states restarts."""
    rng = np.random.default_rng(3)
    x1, x2 = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3, 4))
    stateful = cls(3, stateful=True, return_sequences=True, dtype="float64")
    plain = cls(3, return_sequences=True, dtype="float64")
    first = stateful(x1)
    plain(x1)
    plain.set_weights(stateful.get_weights())
    second = stateful(x2)
    joined = plain(np.concatenate([x1, x2], axis=1))
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), joined, atol=1e-12)
    stateful.reset_states()
    np.testing.assert_allclose(stateful(x2), plain(x2), atol=1e-12)
    # the batch size is fixed by the first call: another one is refused, as in Keras
    with pytest.raises(ValueError, match="Expected batch size: 2 - Received batch size: 1"):
        stateful(x2[:1])


def test_a_stateful_rnn_needs_a_static_batch_size_as_in_keras() -> None:
    """Keras 3.15.1's messages: a declared input without a batch size is refused when the model
    is built, and a batch of another size than the declared one when it runs."""
    from seqlint.runtime import Input, Sequential

    with pytest.raises(
        ValueError,
        match=r"batch size must be static\. Found dynamic batch size: "
        r"sequence\.shape=\(None, 5, 3\)",
    ):
        Sequential([Input((5, 3)), layers.LSTM(4, stateful=True), layers.Dense(1)])
    model = Sequential(
        [Input(batch_shape=(4, 5, 3)), layers.LSTM(4, stateful=True), layers.Dense(1)]
    )
    x = np.random.default_rng(0).normal(size=(20, 5, 3))
    assert model.predict(x, batch_size=4, verbose=0).shape == (20, 1)
    with pytest.raises(ValueError, match="Expected batch size: 4 - Received batch size: 20"):
        model.predict(x, verbose=0)
    # built on its first batch (no declared input): that batch size is kept, as in Keras
    deferred = Sequential([layers.GRU(4, stateful=True), layers.Dense(1)])
    deferred.compile(loss="mse", optimizer="sgd")
    deferred.fit(x, x[:, 0, :1], batch_size=4, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="Expected batch size: 4"):
        deferred.fit(x[:18], x[:18, 0, :1], batch_size=4, epochs=1, verbose=0)
