"""Hashing, TextVectorization and every mode of StringLookup/IntegerLookup in the runtime,
replayed against what Keras 3.15.1 computed on the same inputs.

The vectors are in ``tests/text_layers/keras_vectors.json``, written by
``tests/text_layers/record_keras.py`` under real Keras (outside the repository).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from seqlint.runtime import layers
from seqlint.runtime.layers._hashes import fingerprint64, siphash24

DATA = json.loads(
    (Path(__file__).parent / "text_layers" / "keras_vectors.json").read_text(encoding="utf-8")
)
CASES = DATA["cases"]


def _adapt_data(values: Any) -> np.ndarray:
    array = np.array(values, dtype=object)
    return array if any(isinstance(v, str) for v in array.ravel()) else array.astype(float)


def _array(values: Any, dtype: str) -> np.ndarray:
    if dtype == "str":
        return np.array(values, dtype=object)
    return np.array(values, dtype=dtype)


def _kwargs(case: dict[str, Any]) -> dict[str, Any]:
    kwargs = dict(case["kwargs"])
    if isinstance(kwargs.get("ngrams"), list):  # JSON has no tuples
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    return kwargs


def _id(case: dict[str, Any]) -> str:
    args = ",".join(f"{k}={v}" for k, v in case["kwargs"].items() if k != "vocabulary")
    return f"{case['layer']}({args[:60]})"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_layer_output_matches_keras(case: dict[str, Any]) -> None:
    layer = getattr(layers, case["layer"])(**_kwargs(case))
    if "adapt" in case:
        layer.adapt(_adapt_data(case["adapt"]))
    out = layer(_array(case["input"], case["input_dtype"]))
    out = np.asarray(out)
    if case["output_dtype"] == "str":
        assert [[str(v) for v in row] for row in out.tolist()] == case["output"]
    elif case["output_dtype"].startswith("float"):
        assert out.dtype == np.dtype(case["output_dtype"])
        np.testing.assert_allclose(out, np.array(case["output"]), rtol=1e-6, atol=1e-6)
    else:
        assert out.dtype == np.dtype(case["output_dtype"])
        assert out.tolist() == case["output"]
    if "vocabulary" in case:
        assert layer.get_vocabulary() == case["vocabulary"]
    if "bin_boundaries" in case:
        np.testing.assert_allclose(layer.bin_boundaries, case["bin_boundaries"], rtol=1e-6)


def test_the_recorded_cases_cover_every_mode() -> None:
    seen = {(c["layer"], c["kwargs"].get("output_mode", "int")) for c in CASES}
    for layer in ("StringLookup", "IntegerLookup", "TextVectorization", "Hashing"):
        assert {(layer, "int"), (layer, "count")} <= seen
    assert ("TextVectorization", "tf_idf") in seen and ("StringLookup", "tf_idf") in seen
    assert any(c["kwargs"].get("invert") for c in CASES)
    assert any(c["kwargs"].get("salt") is not None for c in CASES)


def test_hashes_match_published_reference_values() -> None:
    # SipHash-2-4 paper, appendix A: key 00..0f, message 00..0e
    key = (int.from_bytes(bytes(range(8)), "little"), int.from_bytes(bytes(range(8, 16)), "little"))
    assert siphash24(*key, bytes(range(15))) == 0xA129CA6149BE45E5
    # every length branch of FarmHash gives a distinct 64-bit value
    values = {fingerprint64(b"x" * n) for n in (0, 1, 4, 8, 17, 33, 65, 200)}
    assert len(values) == 8 and all(0 <= v < 2**64 for v in values)


def test_text_vectorization_feeds_an_embedding_in_a_model() -> None:
    from seqlint.runtime import Input, Sequential

    vectorize = layers.TextVectorization(max_tokens=20, output_sequence_length=5)
    vectorize.adapt(np.array(["the cat sat", "the dog ran", "a cat ran"], dtype=object))
    model = Sequential(
        [Input((1,), dtype="string"), vectorize, layers.Embedding(20, 3), layers.Flatten()]
    )
    out = model.predict(np.array([["the cat"], ["a dog ran far"]], dtype=object), verbose=0)
    assert out.shape == (2, 15)
    table = np.asarray(model.layers[1].weights[0].value)
    ids = vectorize(np.array([["the cat"], ["a dog ran far"]], dtype=object))
    np.testing.assert_allclose(out, table[np.asarray(ids)].reshape(2, 15))


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (lambda: layers.TextVectorization(standardize=str.lower), "callable standardize"),
        (lambda: layers.TextVectorization(split=None, ngrams=2), "ngrams with split=None"),
        (lambda: layers.Hashing(4, output_mode="count", sparse=True), "sparse=True"),
        (
            lambda: layers.TextVectorization(vocabulary=["a"])(np.array([["a b", "c"]])),
            "the last shape dimension must be 1",
        ),
        (
            lambda: layers.StringLookup(vocabulary=["a"], output_mode="tf_idf"),
            "`idf_weights` argument must also be provided",
        ),
        (
            lambda: layers.StringLookup(vocabulary=["a", "b", "c"], max_tokens=3),
            "larger than the maximum vocab size",
        ),
        (
            lambda: layers.StringLookup(vocabulary=["a", "[UNK]"], invert=True),
            "reserved OOV token",
        ),
    ],
)
def test_unsupported_or_invalid_settings_are_refused_by_name(make: Any, text: str) -> None:
    with pytest.raises((ValueError, NotImplementedError)) as info:
        make()
    assert text in str(info.value)


def test_preprocessing_layers_have_no_gradient() -> None:
    layer = layers.Hashing(5)
    layer(np.array([[1, 2]]))
    assert layer.backward(np.ones((1, 2))) is None


# (layer, keyword arguments, Keras 3.15.1's constructor message)
KERAS_REFUSALS = [
    (
        "Hashing",
        {"num_bins": 0},
        "The `num_bins` for `Hashing` cannot be `None` or non-positive values. Received: "
        "num_bins=0.",
    ),
    (
        "Hashing",
        {"num_bins": 4, "output_mode": "dense"},
        "Invalid value for argument `output_mode`. Expected one of ('int', 'one_hot', "
        "'multi_hot', 'count'). Received: output_mode=dense",
    ),
    (
        "Hashing",
        {"num_bins": 4, "salt": "x"},
        "The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a single "
        "integer. Received: salt=x.",
    ),
    (
        "Hashing",
        {"num_bins": 3, "sparse": True},
        '`sparse` may only be true if `output_mode` is `"one_hot"`, `"multi_hot"`, or `"count"`. '
        "Received: sparse=True and output_mode=int",
    ),
    (
        "TextVectorization",
        {"output_mode": "multi_hot", "output_sequence_length": 4},
        "`output_sequence_length` must not be set if `output_mode` is not 'int'. Received "
        "output_sequence_length=4.",
    ),
    (
        "TextVectorization",
        {"split": "comma"},
        "Unknown value for `split` argument of TextVectorization. Allowed values are: "
        "('whitespace', 'character'). Received: split=comma",
    ),
    (
        "TextVectorization",
        {"max_tokens": 1},
        "If set, `max_tokens` must be greater than 1. Received: max_tokens=1",
    ),
    (
        "TextVectorization",
        {"pad_to_max_tokens": True},
        "If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens=None",
    ),
    (
        "TextVectorization",
        {"output_sequence_length": 2.5},
        "`output_sequence_length` must be either None or an integer when `output_mode` is "
        "'int'. Received: output_sequence_length=2.5",
    ),
    (
        "StringLookup",
        {"invert": True, "output_mode": "count"},
        "`output_mode` must be `'int'` when `invert` is true. Received: output_mode=count",
    ),
    (
        "StringLookup",
        {"num_oov_indices": -1},
        "`num_oov_indices` must be greater than or equal to 0. Received: num_oov_indices=-1",
    ),
    (
        "StringLookup",
        {"output_mode": "dense"},
        "Unknown value for `output_mode` argument of StringLookup. Allowed values are: ('int', "
        "'one_hot', 'multi_hot', 'count', 'tf_idf'). Received: output_mode=dense",
    ),
    (
        "StringLookup",
        {"idf_weights": [1.0]},
        "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. Received: "
        "idf_weights=[1.0] and output_mode=int",
    ),
    (
        "StringLookup",
        {"sparse": True},
        "`sparse` may only be true if `output_mode` is `'one_hot'`, `'multi_hot'`, `'count'` "
        "or `'tf_idf'`. Received: sparse=True and output_mode=int",
    ),
    (
        "IntegerLookup",
        {"max_tokens": 1},
        "If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. Received: "
        "max_tokens=1",
    ),
    (
        "IntegerLookup",
        {"num_oov_indices": -1},
        "The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. Received: "
        "num_oov_indices=-1",
    ),
    (
        "IntegerLookup",
        {"salt": 3},
        "`salt` can only be used when `oov_method='farmhash'`. Received: oov_method=floormod",
    ),
    (
        "IntegerLookup",
        {"oov_method": "x"},
        "Unknown value for `oov_method` argument of IntegerLookup. Allowed values are: "
        "('floormod', 'farmhash'). Received: oov_method=x",
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "message"), KERAS_REFUSALS)
def test_check_and_run_refuse_as_keras(name: str, kwargs: dict[str, Any], message: str) -> None:
    from helpers import lint

    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    source = (
        "import keras\nfrom keras import layers\n\n"
        f"model = keras.Sequential([layers.{name}({args})])\n"
    )
    found = lint(source, select={"SEQ304"})
    assert [d.message.endswith(message) for d in found] == [True]
    with pytest.raises(ValueError) as info:
        getattr(layers, name)(**kwargs)
    assert str(info.value) == message


def test_run_trains_a_text_model_on_synthetic_strings_deterministically() -> None:
    from click.testing import CliRunner

    from seqlint.cli import cli

    path = Path(__file__).parent / "run_cases" / "good_text_vectorization_sentiment.py"
    args = ["run", str(path), "--train", "--verbose", "0", "--output-format", "json"]
    first = CliRunner().invoke(cli, args)
    second = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data["verdict"] == "learns"
    assert "text of 200 synthetic words" in data["data"]
    assert any("adapted on the run's training inputs" in n for n in data["notes"])
    assert first.stdout == second.stdout


def test_synthetic_text_uses_the_vocabulary_the_file_gives() -> None:
    from seqlint.check import analyse
    from seqlint.runcheck.task import string_inputs, text_input
    from seqlint.sources import SourceFile

    code = (
        "import keras\nfrom keras import layers\n"
        "model = keras.Sequential([keras.Input((1,), dtype='string'),\n"
        "    layers.StringLookup(vocabulary=['red', 'green', 'blue', 'cyan']),\n"
        "    layers.Embedding(6, 2)])\n"
    )
    (model,) = analyse(SourceFile("model.py", code)).file.models
    text = text_input(model)
    assert text is not None and text.words == ["red", "green", "blue", "cyan"]
    rng = np.random.default_rng(0)
    strings, ids = string_inputs(text, (1,), np.eye(2)[[0, 1, 0, 1]], rng)
    assert strings.shape == (4, 1) and set(strings.ravel()) <= set(text.words)


def test_run_uses_the_words_the_file_adapts_on_and_handles_a_per_token_head(
    tmp_path: Path,
) -> None:
    """Keras's own export test: TextVectorization adapted on six words, then Embedding(10):
    a synthetic language of 200 words would overflow the Embedding; the file's words do not.
    Without output_sequence_length the output is as long as the strings (one per token)."""
    from click.testing import CliRunner

    from seqlint.cli import cli

    source = tmp_path / "export.py"
    source.write_text(
        "import keras\nfrom keras import layers\n\n"
        "tv = layers.TextVectorization()\n"
        'tv.adapt(["one two", "three four", "five six"])\n'
        "model = keras.Sequential([layers.Input(shape=(), dtype='string'), tv,\n"
        "    layers.Embedding(10, 32), layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')\n"
    )
    args = ["run", str(source), "--train", "--verbose", "0", "--output-format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "the 6 words the file adapts it on" in data["data"]
    assert data["verdict"] == "learns"
