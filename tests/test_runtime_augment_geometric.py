"""RandomShear, RandomPerspective, RandomElasticTransform, RandomErasing, RandomGaussianBlur,
MixUp and CutMix: the identity at inference, Keras's transforms in training.

Random streams differ from Keras's, so the Keras comparisons pin the draw: degenerate ranges
(``(a, a)``), or the layer's transform given the draw (corner points, sampling positions, blur
sigmas). The expected values were computed with Keras 3.15.1 (TensorFlow CPU) on
``arange(12) * 10`` as a ``(1, 3, 4, 1)`` image unless said otherwise. The other tests check
Keras's distributions (measured there where a number is quoted).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from seqlint.runtime import Input, Sequential
from seqlint.runtime import layers as L
from seqlint.runtime.backend import get_backend
from seqlint.runtime.layers import augment_geometric as G

IMAGE = (np.arange(12, dtype="float32") * 10).reshape(1, 3, 4, 1)


def _distinct(layer: Any, x: np.ndarray) -> list[list[list[float]]]:
    """The different images a layer makes of copies of one image, sorted."""
    y = layer(np.repeat(x, 32, axis=0), training=True)[..., 0]
    found = {tuple(np.round(a.ravel(), 3)) for a in y}
    return [np.array(o).reshape(x.shape[1:3]).tolist() for o in sorted(found)]


# one shear draw (a, a) has two outcomes: Keras negates both shears for a random half
SHEAR: list[tuple[str, Callable[[], Any], list[list[list[float]]]]] = [
    (
        "x0.3-y0.2-reflect",
        lambda: L.RandomShear((0.3, 0.3), (0.2, 0.2), seed=1),
        [
            [[0, 10, 20, 30], [40, 39, 41, 43], [80, 76, 78, 80]],
            [[0, 18, 36, 54], [43, 61, 79, 94], [86, 96, 106, 110]],
        ],
    ),
    (
        "x0.5-constant7-nearest",
        lambda: L.RandomShear(
            (0.5, 0.5), 0.0, fill_mode="constant", fill_value=7.0, interpolation="nearest"
        ),
        [
            [[0, 10, 20, 30], [7, 50, 60, 70], [7, 80, 90, 100]],
            [[0, 10, 20, 30], [50, 60, 70, 7], [90, 100, 110, 7]],
        ],
    ),
    (
        "y0.4-wrap",
        lambda: L.RandomShear(0.0, (0.4, 0.4), fill_mode="wrap", seed=1),
        [
            [[0, 26, 52, 78], [40, 66, 92, 30], [80, 10, 20, 38]],
            [[0, 90, 100, 102], [40, 34, 28, 110], [80, 74, 68, 62]],
        ],
    ),
]


@pytest.mark.parametrize(("make", "expected"), [c[1:] for c in SHEAR], ids=[c[0] for c in SHEAR])
def test_shear_matches_keras(make: Callable[[], Any], expected: list[Any]) -> None:
    assert _distinct(make(), IMAGE) == expected


START = np.array([[0, 0], [3, 0], [0, 2], [3, 2]], dtype=float)
END = np.array([[0.4, 0.3], [2.5, -0.2], [0.2, 2.4], [3.3, 1.6]])


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"fill_value": 5.0},
            [
                [4.3964, 7.7046, 27.0982, 26.0672],
                [19.9366, 48.9481, 69.7839, 89.1095],
                [51.9207, 82.3415, 93.1505, 85.0853],
            ],
        ),
        (
            {"interpolation": "nearest"},
            [[0, 10, 20, 0], [40, 50, 60, 70], [80, 90, 100, 110]],
        ),
    ],
    ids=["bilinear-fill5", "nearest"],
)
def test_perspective_given_its_corners_matches_keras(
    kwargs: dict[str, Any], expected: list[list[float]]
) -> None:
    """Keras's ``ops.image.perspective_transform(image, START, END)``: the layer's sampling for
    the corners it would draw."""
    layer = L.RandomPerspective(**kwargs)
    rows = np.asarray(G.homography(START, END))[None]
    np.testing.assert_allclose(layer.transform(IMAGE, rows)[0, ..., 0], expected, atol=2e-3)


def test_perspective_moves_only_the_corners_it_draws() -> None:
    x = np.random.default_rng(0).uniform(0, 1, size=(16, 6, 7, 2))
    # scale 0: the corners stay, the homography is the identity
    np.testing.assert_allclose(
        L.RandomPerspective(factor=(1, 1), scale=0.0, dtype="float64")(x, training=True), x
    )
    np.testing.assert_array_equal(
        L.RandomPerspective(factor=0.0, dtype="float64")(x, training=True), x
    )
    moved = L.RandomPerspective(factor=(1, 1), seed=3, dtype="float64")(x, training=True)
    assert (np.abs(moved - x).reshape(16, -1).max(axis=1) > 1e-3).all()
    # the top-left corner is (0, 0) + (0, 0) * factor: the pixel there never moves
    np.testing.assert_allclose(moved[:, 0, 0], x[:, 0, 0], atol=1e-9)
    # the default factor 1.0 is Keras's (0, 1): U(0, 1) < U(0, 1), about half of the images
    many = np.repeat(x[:1], 400, axis=0)
    y = L.RandomPerspective(seed=4, dtype="float64")(many, training=True)
    share = (np.abs(y - many).reshape(400, -1).max(axis=1) > 1e-9).mean()
    assert 0.4 < share < 0.6


# Keras's ops.image.map_coordinates(IMAGE[0, ..., 0], [YS, XS], order, fill_mode, fill_value=7)
YS = np.array([[-1.3, 0.2, 2.7, 3.5], [1.0, -0.6, 4.2, 0.5], [2.2, 1.5, -2.5, 5.9]])
XS = np.array([[0.5, -1.7, 3.4, 4.6], [2.0, 6.3, -0.4, 1.5], [-3.2, 3.9, 1.1, 0.0]])
MAP = {
    ("reflect", "bilinear"): [[57, 25, 110, 84], [60, 31, 36, 35], [110, 90, 91, 0]],
    ("reflect", "nearest"): [[40, 20, 110, 60], [60, 50, 40, 20], [110, 110, 90, 0]],
    ("wrap", "bilinear"): [[73, 31, 42, 26], [60, 71, 60, 35], [72, 63, 31, 8]],
    ("wrap", "nearest"): [[80, 20, 30, 50], [60, 100, 40, 20], [90, 80, 50, 0]],
    ("nearest", "bilinear"): [[5, 8, 110, 110], [60, 30, 80, 35], [80, 90, 11, 80]],
    ("nearest", "nearest"): [[0, 0, 110, 110], [60, 30, 80, 20], [80, 110, 10, 80]],
    ("constant", "bilinear"): [[7, 7, 25.54, 7], [60, 7, 7, 35], [7, 15.3, 7, 7]],
    ("constant", "nearest"): [[7, 7, 7, 7], [60, 7, 7, 20], [7, 7, 7, 7]],
}


@pytest.mark.parametrize(("mode", "order"), list(MAP), ids=["-".join(k) for k in MAP])
def test_elastic_sampling_matches_keras_map_coordinates(mode: str, order: str) -> None:
    out = G.map_coordinates(np, IMAGE.astype("float64"), YS[None], XS[None], order, mode, 7.0)
    np.testing.assert_allclose(out[0, ..., 0], MAP[mode, order], atol=2e-3)


def _ramps(n: int, size: int) -> np.ndarray:
    """Images whose two channels hold each pixel's column and row (+100): after a bilinear
    warp they read back where each pixel was sampled from."""
    rows, cols = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    return np.repeat(np.stack([cols, rows], -1)[None] + 100.0, n, axis=0)


def test_elastic_field_is_keras_tensorflow_field() -> None:
    """On 40 x 40 ramps, factor (1, 1), scale (1, 1), fill nearest, Keras 3.15.1 moved the
    interior pixels by the same amount on both axes (max |dx - dy| 3e-5: TF draws both fields
    with one seed), with a standard deviation of 1.10 and a lag-3 correlation of 0.57."""
    x = _ramps(32, 40)
    layer = L.RandomElasticTransform(
        factor=(1, 1), scale=(1, 1), fill_mode="nearest", value_range=(0, 1000), seed=3
    )
    moved = (layer(x, training=True) - x)[:, 8:-8, 8:-8]
    np.testing.assert_allclose(moved[..., 0], moved[..., 1], atol=1e-3)
    assert 0.9 < moved[..., 0].std() < 1.3
    a = moved[..., 0]
    lag3 = np.corrcoef(a[:, :, :-3].ravel(), a[:, :, 3:].ravel())[0, 1]
    assert 0.45 < lag3 < 0.7


def test_elastic_scale_zero_is_not_even_clipped() -> None:
    x = np.full((2, 8, 8, 1), 300.0, dtype="float32")
    # scale or factor 0: Keras draws no transformation at all
    np.testing.assert_array_equal(L.RandomElasticTransform(scale=0.0)(x, training=True), x)
    np.testing.assert_array_equal(L.RandomElasticTransform(factor=0.0)(x, training=True), x)
    # drawn but (almost surely) applied to no image: still clipped to value_range
    clipped = L.RandomElasticTransform(factor=1e-9, seed=1)(x, training=True)
    np.testing.assert_array_equal(clipped, np.full_like(x, 255.0))


BLUR_X = (np.arange(30, dtype="float64").reshape(1, 5, 6, 1)) ** 1.5


@pytest.mark.parametrize(
    ("size", "sigma", "expected"),
    [
        (
            (3, 3),
            (1.0, 0.5),
            [
                [1.4636, 2.9465, 4.76, 7.0664, 9.7521, 8.3802],
                [12.619, 19.7654, 23.7667, 28.0619, 32.6228, 25.8074],
                [32.2329, 47.7393, 53.217, 58.8989, 64.7776, 49.7293],
                [57.6962, 83.5306, 90.1358, 96.9101, 103.8493, 78.5642],
                [74.8648, 107.2314, 113.8972, 120.6966, 127.6271, 95.813],
            ],
        ),
        (
            (3, 5),  # Keras reshapes the outer product of a 5- and a 3-tap kernel to 3 x 5
            (0.8, 1.3),
            [
                [2.0753, 3.7685, 6.9884, 9.1547, 9.7818, 8.8538],
                [10.2463, 15.9434, 25.0312, 29.2348, 27.6984, 23.5296],
                [26.0444, 37.5589, 54.1354, 59.7846, 53.2722, 43.7716],
                [46.9531, 65.6172, 90.8989, 97.6544, 84.3892, 68.1281],
                [54.7911, 71.4522, 84.6411, 89.9607, 71.239, 55.9589],
            ],
        ),
    ],
    ids=["square", "non-square"],
)
def test_blur_matches_keras_gaussian_blur(
    size: tuple[int, int], sigma: tuple[float, float], expected: list[list[float]]
) -> None:
    np.testing.assert_allclose(
        G.gaussian_blur(np, BLUR_X, size, sigma)[0, ..., 0], expected, atol=2e-3
    )


def test_blur_layer_with_a_fixed_sigma_matches_keras() -> None:
    layer = L.RandomGaussianBlur(
        factor=(1, 1), kernel_size=5, sigma=(0.7, 0.7), value_range=(0, 60), seed=1
    )
    expected = [
        [3.0048, 4.9291, 6.8539, 9.1405, 11.566, 10.7716],
        [14.6524, 21.1374, 25.1726, 29.3817, 33.4483, 29.1958],
        [35.3416, 48.4259, 54.2295, 59.8728, 60.0, 54.9343],
    ] + [[60.0] * 6] * 2
    np.testing.assert_allclose(layer(BLUR_X, training=True)[0, ..., 0], expected, atol=2e-3)


def test_erasing_boxes_and_fills_as_keras() -> None:
    ones = np.ones((50, 8, 8, 1), dtype="float32")
    # scale (0.25, 0.25): sides of sqrt(0.25) * 8 = 4 pixels, the box anywhere (Keras: 16 each)
    y = L.RandomErasing(factor=(1, 1), scale=(0.25, 0.25), fill_value=-5.0, value_range=(-10, 10))(
        ones, training=True
    )
    erased = y[..., 0] == -5
    assert (erased.sum(axis=(1, 2)) == 16).all()
    rows, cols = erased.any(axis=2), erased.any(axis=1)
    assert (rows.sum(axis=1) == 4).all() and (cols.sum(axis=1) == 4).all()  # a 4 x 4 box
    assert len({tuple(np.flatnonzero(r)) for r in rows}) > 1  # at random places
    # scale (1, 1): the whole image; a fill per channel; the fill clipped to value_range
    whole = L.RandomErasing(factor=(1, 1), scale=(1, 1), fill_value=[1.0, 2.0, 300.0])
    np.testing.assert_array_equal(
        whole(np.zeros((2, 3, 4, 3)), training=True)[0, 0], [[1, 2, 255]] * 4
    )
    # no fill_value: N(0, 1) * 255 clipped to [0, 255]
    noisy = L.RandomErasing(factor=(1, 1), scale=(1, 1), seed=2)(ones * 3, training=True)
    assert noisy.min() == 0 and 0 < noisy.max() <= 255 and 0.4 < (noisy == 0).mean() < 0.6
    # the default factor 1.0 is (0, 1): about half of the images (Keras: 0.48 of 2,000)
    y = L.RandomErasing(seed=0)(np.full((2000, 4, 4, 1), 3.0), training=True)
    assert 0.44 < (y != 3).any(axis=(1, 2, 3)).mean() < 0.56


def _one_hot_images(n: int, h: int = 1, w: int = 1) -> np.ndarray:
    """Image ``i`` is the one-hot vector ``e_i`` in every pixel (channel axis), so a mixed
    image says which images it came from and how much of each."""
    return np.repeat(np.repeat(np.eye(n)[:, None, None, :], h, axis=1), w, axis=2)


def test_mixup_mixes_each_image_with_a_permutation_by_beta_weights() -> None:
    n = 64
    x = _one_hot_images(n)
    weights = {}
    for alpha in (0.2, 2.0):
        layer = L.MixUp(alpha=alpha, seed=1, dtype="float64")
        draws = []
        for _ in range(40):
            y = layer(x, training=True)[:, 0, 0]
            np.testing.assert_allclose(y.sum(axis=1), 1.0)
            partner = np.where(np.eye(n, dtype=bool), -1.0, y).argmax(axis=1)
            own = np.diag(y)
            moved = own < 1 - 1e-9
            assert len(set(partner[moved])) == moved.sum()  # a permutation
            draws.append(np.where(partner == np.arange(n), 1.0, own))
        weights[alpha] = np.concatenate(draws)
    for alpha, w in weights.items():
        # Beta(a, a): mean 1/2, variance 1 / (4 (2a + 1))
        assert abs(w.mean() - 0.5) < 0.03
        assert abs(w.var() - 1 / (4 * (2 * alpha + 1))) < 0.15 / (4 * (2 * alpha + 1))
    half = L.MixUp(alpha=0.0, seed=1)(x, training=True)[:, 0, 0]
    assert set(np.round(half.max(axis=1), 6)) <= {0.5, 1.0}  # Keras: 1/2 for alpha 0


def test_cutmix_pastes_a_box_of_another_image() -> None:
    n, size = 16, 10
    x = _one_hot_images(n, size, size)
    layer = L.CutMix(seed=2, dtype="float64")
    pasted_share = []
    for _ in range(20):
        y = layer(x, training=True)
        source = y.argmax(axis=-1)  # which image each pixel comes from
        np.testing.assert_array_equal(y.max(axis=-1), 1.0)
        for i in range(n):
            others = source[i] != i
            if others.any():
                assert len(set(source[i][others])) == 1
                rows, cols = np.flatnonzero(others.any(axis=1)), np.flatnonzero(others.any(axis=0))
                assert others.sum() == len(rows) * len(cols)  # a box
                assert np.array_equal(rows, np.arange(rows[0], rows[-1] + 1))
            pasted_share.append(others.mean())
    # side sqrt(1 - w), w ~ Beta(a, a): the box covers 1 - w on average, 1/2
    assert 0.35 < np.mean(pasted_share) < 0.65
    one = x[0]
    np.testing.assert_array_equal(layer(one, training=True), one)  # a single image stays


def test_cutmix_weights_round_as_keras_float32() -> None:
    """At factor (0.1, 0.1) Beta(0.1, 0.1) puts 10 % of its weights under 6e-8, where float32's
    ``1 - w`` is 1: the whole image is pasted. Keras 3.15.1 pasted whole images over 8.3 % of
    4,800 (16 x 10 x 10, one-hot) images, 41 % of the pixels on average."""
    n = 16
    x = _one_hot_images(n, 10, 10).astype("float32")
    layer = L.CutMix(factor=(0.1, 0.1), seed=5)
    whole, share = [], []
    for _ in range(150):
        foreign = layer(x, training=True).argmax(axis=-1) != np.arange(n)[:, None, None]
        whole.append(foreign.all(axis=(1, 2)).mean())
        share.append(foreign.mean())
    assert 0.06 < np.mean(whole) < 0.12
    assert 0.37 < np.mean(share) < 0.45


LAYERS: list[tuple[str, Callable[[int], Any]]] = [
    ("RandomShear", lambda s: L.RandomShear(0.3, 0.3, seed=s)),
    ("RandomPerspective", lambda s: L.RandomPerspective(factor=(1, 1), seed=s)),
    ("RandomElasticTransform", lambda s: L.RandomElasticTransform(factor=(1, 1), seed=s)),
    ("RandomErasing", lambda s: L.RandomErasing(factor=(1, 1), seed=s)),
    ("RandomGaussianBlur", lambda s: L.RandomGaussianBlur(factor=(1, 1), seed=s)),
    ("MixUp", lambda s: L.MixUp(alpha=1.0, seed=s)),
    ("CutMix", lambda s: L.CutMix(seed=s)),
]


@pytest.mark.parametrize("make", [m for _, m in LAYERS], ids=[i for i, _ in LAYERS])
def test_identity_at_inference_random_in_training_seeded(make: Callable[[int], Any]) -> None:
    x = np.random.default_rng(0).uniform(0, 255, size=(8, 20, 24, 3)).astype("float32")
    layer = make(1)
    np.testing.assert_array_equal(layer(x, training=False), x)
    a, b = layer(x, training=True), layer(x, training=True)
    assert a.shape == x.shape and a.dtype == x.dtype
    assert not np.allclose(a, b)  # a new draw per call
    assert (np.abs(a - x).reshape(8, -1).max(axis=1) > 0).sum() >= 4
    np.testing.assert_array_equal(make(1)(x, training=True), a)  # the seed fixes the draws
    assert not np.allclose(make(2)(x, training=True), a)


@pytest.mark.parametrize("make", [m for _, m in LAYERS], ids=[i for i, _ in LAYERS])
def test_channels_first_is_channels_last_transposed(make: Callable[[int], Any]) -> None:
    x = np.random.default_rng(1).uniform(0, 255, size=(4, 9, 11, 3))
    last = make(5)
    first = make(5)
    first.args.values["data_format"] = "channels_first"
    y_last = last(x, training=True)
    y_first = first(x.transpose(0, 3, 1, 2), training=True)
    np.testing.assert_allclose(y_first.transpose(0, 2, 3, 1), y_last, rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("make", [m for _, m in LAYERS], ids=[i for i, _ in LAYERS])
def test_images_only(make: Callable[[int], Any]) -> None:
    with pytest.raises(ValueError, match="rank 3 .single image. or 4"):
        make(1)(np.zeros((4, 5)), training=True)


GRAD: list[tuple[str, Callable[[], Any]]] = [
    ("RandomShear", lambda: L.RandomShear(0.3, 0.2, seed=4, dtype="float64")),
    (
        "RandomPerspective",
        lambda: L.RandomPerspective(factor=(1, 1), fill_value=2.0, seed=4, dtype="float64"),
    ),
    ("RandomErasing", lambda: L.RandomErasing(factor=(1, 1), seed=4, dtype="float64")),
    ("MixUp", lambda: L.MixUp(alpha=1.0, seed=4, dtype="float64")),
    ("CutMix", lambda: L.CutMix(seed=4, dtype="float64")),
    (
        "RandomGaussianBlur",
        lambda: L.RandomGaussianBlur(
            factor=0.6, kernel_size=(3, 5), value_range=(-2, 2), seed=4, dtype="float64"
        ),
    ),
    (
        "RandomElasticTransform-constant",
        lambda: L.RandomElasticTransform(
            factor=(1, 1),
            fill_mode="constant",
            fill_value=3.0,
            value_range=(-2, 2),
            seed=4,
            dtype="float64",
        ),
    ),
    (
        "RandomElasticTransform-reflect-nearest",
        lambda: L.RandomElasticTransform(
            factor=(1, 1), interpolation="nearest", value_range=(-2, 2), seed=4, dtype="float64"
        ),
    ),
]


@pytest.mark.parametrize("make", [m for _, m in GRAD], ids=[i for i, _ in GRAD])
def test_backward_matches_finite_differences(make: Callable[[], Any]) -> None:
    """Each transform is linear in the image for one draw (clipped): exact gradients, for a
    model that puts the layer after a layer with weights."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 6, 7, 2))

    layer = make()

    def run(inp: np.ndarray) -> np.ndarray:
        layer._noise = None  # the same draw at every evaluation
        return layer(inp, training=True)

    y = run(x)
    g = rng.normal(size=y.shape)
    dx = layer.backward(g)
    num = np.zeros_like(x)
    h = 1e-6
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        num[idx] = ((run(xp) * g).sum() - (run(xm) * g).sum()) / (2 * h)
    np.testing.assert_allclose(dx, num, rtol=1e-5, atol=1e-7)


