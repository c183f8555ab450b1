"""ConvLSTM1D / ConvLSTM2D in the runtime: forward against keras 3.15.1 (float32, recorded
outside the repository with the same deterministic weights and inputs), gradients by central
finite differences in float64."""

from __future__ import annotations

import numpy as np
import pytest

from seqlint.runtime import Input, Sequential, layers

# (rank, padding, return_sequences, output shape, sum, first 4 values, last 3 values) from Keras
KERAS = [
    (
        "2d",
        "same",
        True,
        (2, 3, 5, 4, 3),
        -2.8218703269958496,
        [-0.0370863601565361, -0.005540293175727129, 0.017791753634810448, -0.020354337990283966],
        [-0.07484790682792664, -0.08649805933237076, -0.02340872772037983],
    ),
    (
        "2d",
        "same",
        False,
        (2, 5, 4, 3),
        -0.9927850961685181,
        [-0.062228456139564514, 0.062249962240457535, 0.07192861288785934, 0.012106201611459255],
        [-0.07484790682792664, -0.08649805933237076, -0.02340872772037983],
    ),
    (
        "2d",
        "valid",
        True,
        (2, 3, 3, 3, 3),
        -1.8899600505828857,
        [-0.01391738373786211, 0.019237633794546127, 0.02064834162592888, -0.07616457343101501],
        [-0.11444996297359467, -0.11587434262037277, -0.00489560142159462],
    ),
    (
        "2d",
        "valid",
        False,
        (2, 3, 3, 3),
        -0.7177270650863647,
        [-0.09879141300916672, -0.11417654901742935, -0.03137777000665665, -0.1277412474155426],
        [-0.11444996297359467, -0.11587434262037277, -0.00489560142159462],
    ),
    (
        "1d",
        "same",
        True,
        (2, 3, 5, 3),
        -0.29588210582733154,
        [-0.03977067768573761, 0.010321968235075474, 0.03160908445715904, 0.0008693825802765787],
        [-0.01580987311899662, 0.047933429479599, 0.041114963591098785],
    ),
    (
        "1d",
        "same",
        False,
        (2, 5, 3),
        -0.16646698117256165,
        [-0.018954694271087646, 0.03850249946117401, 0.04025661572813988, -0.08913332968950272],
        [-0.01580987311899662, 0.047933429479599, 0.041114963591098785],
    ),
    (
        "1d",
        "valid",
        True,
        (2, 3, 3, 3),
        -0.12956109642982483,
        [0.0008693825802765787, 0.03210083395242691, 0.02090930938720703, -0.061970166862010956],
        [-0.12308084219694138, 0.02960408665239811, 0.0740477442741394],
    ),
    (
        "1d",
        "valid",
        False,
        (2, 3, 3),
        -0.2078843116760254,
        [-0.09273580461740494, -0.08137392997741699, 0.003280445234850049, -0.05280815064907074],
        [-0.12308084219694138, 0.02960408665239811, 0.0740477442741394],
    ),
]
GEOMETRY = {"2d": ((2, 3, 5, 4, 2), (3, 2)), "1d": ((2, 3, 5, 2), (3,))}


def _x(shape: tuple[int, ...], dtype: str = "float32") -> np.ndarray:
    return (np.arange(np.prod(shape)) % 7 / 7.0 - 0.4).reshape(shape).astype(dtype)


def _layer(rank: str, padding: str, seq: bool, dtype: str = "float32") -> object:
    shape, k = GEOMETRY[rank]
    cls = layers.ConvLSTM2D if rank == "2d" else layers.ConvLSTM1D
    layer = cls(3, k, padding=padding, return_sequences=seq, dtype=dtype)
    layer.ensure_built((None, None, *shape[2:]))  # a None time axis
    for j, w in enumerate(layer.weights):
        v = np.sin(np.arange(w.value.size) * (0.7 + j)) * 0.3
        w.assign(v.reshape(w.value.shape).astype(dtype))
    return layer


@pytest.mark.parametrize(("rank", "padding", "seq", "shape", "total", "first", "last"), KERAS)
def test_forward_matches_keras(
    rank: str,
    padding: str,
    seq: bool,
    shape: tuple[int, ...],
    total: float,
    first: list[float],
    last: list[float],
) -> None:
    layer = _layer(rank, padding, seq)
    y = np.asarray(layer(_x(GEOMETRY[rank][0])))  # type: ignore[operator]
    assert y.shape == shape
    np.testing.assert_allclose(y.ravel()[:4], first, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y.ravel()[-3:], last, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y.sum(), total, rtol=1e-5, atol=1e-5)


def test_weights_have_keras_shapes_and_forget_bias() -> None:
    layer = layers.ConvLSTM2D(3, (3, 2))
    layer.ensure_built((None, None, 5, 4, 2))
    assert [w.value.shape for w in layer.weights] == [(3, 2, 2, 12), (3, 2, 3, 12), (12,)]
    assert np.asarray(layer.bias.value).tolist() == [0.0] * 3 + [1.0] * 3 + [0.0] * 6


def _numeric(f: object, a: np.ndarray, h: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(a)
    flat, g = a.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f()  # type: ignore[operator]
        flat[i] = old - h
        down = f()  # type: ignore[operator]
        flat[i] = old
        g[i] = (up - down) / (2 * h)
    return grad


@pytest.mark.parametrize("rank", ["2d", "1d"])
@pytest.mark.parametrize(("padding", "seq"), [("same", True), ("valid", False), ("valid", True)])
def test_gradients_match_finite_differences(rank: str, padding: str, seq: bool) -> None:
    layer = _layer(rank, padding, seq, "float64")
    x = _x(GEOMETRY[rank][0], "float64")
    y = layer(x)  # type: ignore[operator]
    g = np.cos(np.arange(y.size)).reshape(y.shape)
    dx = layer.backward(g)  # type: ignore[attr-defined]

    def loss() -> float:
        return float((layer(x) * g).sum())  # type: ignore[operator]

    np.testing.assert_allclose(dx, _numeric(loss, x), rtol=1e-6, atol=1e-9)
    for w in layer.weights:  # type: ignore[attr-defined]
        layer(x)  # type: ignore[operator]
        layer.backward(g)  # type: ignore[attr-defined]
        analytic = np.array(w.grad)
        np.testing.assert_allclose(analytic, _numeric(loss, w.value), rtol=1e-6, atol=1e-9)


def test_none_time_axis_model_trains_on_any_length() -> None:
    model = Sequential(
        [
            Input((None, 6, 6, 1)),
            layers.ConvLSTM2D(2, 3, padding="same"),
            layers.Flatten(),
            layers.Dense(1),
        ]
    )
    for steps in (2, 4):
        assert model.predict(np.ones((3, steps, 6, 6, 1), "float32"), verbose=0).shape == (3, 1)


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"return_state": True}, "return_state"),
        ({"go_backwards": True}, "go_backwards"),
        ({"dropout": 0.2}, "dropout"),
        ({"data_format": "channels_first"}, "channels_first"),
    ],
)
def test_unsupported_settings_are_refused_by_name(kwargs: dict[str, object], text: str) -> None:
    with pytest.raises(NotImplementedError) as info:
        layers.ConvLSTM2D(2, 3, **kwargs)
    assert text in str(info.value)
