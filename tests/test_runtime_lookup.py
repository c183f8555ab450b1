"""IntegerLookup and StringLookup in the runtime (``output_mode="int"``), against ids and
vocabularies recorded from keras 3.15.1 on the same inputs (outside the repository)."""

from __future__ import annotations

import numpy as np
import pytest

from seqlint.runtime import Input, Sequential, layers

VOCAB = [12, 36, 1138, 42]
IDS = np.array([[12, 1138, 42], [42, 1000, 36]])


@pytest.mark.parametrize(
    ("kwargs", "x", "keras_ids", "keras_vocab"),
    [
        ({}, IDS, [[1, 3, 4], [4, 0, 2]], [-1, *VOCAB]),
        ({"mask_token": 0}, [[12, 0, 42], [42, 1000, 36]], [[2, 0, 5], [5, 1, 3]], [0, -1, *VOCAB]),
        (
            {"num_oov_indices": 2},
            [[12, 7, 42], [42, 1000, 36]],
            [[2, 1, 5], [5, 0, 3]],
            [-1, -1, *VOCAB],
        ),
        ({"num_oov_indices": 0}, [[12, 1138, 42]], [[0, 2, 3]], VOCAB),
    ],
)
def test_integer_lookup_with_vocabulary_matches_keras(
    kwargs: dict[str, object], x: object, keras_ids: list[list[int]], keras_vocab: list[int]
) -> None:
    layer = layers.IntegerLookup(vocabulary=VOCAB, **kwargs)
    out = np.asarray(layer(np.asarray(x)))
    assert out.dtype == np.int64
    assert out.tolist() == keras_ids
    assert layer.get_vocabulary() == keras_vocab


def test_string_lookup_with_vocabulary_matches_keras() -> None:
    layer = layers.StringLookup(vocabulary=["a", "b", "c"])
    assert np.asarray(layer(np.array([["a", "c", "z"], ["b", "a", "q"]]))).tolist() == [
        [1, 3, 0],
        [2, 1, 0],
    ]
    masked = layers.StringLookup(vocabulary=["a", "b", "c"], mask_token="")
    assert np.asarray(masked(np.array([["a", "", "z"]]))).tolist() == [[2, 0, 1]]
    assert masked.get_vocabulary() == ["", "[UNK]", "a", "b", "c"]


def test_adapt_orders_by_count_then_term_as_keras() -> None:
    ints = layers.IntegerLookup()
    ints.adapt(np.array([[3, 3, 5], [5, 5, 9], [1, 3, 5]]))
    assert ints.get_vocabulary() == [-1, 5, 3, 9, 1]
    assert np.asarray(ints(np.array([[1, 3, 5, 9, 7]]))).tolist() == [[4, 2, 1, 3, 0]]

    strings = layers.StringLookup()
    strings.adapt(np.array([["x", "y", "y"], ["z", "z", "z"], ["x", "w", "w"]]))
    assert strings.get_vocabulary() == ["[UNK]", "z", "y", "x", "w"]
    assert np.asarray(strings(np.array([["z", "y", "x", "w", "q"]]))).tolist() == [[1, 2, 3, 4, 0]]


def test_adapt_drops_reserved_tokens_and_respects_max_tokens() -> None:
    layer = layers.IntegerLookup(max_tokens=3, mask_token=0)
    layer.adapt(np.array([0, 0, 0, 7, 7, 8, 9, 9, 9, -1, -1, -1, -1]))
    assert layer.get_vocabulary() == [0, -1, 9]  # as Keras: mask and OOV never counted
    capped = layers.StringLookup(max_tokens=3)
    capped.adapt(np.array([["x", "y", "y"], ["z", "z", "z"]]))
    assert capped.get_vocabulary() == ["[UNK]", "z", "y"]


def test_lookup_feeds_an_embedding_in_a_model() -> None:
    model = Sequential(
        [Input((3,), dtype="int64"), layers.IntegerLookup(vocabulary=VOCAB), layers.Embedding(5, 2)]
    )
    out = model.predict(IDS, verbose=0)
    table = np.asarray(model.layers[1].weights[0].value)
    np.testing.assert_array_equal(out, table[np.array([[1, 3, 4], [4, 0, 2]])])


@pytest.mark.parametrize(
    ("make", "error", "text"),
    [
        (
            lambda: layers.IntegerLookup(vocabulary=[1], output_mode="one_hot", invert=True),
            ValueError,
            "`output_mode` must be `'int'` when `invert` is true",
        ),
        (
            lambda: layers.IntegerLookup(vocabulary=[1], output_mode="one_hot", sparse=True),
            NotImplementedError,
            "sparse=True",
        ),
        (lambda: layers.IntegerLookup(vocabulary=[12, 12]), ValueError, "repeated term"),
        (
            lambda: layers.IntegerLookup(vocabulary=[0, 12], mask_token=0),
            ValueError,
            "reserved mask token",
        ),
        (
            lambda: layers.IntegerLookup(vocabulary=[1], num_oov_indices=-1),
            ValueError,
            "must >= 0. Received: num_oov_indices=-1",
        ),
        (lambda: layers.IntegerLookup(vocabulary=[3]).adapt([1]), ValueError, "Cannot adapt"),
        (
            lambda: layers.IntegerLookup(vocabulary=[3], num_oov_indices=0)(np.array([[5]])),
            ValueError,
            "found OOV values [5]",
        ),
        (lambda: layers.IntegerLookup()(np.array([[5]])), ValueError, "no vocabulary"),
    ],
)
def test_unsupported_or_invalid_settings_are_refused_by_name(
    make: object, error: type[Exception], text: str
) -> None:
    with pytest.raises(error, match=None) as info:
        make()  # type: ignore[operator]
    assert text in str(info.value)


def test_lookup_has_no_gradient() -> None:
    layer = layers.IntegerLookup(vocabulary=VOCAB)
    layer(IDS)
    assert layer.backward(np.ones(IDS.shape)) is None