def test_after_a_layer_with_weights_the_gradient_flows_through() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, size=(32, 8, 8, 1))
    y = x.mean(axis=(1, 2))
    for augment in (
        L.RandomGaussianBlur(factor=(1, 1), value_range=(-99, 99), seed=1),
        L.RandomElasticTransform(factor=(1, 1), value_range=(-99, 99), seed=1),
    ):
        model = Sequential(
            [Input((8, 8, 1)), L.Conv2D(2, 3, padding="same"), augment, L.Flatten(), L.Dense(1)]
        )
        model.compile(optimizer="adam", loss="mse")
        before = model.layers[0].kernel.value.copy()
        model.fit(x, y, epochs=2, batch_size=8, verbose=0)
        assert not np.allclose(model.layers[0].kernel.value, before)


def test_augmented_cnn_trains_and_evaluates_without_augmenting() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(64, 12, 12, 1)).astype("float32")
    y = (x[:, :, :, 0].mean(axis=(1, 2)) > 0.5).astype("float32")
    model = Sequential(
        [
            Input((12, 12, 1)),
            L.RandomShear(0.1, 0.1, seed=1),
            L.RandomPerspective(factor=0.5, scale=0.2, seed=1),
            L.RandomElasticTransform(factor=0.5, scale=0.5, value_range=(0, 1), seed=1),
            L.RandomErasing(factor=0.5, scale=(0.02, 0.1), value_range=(0, 1), seed=1),
            L.RandomGaussianBlur(factor=0.5, sigma=(0.1, 0.5), value_range=(0, 1), seed=1),
            L.MixUp(alpha=0.2, seed=1),
            L.CutMix(factor=0.3, seed=1),
            L.Conv2D(4, 3, activation="relu"),
            L.GlobalAveragePooling2D(),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    first = model.evaluate(x, y, verbose=0)
    assert model.evaluate(x, y, verbose=0) == first
    model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert np.isfinite(model.evaluate(x, y, verbose=0))


@pytest.mark.parametrize("make", [m for _, m in GRAD], ids=[i for i, _ in GRAD])
def test_same_results_on_every_device(make: Callable[[], Any], device: str) -> None:
    x = np.random.default_rng(0).uniform(0, 255, size=(3, 9, 8, 2))

    def run(backend_name: str) -> tuple[np.ndarray, np.ndarray]:
        backend = get_backend(backend_name)
        layer = make()
        layer.backend = backend
        layer.ensure_built((None, *x.shape[1:]))
        y = layer.forward(backend.xp.asarray(x.astype(layer.dtype)), training=True)
        g = np.random.default_rng(2).normal(size=y.shape).astype(layer.dtype)
        dx = backend.to_numpy(layer.backward(backend.xp.asarray(g)))
        return backend.to_numpy(y), dx

    y0, dx0 = run("cpu")
    y1, dx1 = run(device)
    np.testing.assert_allclose(y1, y0, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(dx1, dx0, rtol=1e-10, atol=1e-12)


# Keras 3.15.1's constructor errors, recorded by building each layer there
KERAS_ERRORS = [
    (
        "RandomShear",
        "x_factor=-0.2",
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        "[0, 1.0]. Received: input_number=-0.2",
    ),
    (
        "RandomShear",
        "y_factor=(0.1, 0.2, 0.3)",
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        "[0, 1.0]. Received: y_factor=(0.1, 0.2, 0.3)",
    ),
    (
        "RandomPerspective",
        "scale=1.5",
        "The `scale` argument should be a number in the range [0,1]. Received: scale=1.5",
    ),
    (
        "RandomElasticTransform",
        "scale=2.0",
        "The `scale` argument should be a number (or a list of two numbers) in the range "
        "[0, 1]. Received: factor=2.0",
    ),
    (
        "RandomErasing",
        "factor=1.5",
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        "[0, 1]. Received: factor=1.5",
    ),
    (
        "RandomGaussianBlur",
        "kernel_size=4",
        "kernel_size must be an odd number. Received: kernel_size=4",
    ),
    (
        "RandomGaussianBlur",
        "sigma=2.0",
        "The `sigma` argument should be a number (or a list of two numbers) in the range "
        "[0, 1]. Received: factor=2.0",
    ),
    (
        "CutMix",
        "factor=2.0",
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        "[0, 1]. Received: factor=2.0",
    ),
    ("MixUp", "factor=0.5", None),
    (
        "MixUp",
        "factor='big'",
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        "[-1, 1]. Received: factor=big",
    ),
    (
        "RandomShear",
        "x_factor='big'",
        "The `factor` argument should be a number (or a list of two numbers) in the range "
        "[0, 1.0]. Received: x_factor=big",
    ),
    (
        "RandomGaussianBlur",
        "kernel_size='big'",
        "kernel_size must be an odd number. Received: kernel_size=big",
    ),
    (
        "RandomErasing",
        "scale='big'",
        "The `scale` argument should be a number (or a list of two numbers) in the range "
        "[0, 1]. Received: factor=big",
    ),
    ("RandomShear", "x_factor=(0.0, 1.0)", None),
]


@pytest.mark.parametrize(("name", "arg", "message"), KERAS_ERRORS)
def test_check_and_run_refuse_with_keras_message(name: str, arg: str, message: str | None) -> None:
    from helpers import lint

    code = f"import keras\nmodel = keras.Sequential([keras.layers.{name}({arg})])\n"
    found = [d.message for d in lint(code, select={"SEQ304"})]
    kwargs = eval(f"dict({arg})")  # noqa: S307 - the literal arguments above
    if message is None:
        assert found == []
        getattr(L, name)(**kwargs)
        return
    assert found == [f"`{name}`: {message}"]
    with pytest.raises(ValueError) as refused:
        getattr(L, name)(**kwargs)
    assert str(refused.value) == message
