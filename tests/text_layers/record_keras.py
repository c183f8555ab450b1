"""Record what Keras 3.15.1 computes for the text and lookup layers, as test data.

Run OUTSIDE the repository's environment, with Keras and TensorFlow installed::

    python tests/text_layers/record_keras.py   # writes tests/text_layers/keras_vectors.json

Each case is a layer (its Keras class name and keyword arguments), optional ``adapt`` data, an
input, and Keras's output and vocabulary. ``tests/test_runtime_text.py`` replays every case in
seqlint's runtime and asserts the same output.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

WORDS = ["cat", "dog", "bird", "", "fish", "[UNK]", "a", "zebra", "Émile", "naïve café", "x" * 70]
INTS = [0, 1, 2, -3, 7, 12, 36, 1000, 123456789, -(2**40)]
DOCS = [
    "The cat sat on the mat.",
    "The dog ate my HOMEWORK!!",
    "  cat-dog   fights\tare rare ",
    "Émile's café: naïve? ÉTÉ",
    "a b c d e f g h",
    "dog dog dog cat",
]
SENTENCES = ["the cat ate", "a dog, a CAT and a bird!", "zebra", "", "Émile ate the mat"]


def _plain(value: Any) -> Any:
    array = np.asarray(value)
    if array.dtype.kind in "OSU":
        return [_plain(v) if isinstance(v, (list, np.ndarray)) else _text(v) for v in list(array)]
    if array.dtype.kind == "f":
        return array.astype(float).tolist()
    return array.tolist()


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _case(
    layer: str, kwargs: dict[str, Any], x: Any, adapt: Any = None, dtype: str | None = None
) -> dict[str, Any]:
    made = getattr(keras.layers, layer)(**kwargs)
    if adapt is not None:
        made.adapt(np.asarray(adapt))
    array = np.asarray(x, dtype=dtype) if dtype else np.asarray(x)
    out = made(array)
    case: dict[str, Any] = {
        "layer": layer,
        "kwargs": kwargs,
        "input": _plain(array),
        "input_dtype": str(array.dtype) if array.dtype.kind not in "US" else "str",
        "output": _plain(out),
        "output_dtype": str(np.asarray(out).dtype) if np.asarray(out).dtype.kind != "O" else "str",
    }
    if adapt is not None:
        case["adapt"] = _plain(np.asarray(adapt))
    if layer == "Discretization":
        case["bin_boundaries"] = [float(b) for b in made.bin_boundaries]
    if hasattr(made, "get_vocabulary"):
        case["vocabulary"] = [
            _text(v) if isinstance(v, (bytes, str, np.str_)) else int(v)
            for v in made.get_vocabulary()
        ]
    return case


def cases() -> list[dict[str, Any]]:
    words = np.array([WORDS[:5], WORDS[5:10]])
    ints = np.array([INTS[:5], INTS[5:]])
    out = []
    # Hashing: fingerprint, SipHash with a salt, masks, integer and float inputs, encodings
    for bins in (1, 2, 7, 1000):
        out.append(_case("Hashing", {"num_bins": bins}, words))
        out.append(_case("Hashing", {"num_bins": bins}, ints))
    out.append(_case("Hashing", {"num_bins": 10}, np.array([WORDS[10:]])))
    out.append(_case("Hashing", {"num_bins": 7, "mask_value": ""}, words))
    out.append(_case("Hashing", {"num_bins": 5, "mask_value": 0}, ints))
    out.append(_case("Hashing", {"num_bins": 7, "salt": 133}, words))
    out.append(_case("Hashing", {"num_bins": 7, "salt": [1, 2]}, words))
    out.append(_case("Hashing", {"num_bins": 9, "salt": [2**40, 5]}, ints))
    out.append(_case("Hashing", {"num_bins": 5}, [[1.7, -2.5, 3.0]], dtype="float32"))
    for mode in ("multi_hot", "count"):
        out.append(_case("Hashing", {"num_bins": 5, "output_mode": mode}, ints))
        out.append(_case("Hashing", {"num_bins": 6, "output_mode": mode}, [INTS]))
    out.append(_case("Hashing", {"num_bins": 5, "output_mode": "one_hot"}, [[1], [2], [36]]))
    out.append(_case("Hashing", {"num_bins": 5, "output_mode": "one_hot"}, ints))
    # lookups: every output mode, masks, hashed OOV ids, inversion, tf-idf, padding
    vocab = ["cat", "dog", "bird"]
    for mode in ("int", "one_hot", "multi_hot", "count"):
        out.append(_case("StringLookup", {"vocabulary": vocab, "output_mode": mode}, words))
        out.append(
            _case(
                "StringLookup",
                {"vocabulary": vocab, "output_mode": mode, "mask_token": ""},
                words,
            )
        )
        out.append(_case("IntegerLookup", {"vocabulary": [12, 7, 0], "output_mode": mode}, ints))
    out.append(
        _case("StringLookup", {"vocabulary": vocab, "output_mode": "one_hot"}, [["a"], ["dog"]])
    )
    for n in (2, 3, 7):
        out.append(_case("StringLookup", {"vocabulary": vocab, "num_oov_indices": n}, words))
        out.append(
            _case(
                "StringLookup",
                {"vocabulary": vocab, "num_oov_indices": n, "mask_token": "", "salt": 42},
                words,
            )
        )
        out.append(_case("IntegerLookup", {"vocabulary": [12], "num_oov_indices": n}, ints))
        out.append(
            _case(
                "IntegerLookup",
                {"vocabulary": [12], "num_oov_indices": n, "oov_method": "farmhash"},
                ints,
            )
        )
        out.append(
            _case(
                "IntegerLookup",
                {"vocabulary": [12], "num_oov_indices": n, "oov_method": "farmhash", "salt": 9},
                ints,
            )
        )
    out.append(
        _case(
            "StringLookup",
            {"vocabulary": vocab, "num_oov_indices": 3, "output_mode": "count"},
            words,
        )
    )
    out.append(_case("StringLookup", {"vocabulary": vocab, "invert": True}, [[0, 1, 2, 3, 9]]))
    out.append(
        _case(
            "StringLookup",
            {"vocabulary": vocab, "invert": True, "mask_token": "", "num_oov_indices": 2},
            [[0, 1, 2, 3, 4, 5, 9]],
        )
    )
    out.append(_case("IntegerLookup", {"vocabulary": [12, 36], "invert": True}, [[0, 1, 2, 3]]))
    out.append(
        _case(
            "StringLookup",
            {"vocabulary": vocab, "output_mode": "tf_idf", "idf_weights": [0.5, 1.0, 2.0]},
            words,
        )
    )
    out.append(
        _case(
            "StringLookup",
            {
                "vocabulary": ["[UNK]", *vocab],
                "output_mode": "tf_idf",
                "idf_weights": [0.25, 0.5, 1.0, 2.0],
                "pad_to_max_tokens": True,
                "max_tokens": 6,
            },
            words,
        )
    )
    docs = [["a", "c", "c"], ["c", "b", "b"], ["d", "d", "a"], ["e", "c", "a"]]
    out.append(_case("StringLookup", {"output_mode": "tf_idf"}, [["a", "c", "c", "z"]], adapt=docs))
    out.append(
        _case(
            "StringLookup", {"max_tokens": 4, "mask_token": ""}, [["a", "", "e", "c"]], adapt=docs
        )
    )
    out.append(
        _case(
            "StringLookup",
            {
                "vocabulary": vocab,
                "output_mode": "multi_hot",
                "pad_to_max_tokens": True,
                "max_tokens": 6,
            },
            words,
        )
    )
    out.append(
        _case("IntegerLookup", {"output_mode": "count"}, ints, adapt=[[7, 7, 12], [0, 12, 7]])
    )
    # TextVectorization: standardization, splitting, n-grams, adapt order, every output mode
    out.append(_case("TextVectorization", {}, DOCS, adapt=DOCS))
    out.append(
        _case("TextVectorization", {"max_tokens": 8, "output_sequence_length": 4}, DOCS, adapt=DOCS)
    )
    out.append(_case("TextVectorization", {"output_sequence_length": 12}, SENTENCES, adapt=DOCS))
    out.append(
        _case("TextVectorization", {"ngrams": 2, "output_mode": "count"}, SENTENCES, adapt=DOCS)
    )
    out.append(
        _case(
            "TextVectorization",
            {"ngrams": (2, 3), "split": "character", "standardize": "lower", "max_tokens": 12},
            SENTENCES,
            adapt=DOCS,
        )
    )
    out.append(
        _case(
            "TextVectorization",
            {"standardize": None, "split": None, "vocabulary": [DOCS[0], "zebra"]},
            DOCS + SENTENCES,
        )
    )
    out.append(_case("TextVectorization", {"output_mode": "tf_idf"}, SENTENCES, adapt=DOCS))
    out.append(
        _case(
            "TextVectorization",
            {"output_mode": "multi_hot", "pad_to_max_tokens": True, "max_tokens": 40},
            SENTENCES,
            adapt=DOCS,
        )
    )
    out.append(
        _case(
            "TextVectorization",
            {"output_mode": "one_hot", "split": None},
            [["cat"], ["dog dog"]],
            adapt=["cat", "dog dog", "cat"],
        )
    )
    out.append(
        _case(
            "TextVectorization",
            {"standardize": "strip_punctuation", "vocabulary": ["the", "The", "cat", "CAT"]},
            [["The cat, the CAT! (x)"], ["x-ray [the] {The}"]],
        )
    )
    out.append(
        _case(
            "TextVectorization",
            {"vocabulary": ["cat", "dog"], "output_mode": "count", "ngrams": 3},
            SENTENCES,
        )
    )
    # Discretization(num_bins=...).adapt: Keras's approximate quantile summary
    normal = np.round(np.random.default_rng(3).normal(size=(150, 2)), 3)
    skewed = np.round(np.random.default_rng(4).exponential(size=300), 3)
    probe = [[-1.0, 0.0, 0.5, 1.0, 2.5, 10.0]]
    out.append(_case("Discretization", {"num_bins": 4}, probe, adapt=np.arange(100.0)))
    out.append(_case("Discretization", {"num_bins": 5}, probe, adapt=normal))
    out.append(_case("Discretization", {"num_bins": 3, "epsilon": 0.1}, probe, adapt=skewed))
    out.append(_case("Discretization", {"num_bins": 8}, probe, adapt=[[0.5, 2.0, 1.0]]))
    out.append(
        _case(
            "Discretization",
            {"num_bins": 4, "output_mode": "count"},
            [[0.1, 0.2, 3.0], [1.0, 1.0, 1.0]],
            adapt=skewed,
        )
    )
    return out


def main() -> None:
    path = Path(__file__).with_name("keras_vectors.json")
    data = {"keras": keras.__version__, "cases": cases()}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(data['cases'])} cases to {path}")


if __name__ == "__main__":
    main()
