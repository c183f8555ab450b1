"""Colour and histogram augmentation layers (``seqlint/runtime/layers/augment_color.py``).

Random streams differ from Keras's, so the Keras comparisons pin the draw: degenerate ranges
``(a, a)``, a probability of 1, or a draw whose outcomes coincide (a hue shift of half a turn
either way). The expected images were computed with Keras 3.15.1 (TensorFlow CPU) on the
``(1, 3, 4, 3)`` image ``IMG`` below (and on ``IMG2``, two images, for the histogram layers),
flattened and rounded to 3 decimals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from helpers import lint

from seqlint.runtime import Input, Sequential
from seqlint.runtime import layers as L
from seqlint.runtime.backend import get_backend

IMG = ((np.arange(36) * 37) % 256).reshape(1, 3, 4, 3).astype("float32")
IMG01 = IMG / 255
IMG_CF = IMG.transpose(0, 3, 1, 2)
IMG2 = np.concatenate([IMG, 255 - IMG[:, ::-1] * 0.5]).astype("float32")
IMG2_01 = IMG2 / 255

# (case, layer, input, Keras's training-time output flattened)
# fmt: off
KERAS: list[tuple[str, Callable[[], Any], np.ndarray, list[float]]] = [
    (
        "grayscale-cf",
        lambda: L.RandomGrayscale(1.0, data_format="channels_first"),
        IMG_CF,
        [
            30.155, 141.144, 72.677, 107.147, 188.952, 73.151, 184.14, 39.154, 150.143, 81.676,
            116.146, 197.951, 30.155, 141.144, 72.677, 107.147, 188.952, 73.151, 184.14, 39.154,
            150.143, 81.676, 116.146, 197.951, 30.155, 141.144, 72.677, 107.147, 188.952, 73.151,
            184.14, 39.154, 150.143, 81.676, 116.146, 197.951
        ],
    ),
    (
        "invert-01",
        lambda: L.RandomInvert((1.0, 1.0), value_range=(0, 1)),
        IMG01,
        [
            1, 0.855, 0.71, 0.565, 0.42, 0.275, 0.129, 0.988, 0.843, 0.698, 0.553, 0.408, 0.263,
            0.118, 0.976, 0.831, 0.686, 0.541, 0.396, 0.251, 0.106, 0.965, 0.82, 0.674, 0.529,
            0.384, 0.239, 0.094, 0.953, 0.808, 0.663, 0.518, 0.373, 0.228, 0.082, 0.941
        ],
    ),
    (
        "solarize",
        lambda: L.Solarization(threshold_factor=(0, 0)),
        IMG,
        [
            255, 218, 181, 144, 107, 70, 33, 252, 215, 178, 141, 104, 67, 30, 249, 212, 175, 138,
            101, 64, 27, 246, 209, 172, 135, 98, 61, 24, 243, 206, 169, 132, 95, 58, 21, 240
        ],
    ),
    (
        "solarize-01",
        lambda: L.Solarization(threshold_factor=(0, 0), value_range=(0, 1)),
        IMG01,
        [
            1, 0.855, 0.71, 0.565, 0.42, 0.275, 0.129, 0.988, 0.843, 0.698, 0.553, 0.408, 0.263,
            0.118, 0.976, 0.831, 0.686, 0.541, 0.396, 0.251, 0.106, 0.965, 0.82, 0.674, 0.529,
            0.384, 0.239, 0.094, 0.953, 0.808, 0.663, 0.518, 0.373, 0.228, 0.082, 0.941
        ],
    ),
    (
        "posterize3",
        lambda: L.RandomPosterization((3, 3)),
        IMG,
        [
            0, 32, 64, 96, 128, 160, 192, 0, 32, 64, 96, 128, 160, 224, 0, 32, 64, 96, 128, 160,
            224, 0, 32, 64, 96, 128, 192, 224, 0, 32, 64, 96, 160, 192, 224, 0
        ],
    ),
    (
        "posterize1-01",
        lambda: L.RandomPosterization((1, 1), value_range=(0, 1)),
        IMG01,
        [
            0, 0, 0, 0, 0.502, 0.502, 0.502, 0, 0, 0, 0, 0.502, 0.502, 0.502, 0, 0, 0, 0, 0.502,
            0.502, 0.502, 0, 0, 0, 0, 0.502, 0.502, 0.502, 0, 0, 0, 0, 0.502, 0.502, 0.502, 0
        ],
    ),
    (
        "saturation0.25",
        lambda: L.RandomSaturation((0.25, 0.25)),
        IMG,
        [
            49.333, 61.667, 74, 160.333, 172.667, 185, 222, 149, 161.333, 126.333, 138.667, 151,
            212.667, 225, 152, 92.333, 104.667, 117, 203.333, 215.667, 228, 58.333, 70.667, 83,
            169.333, 181.667, 194, 231, 158, 170.333, 135.333, 147.667, 160, 221.667, 234, 161
        ],
    ),
    (
        "saturation0.8-01",
        lambda: L.RandomSaturation((0.8, 0.8), value_range=(0, 1)),
        IMG01,
        [
            0, 0.145, 0.29, 0, 0.363, 0.725, 0.871, 0, 0.147, 0, 0.296, 0.592, 0.733, 0.882, 0, 0,
            0.229, 0.459, 0, 0.447, 0.894, 0, 0.163, 0.326, 0, 0.38, 0.761, 0.906, 0, 0.153, 0,
            0.314, 0.627, 0.763, 0.918, 0
        ],
    ),
    (
        "saturation-cf",
        lambda: L.RandomSaturation((0.3, 0.3), data_format="channels_first"),
        IMG_CF,
        [
            42.286, 153.286, 222, 119.286, 209.143, 85.286, 196.286, 51.286, 162.286, 231, 128.286,
            218.143, 58.143, 169.143, 128.143, 135.143, 225, 101.143, 212.143, 67.143, 178.143,
            137.143, 144.143, 234, 74, 185, 144, 151, 131.143, 117, 228, 83, 194, 153, 160, 140.143
        ],
    ),
    (
        "hue1",
        lambda: L.RandomHue((1.0, 1.0)),
        IMG,
        [
            74, 37, 0, 185, 148, 111, 3, 222, 185, 151, 114, 77, 43, 6, 225, 117, 80, 43, 228, 191,
            154, 83, 46, 9, 194, 157, 120, 12, 231, 194, 160, 123, 86, 52, 15, 234
        ],
    ),
    (
        "hue-cf",
        lambda: L.RandomHue((1.0, 1.0), data_format="channels_first"),
        IMG_CF,
        [
            74, 185, 3, 151, 43, 117, 228, 83, 194, 12, 160, 52, 37, 148, 222, 114, 6, 80, 191, 46,
            157, 231, 123, 15, 0, 111, 185, 77, 225, 43, 154, 9, 120, 194, 86, 234
        ],
    ),
    (
        "degenerate-0.5",
        lambda: L.RandomColorDegeneration((-0.5, -0.5)),
        IMG,
        [
            0, 40.423, 95.923, 95.928, 151.428, 206.928, 255, 0, 23.662, 61.926, 117.426, 172.926,
            187.524, 243.024, 0, 27.925, 83.425, 138.925, 138.93, 194.43, 249.93, 0, 49.423,
            104.923, 104.928, 160.428, 215.928, 255, 0, 32.662, 70.927, 126.427, 181.927, 196.524,
            252.024, 0
        ],
    ),
    (
        "sharpness0.2",
        lambda: L.RandomSharpness((0.2, 0.2)),
        IMG,
        [
            15.785, 44.246, 60.892, 98.031, 118.092, 138.154, 158.215, 28.615, 60.492, 66.339,
            82.985, 111.446, 141.892, 161.954, 32.354, 78.446, 91.815, 117, 142.185, 155.554,
            180.738, 39.646, 59.708, 79.769, 97.015, 113.661, 130.308, 172.985, 43.385, 63.446,
            83.508, 103.569, 123.631, 135.754, 164.215, 31.2
        ],
    ),
    (
        "sharpness0.9-cf",
        lambda: L.RandomSharpness((0.9, 0.9), data_format="channels_first"),
        IMG_CF,
        [
            0, 128.292, 255, 91.215, 249.477, 0, 169.754, 0, 150.646, 255, 89.323, 255, 27.338,
            187.877, 0, 155.354, 255, 64.246, 238.262, 27.723, 214.785, 0, 148.908, 255, 91.477,
            247.462, 12.677, 203.738, 0, 117, 255, 87.308, 255, 29.739, 208.492, 0
        ],
    ),
    (
        "jitter",
        lambda: L.RandomColorJitter(
            brightness_factor=(0.1, 0.1),
            contrast_factor=(0.0, 0.0),
            saturation_factor=(0.3, 0.3),
            hue_factor=(1.0, 1.0),
        ),
        IMG,
        [
            99.5, 83.643, 67.786, 210.5, 194.643, 178.786, 153.643, 247.5, 231.643, 176.5, 160.643,
            144.786, 172.5, 156.643, 250.5, 142.5, 126.643, 110.786, 253.5, 237.643, 221.786, 108.5,
            92.643, 76.786, 219.5, 203.643, 187.786, 161.786, 255, 239.143, 185.5, 169.643, 153.786,
            177, 163.071, 255
        ],
    ),
    (
        "autocontrast-01",
        lambda: L.AutoContrast(value_range=(0, 1)),
        IMG2_01,
        [
            0, 0.147, 0.306, 0.481, 0.628, 0.806, 0.961, 0, 0.153, 0.333, 0.481, 0.653, 0.814,
            0.961, 0, 0.186, 0.333, 0.5, 0.667, 0.814, 1, 0.039, 0.186, 0.347, 0.52, 0.667, 0.847,
            1, 0.039, 0.194, 0.372, 0.52, 0.694, 0.853, 1, 0.041, 0.481, 0.333, 0.153, 0, 0.961,
            0.806, 0.628, 0.481, 0.306, 0.147, 0, 0.96, 0.186, 0.039, 1, 0.814, 0.667, 0.5, 0.333,
            0.186, 0, 0.961, 0.814, 0.653, 1, 0.853, 0.694, 0.52, 0.372, 0.194, 0.039, 1, 0.847,
            0.667, 0.52, 0.347
        ],
    ),
    (
        "equalize",
        lambda: L.Equalization(),
        IMG2,
        [
            0, 22, 44, 55, 100, 155, 211, 0, 22, 33, 55, 89, 144, 200, 0, 22, 44, 67, 100, 155, 211,
            11, 33, 55, 67, 111, 166, 222, 11, 33, 44, 67, 111, 166, 222, 11, 155, 133, 100, 78,
            244, 222, 188, 166, 133, 111, 78, 244, 122, 89, 255, 233, 188, 177, 133, 122, 78, 244,
            211, 188, 255, 233, 200, 177, 144, 122, 89, 255, 233, 200, 177, 144
        ],
    ),
    (
        "equalize-bins8",
        lambda: L.Equalization(bins=8),
        IMG2,
        [
            0, 23, 46, 81, 139, 197, 243, 0, 23, 35, 81, 139, 197, 255, 0, 12, 35, 70, 128, 185,
            255, 0, 23, 46, 81, 139, 197, 243, 0, 23, 35, 81, 139, 197, 255, 0, 197, 139, 139, 81,
            255, 255, 197, 185, 139, 128, 81, 255, 128, 81, 255, 243, 185, 197, 128, 139, 70, 243,
            255, 197, 255, 255, 197, 197, 139, 139, 81, 255, 255, 197, 185, 139
        ],
    ),
]
# fmt: on


@pytest.mark.parametrize(
    ("make", "image", "expected"), [c[1:] for c in KERAS], ids=[c[0] for c in KERAS]
)
def test_pinned_transforms_match_keras(
    make: Callable[[], Any], image: np.ndarray, expected: list[float]
) -> None:
    layer = make()
    y = layer(image, training=True)
    assert y.shape == image.shape and y.dtype == np.float32
    np.testing.assert_allclose(y.ravel(), expected, atol=2e-3, rtol=1e-5)
    assert not np.allclose(y, image, atol=1e-2)  # the case transforms the image
    if layer.class_name == "AutoContrast":  # Keras applies it at inference too
        np.testing.assert_array_equal(layer(image, training=False), y)
    else:
        np.testing.assert_array_equal(layer(image, training=False), image)


CLAHE = L.ContrastLimitedAdaptiveHistogramEqualization
# a (1, 5, 7, 2) image: the tiles need padding on both axes
CLAHE_IMG = (
    ((np.arange(70) * 53) % 256 * ((np.arange(70) % 3) / 2 + 0.2))
    .reshape(1, 5, 7, 2)
    .clip(0, 255)
    .astype("float32")
)

# (case, layer, input, Keras's output flattened: the same in training and at inference)
# fmt: off
KERAS_CLAHE: list[tuple[str, Callable[[], Any], np.ndarray, list[float]]] = [
    (
        "clahe-grid2x3",
        lambda: CLAHE(tile_grid_size=(2, 3)),
        CLAHE_IMG,
        [
            0, 51.768, 127.064, 42.617, 153.497, 19.25, 16.512, 94.698, 203.782, 55.115, 17.887,
            99.659, 31.361, 134.524, 255, 12.29, 61.049, 168.548, 41.066, 178.75, 49.621, 24.596,
            108.571, 236.963, 61.768, 38.863, 126.149, 34.469, 144.95, 4.198, 12.832, 89.458,
            195.618, 56.17, 8.152, 86.994, 29.344, 130.482, 255, 6.509, 61.766, 158.663, 41.152,
            168.055, 37.374, 22.115, 98.788, 226.979, 55.734, 30.056, 115.469, 34.37, 144.004, 255,
            10.153, 74.233, 187.92, 46.817, 4.232, 73.267, 25.248, 118.022, 255, 3.795, 49.85,
            144.279, 37.132, 161.642, 26.991, 16.81
        ],
    ),
    (
        "clahe-clip1-01",
        lambda: CLAHE(value_range=(0, 1), clip_limit=1.0, tile_grid_size=(2, 2)),
        CLAHE_IMG / 255,
        [
            0, 0.162, 0.504, 0.135, 0.591, 0.049, 0.055, 0.333, 0.793, 0.187, 0.051, 0.345, 0.103,
            0.493, 1, 0.027, 0.234, 0.637, 0.155, 0.671, 0.179, 0.076, 0.397, 0.921, 0.202, 0.131,
            0.47, 0.121, 0.564, 0.007, 0.045, 0.307, 0.759, 0.183, 0.029, 0.31, 0.096, 0.474, 1,
            0.015, 0.208, 0.597, 0.146, 0.642, 0.136, 0.07, 0.375, 0.883, 0.2, 0.106, 0.432, 0.116,
            0.546, 1, 0.036, 0.276, 0.719, 0.172, 0.007, 0.271, 0.088, 0.45, 1, 0.011, 0.183, 0.555,
            0.141, 0.618, 0.1, 0.057
        ],
    ),
    (
        "clahe-noclip-cf",
        lambda: CLAHE(clip_limit=0, tile_grid_size=(3, 2), data_format="channels_first"),
        CLAHE_IMG.transpose(0, 3, 1, 2),
        [
            0, 182.143, 218.571, 35.29, 236.786, 33.013, 95.625, 255, 145.714, 72.857, 105.871,
            152.545, 122.946, 223.125, 202.634, 31.875, 236.786, 11.953, 56.92, 255, 143.438, 127.5,
            95.625, 191.25, 143.438, 191.25, 215.156, 63.75, 207.188, 31.875, 95.625, 255, 151.406,
            135.469, 111.562, 159.375, 127.5, 63.75, 175.312, 143.438, 167.344, 223.125, 31.875,
            223.125, 255, 71.719, 255, 103.594, 63.75, 15.938, 159.375, 143.438, 163.359, 175.312,
            15.938, 223.125, 223.125, 63.75, 255, 79.688, 79.688, 255, 127.5, 111.562, 159.375,
            223.125, 35.859, 199.219, 235.078, 79.688
        ],
    ),
]
# fmt: on


@pytest.mark.parametrize(
    ("make", "image", "expected"), [c[1:] for c in KERAS_CLAHE], ids=[c[0] for c in KERAS_CLAHE]
)
def test_clahe_matches_keras_in_training_and_at_inference(
    make: Callable[[], Any], image: np.ndarray, expected: list[float]
) -> None:
    layer = make()
    for training in (True, False):
        y = layer(image.astype("float32"), training=training)
        assert y.shape == image.shape
        np.testing.assert_allclose(y.ravel(), expected, atol=2e-3, rtol=1e-5)


# Keras's two outcomes of RandomHue((0.4, 0.4)) on IMG: a shift of +0.2 or -0.2 turns
# fmt: off
HUE_CANDIDATES = [
    [
        51.8, 0, 74, 162.8, 111, 185, 215.2, 222, 3, 128.8, 77, 151, 6, 225, 86.8, 94.8, 43, 117,
        205.8, 154, 228, 60.8, 9, 83, 171.8, 120, 194, 224.2, 231, 12, 137.8, 86, 160, 15, 234,
        95.8
    ],
    [
        0, 74, 22.2, 111, 185, 133.2, 141.2, 3, 222, 77, 151, 99.2, 225, 6, 12.8, 43, 117, 65.2,
        154, 228, 176.2, 9, 83, 31.2, 120, 194, 142.2, 150.2, 12, 231, 86, 160, 108.2, 234, 15,
        21.8
    ],
]
# fmt: on


def test_hue_shift_sign_is_a_coin_toss_as_in_keras() -> None:
    layer = L.RandomHue((0.4, 0.4), seed=3)
    outcomes = set()
    for _ in range(12):
        y = layer(IMG, training=True).ravel()
        distance = np.abs(np.asarray(HUE_CANDIDATES) - y).max(axis=1)
        assert distance.min() < 2e-3
        outcomes.add(int(distance.argmin()))
    assert outcomes == {0, 1}


needs_shear = pytest.mark.skipif(
    L.get("RandomShear") is None,
    reason="RandAugment and AugMix shear: RandomShear's kernel comes with the geometric "
    "augmentation work (augment_geometric.py), not merged here yet",
)

# Keras's six outcomes of RandAugment(num_ops=1, factor=0.0) on IMG (150 calls): the identity
# (shear, translation, rotation, brightness, colour degeneration and contrast at factor 0), the
# 3x3 smoothing (sharpness 0), 1-bit posterization, solarization (an inversion at threshold 0),
# AutoContrast and Equalization
# fmt: off
RANDAUGMENT_OUTCOMES = [
    [
        255, 218, 181, 144, 107, 70, 33, 252, 215, 178, 141, 104, 67, 30, 249, 212, 175, 138, 101,
        64, 27, 246, 209, 172, 135, 98, 61, 24, 243, 206, 169, 132, 95, 58, 21, 240
    ],
    [
        0, 37, 74, 111, 148, 185, 222, 3, 40, 77, 114, 151, 188, 225, 6, 43, 80, 117, 154, 191,
        228, 9, 46, 83, 120, 157, 194, 231, 12, 49, 86, 123, 160, 197, 234, 15
    ],
    [
        0, 0, 0, 0, 128, 128, 128, 0, 0, 0, 0, 128, 128, 128, 0, 0, 0, 0, 128, 128, 128, 0, 0, 0,
        0, 128, 128, 128, 0, 0, 0, 0, 128, 128, 128, 0
    ],
    [
        26.308, 49.077, 52.154, 89.385, 98.154, 106.923, 115.692, 45.692, 74.154, 59.231, 62.308,
        85.077, 111.154, 119.923, 49.923, 102.077, 99.692, 117, 134.308, 131.923, 149.231, 60.077,
        68.846, 77.615, 81.692, 84.769, 87.846, 134.308, 64.308, 73.077, 81.846, 90.615, 99.385,
        94.923, 117.692, 42
    ],
    [
        0, 46, 93, 116, 162, 209, 232, 0, 46, 70, 116, 162, 185, 232, 0, 46, 93, 139, 162, 209,
        255, 23, 70, 116, 139, 185, 232, 255, 23, 70, 93, 139, 185, 209, 255, 23
    ],
    [
        0, 37.532, 78.108, 122.532, 160.065, 205.608, 245.065, 0, 39.054, 85, 122.532, 166.554,
        207.532, 245.065, 0, 47.468, 85, 127.5, 170, 207.532, 255, 9.935, 47.468, 88.446, 132.468,
        170, 215.946, 255, 9.935, 49.392, 94.935, 132.468, 176.892, 217.468, 255, 10.338
    ],
]
# fmt: on


def _closest(y: np.ndarray, outcomes: list[list[float]]) -> tuple[int, float]:
    distance = np.abs(np.asarray(outcomes) - y.ravel()).max(axis=1)
    return int(distance.argmin()), float(distance.min())


@needs_shear
def test_randaugment_picks_one_keras_operation_per_batch() -> None:
    layer = L.RandAugment(num_ops=1, factor=0.0, seed=1)
    seen = []
    for _ in range(60):
        index, distance = _closest(layer(IMG, training=True), RANDAUGMENT_OUTCOMES)
        assert distance < 2e-3
        seen.append(index)
    assert len(set(seen)) == 6  # every operation kind appears
    np.testing.assert_array_equal(layer(IMG, training=False), IMG)


@needs_shear
def test_randaugment_same_op_for_the_whole_batch_and_seeded() -> None:
    batch = np.concatenate([IMG, IMG])
    layer = L.RandAugment(num_ops=1, factor=0.0, seed=2)
    for _ in range(10):
        y = layer(batch, training=True)
        np.testing.assert_array_equal(y[0], y[1])
    x = np.random.default_rng(0).uniform(0, 255, size=(4, 6, 6, 3)).astype("float32")
    a = L.RandAugment(num_ops=3, factor=0.6, seed=5)(x, training=True)
    np.testing.assert_array_equal(L.RandAugment(num_ops=3, factor=0.6, seed=5)(x, training=True), a)
    assert a.shape == x.shape and np.isfinite(a).all()


@needs_shear
def test_augmix_blends_the_input_with_its_chains() -> None:
    """One chain of one operation: the output is ``m x + (1 - m) op(x)`` for one of Keras's
    operation outcomes and a blend ``m`` in [0, 1] (or ``x`` itself when the link is skipped)."""
    layer = L.AugMix(num_chains=1, chain_depth=1, factor=0.0, all_ops=False, seed=3)
    x = IMG.ravel().astype("float64")
    for _ in range(20):
        y = layer(IMG, training=True).ravel().astype("float64")
        fits = []
        for outcome in np.asarray(RANDAUGMENT_OUTCOMES):
            d = outcome - x
            m = 1.0 if not d.any() else 1 - float(d @ (y - x) / (d @ d))
            fits.append((np.abs(x + (1 - m) * d - y).max(), m))
        residual, m = min(fits)
        assert residual < 2e-2 and -1e-6 <= m <= 1 + 1e-6
    np.testing.assert_array_equal(layer(IMG, training=False), IMG)
    many = L.AugMix(value_range=(0, 255), seed=4)(
        np.random.default_rng(1).uniform(0, 255, size=(4, 6, 6, 3)), training=True
    )
    assert many.min() >= 0 and many.max() <= 255


RANDOM: list[tuple[str, Callable[[int], Any]]] = [
    ("RandomGrayscale", lambda s: L.RandomGrayscale(0.5, seed=s)),
    ("RandomInvert", lambda s: L.RandomInvert(0.8, seed=s)),
    ("Solarization", lambda s: L.Solarization(0.3, 0.8, seed=s)),
    ("RandomPosterization", lambda s: L.RandomPosterization((2, 6), seed=s)),
    ("RandomSaturation", lambda s: L.RandomSaturation((0.1, 0.9), seed=s)),
    ("RandomHue", lambda s: L.RandomHue(0.5, seed=s)),
    ("RandomColorDegeneration", lambda s: L.RandomColorDegeneration(0.8, seed=s)),
    ("RandomSharpness", lambda s: L.RandomSharpness(0.9, seed=s)),
    (
        "RandomColorJitter",
        lambda s: L.RandomColorJitter(brightness_factor=0.2, hue_factor=0.3, seed=s),
    ),
    ("Equalization", lambda s: L.Equalization(bins=16)),
]


@pytest.mark.parametrize("make", [m for _, m in RANDOM], ids=[i for i, _ in RANDOM])
def test_identity_at_inference_random_in_training_seeded(make: Callable[[int], Any]) -> None:
    x = np.random.default_rng(0).uniform(0, 255, size=(16, 5, 6, 3)).astype("float32")
    layer = make(1)
    np.testing.assert_array_equal(layer(x, training=False), x)
    a = layer(x, training=True)
    assert a.shape == x.shape and np.isfinite(a).all()
    assert not np.allclose(a, x)
    if layer.class_name != "Equalization":  # no randomness there
        assert not np.allclose(a, layer(x, training=True))  # a new draw per call
        per_image = [np.allclose(a[i], x[i]) for i in range(len(x))]
        assert not all(per_image)
    np.testing.assert_array_equal(make(1)(x, training=True), a)  # the seed fixes the draws
    unbatched = layer(x[0], training=True)
    assert unbatched.shape == x[0].shape


def test_probabilities_and_ranges_follow_keras() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 255, size=(400, 2, 2, 3)).astype("float32")
    grey = L.RandomGrayscale(0.3, seed=2)(x, training=True)
    made_grey = np.ptp(grey, axis=-1).max(axis=(1, 2)) < 1e-3
    assert 0.22 < made_grey.mean() < 0.38  # probability factor
    inverted = L.RandomInvert((0.5, 0.5), value_range=(0, 255), seed=2)(x, training=True)
    flipped = np.isclose(inverted, 255 - x).all(axis=(1, 2, 3))
    assert 0.42 < flipped.mean() < 0.58
    kept = L.RandomPosterization((2, 4), seed=2)(x, training=True)
    step = np.array([2.0 ** (8 - b) for b in (2, 3, 4)])
    per_image = [
        next(s for s in step if (kept[i] % s == 0).all()) for i in range(len(kept))
    ]  # the coarsest step each image is quantised to: 2 or 3 bits kept, never 4 (exclusive)
    assert set(per_image) == {64.0, 32.0}


def test_saturation_and_degeneration_keep_grey_images_grey() -> None:
    rng = np.random.default_rng(2)
    grey = np.repeat(rng.uniform(0, 255, size=(4, 5, 5, 1)), 3, axis=-1).astype("float32")
    for layer in (L.RandomSaturation((0.1, 0.9), seed=1), L.RandomColorDegeneration(1.0, seed=1)):
        # Keras's luma weights sum to 0.9999
        np.testing.assert_allclose(layer(grey, training=True), grey, rtol=2e-4)
    # factor 0: no saturation, every pixel its brightest channel (V of HSV)
    flat = L.RandomSaturation((0.0, 0.0))(IMG, training=True)
    np.testing.assert_allclose(flat, np.repeat(IMG.max(axis=-1, keepdims=True), 3, -1))


def test_channels_and_formats_are_checked() -> None:
    one = np.ones((2, 4, 4, 1), "float32")
    np.testing.assert_array_equal(L.RandomGrayscale(1.0)(one, training=True), one)
    with pytest.raises(ValueError, match="3 channels"):
        L.RandomHue(0.5)(one, training=True)
    with pytest.raises(ValueError, match="expected 3 .RGB. or 1"):
        L.RandomGrayscale(1.0)(np.ones((2, 4, 4, 2)), training=True)
    with pytest.raises(ValueError, match="rank 3 or 4"):
        L.RandomInvert(1.0)(np.ones((2, 4)), training=True)
    with pytest.raises(NotImplementedError, match="channels_first"):
        L.RandomColorJitter(hue_factor=0.2, data_format="channels_first")


@pytest.mark.parametrize("make", [m for _, m in RANDOM], ids=[i for i, _ in RANDOM])
def test_backward_refuses_by_name(make: Callable[[int], Any]) -> None:
    """No input gradient (the gradcheck meta-test exempts these layers for that reason)."""
    layer = make(1)
    assert not layer.input_gradient
    layer(IMG, training=True)
    with pytest.raises(NotImplementedError, match=f"{layer.class_name}: its input gradient"):
        layer.backward(np.ones_like(IMG))


# (layer, arguments, Keras 3.15.1's constructor message)
INVALID = [
    (
        "RandomGrayscale",
        {"factor": 1.5},
        "`factor` should be between 0 and 1. Received: factor=1.5",
    ),
    ("RandomInvert", {"factor": -0.5}, "in the range [0, 1]. Received: factor=-0.5"),
    (
        "Solarization",
        {"addition_factor": 1.5},
        "The `addition_factor` and `threshold_factor` arguments should be a number (or a list "
        "of two numbers) in the range [0, 1]. Received: input_number=1.5",
    ),
    ("Solarization", {"value_range": 5}, "Received: value_range=5"),
    ("RandomPosterization", {"factor": 9}, "in the range [1, 8]. Received: factor=9"),
    ("RandomSaturation", {"factor": 1.5}, "in the range [-1, 1]. Received: factor=1.5"),
    ("RandomHue", {"factor": -0.5}, "in the range [0, 1]. Received: factor=-0.5"),
    (
        "RandomColorDegeneration",
        {"factor": 0.5, "value_range": 2},
        "The `value_range` argument should be a list of two numbers. Received: value_range=2",
    ),
    ("RandomSharpness", {"factor": 1.5}, "in the range [0, 1]. Received: factor=1.5"),
    ("RandomColorJitter", {"hue_factor": -2}, "in the range [0, 1]. Received: factor=-2"),
    ("AutoContrast", {"value_range": (1, 2, 3)}, "Received: value_range=(1, 2, 3)"),
    ("RandAugment", {"factor": 1.5}, "in the range [0, 1]. Received: factor=1.5"),
    ("AugMix", {"value_range": 5}, "Received: value_range=5"),
]


@pytest.mark.parametrize(("name", "kwargs", "message"), INVALID)
def test_check_reports_what_run_refuses_with_keras_message(
    name: str, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as refused:
        getattr(L, name)(**kwargs)
    assert str(refused.value).endswith(message)
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    source = f"import keras\nmodel = keras.Sequential([keras.layers.{name}({args})])\n"
    found = lint(source, select={"SEQ304"})
    assert [d.message for d in found] == [f"`{name}`: {refused.value}"]


def test_valid_arguments_are_accepted_by_both() -> None:
    for make in (
        lambda: L.RandomPosterization((2, 9)),  # Keras only checks factor[0] <= 8 <= ...
        lambda: L.RandomSaturation(-0.5),
        lambda: L.Solarization((0.1, 0.2), 1.0, value_range=[0, 1]),
    ):
        make()
    source = "import keras\nmodel = keras.Sequential([keras.layers.RandomSaturation(-0.5)])\n"
    assert lint(source, select={"SEQ304"}) == []


DEVICE: list[Any] = [pytest.param(lambda make=make: make(5), id=name) for name, make in RANDOM] + [
    pytest.param(lambda: L.AutoContrast(value_range=(0, 1)), id="AutoContrast"),
    pytest.param(
        lambda: CLAHE(value_range=(0, 1), clip_limit=2.0, tile_grid_size=(2, 3)), id="CLAHE"
    ),
    pytest.param(
        lambda: L.Solarization(0.2, (0.3, 0.6), value_range=(0, 1), seed=5), id="Solarization-01"
    ),
    pytest.param(
        lambda: L.RandAugment(value_range=(0, 1), num_ops=4, factor=0.7, seed=5),
        id="RandAugment",
        marks=needs_shear,
    ),
    pytest.param(lambda: L.AugMix(value_range=(0, 1), seed=5), id="AugMix", marks=needs_shear),
]


@pytest.mark.parametrize("make", DEVICE)
def test_same_results_on_every_device(make: Callable[[], Any], device: str) -> None:
    x = np.random.default_rng(0).uniform(0, 1, size=(3, 5, 4, 3))

    def run(name: str) -> np.ndarray:
        backend = get_backend(name)
        layer = make()
        layer.backend, layer.dtype = backend, np.float64
        return backend.to_numpy(layer.forward(backend.xp.asarray(x), training=True))

    np.testing.assert_allclose(run(device), run("cpu"), rtol=1e-10, atol=1e-12)


def test_colour_augmented_cnn_trains() -> None:
    """Colour augmentation in front of a small CNN: training runs the transforms, evaluation
    does not (the same model evaluated twice gives the same loss)."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, size=(64, 8, 8, 3)).astype("float32")
    y = (x[..., 0].mean(axis=(1, 2)) > x[..., 2].mean(axis=(1, 2))).astype("float32")
    model = Sequential(
        [
            Input((8, 8, 3)),
            L.RandomColorJitter(brightness_factor=0.1, saturation_factor=(0.4, 0.6), seed=1),
            L.RandomSharpness(0.3, seed=1),
            L.AutoContrast(),
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
