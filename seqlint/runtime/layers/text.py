"""Hashing and TextVectorization: strings (or integers) to bins, tokens to ids.

Both follow Keras 3.15.1 exactly, without TensorFlow: ``Hashing`` is TF's
``to_hash_bucket_fast`` (FarmHash ``Fingerprint64`` of the value's string form) or, with a
``salt``, ``to_hash_bucket_strong`` (SipHash-2-4), see :mod:`._hashes`; ``TextVectorization``
standardizes (ASCII lower-casing, Keras's punctuation class), splits (ASCII whitespace or
characters), forms n-grams, and looks tokens up with a :class:`StringLookup` whose mask token
is ``""``, as Keras composes it.

Neither layer has a gradient: hashing and tokenizing are not differentiable, in Keras either (its
preprocessing layers run on the host, outside the gradient tape), so ``backward`` returns
``None`` and no gradient check applies.
"""

from __future__ import annotations

import re
from typing import Any

import numpy

from seqlint.layers import preprocessing as preprocessing_defs
from seqlint.layers.base import Shape
from seqlint.runtime.layers._hashes import hash_bucket
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel
from seqlint.runtime.layers.lookup import StringLookup, canonical_mode, encode_ids, host

_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_ASCII_LOWER = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"
)  # tf.strings.lower without an encoding lowers ASCII letters only


def _as_text(value: Any, encoding: str = "utf-8") -> str:
    return value.decode(encoding) if isinstance(value, bytes) else str(value)


def _string_form(value: Any) -> bytes:
    """The bytes TF hashes for a value: strings as UTF-8, integers as decimal, floats cast to
    int64 first (toward zero), booleans as ``true``/``false`` (``tf.as_string``)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bool, numpy.bool_)):
        return b"true" if value else b"false"
    return str(int(value)).encode()  # int() truncates a float toward zero, as tf.cast


@kernel(preprocessing_defs.Hashing)
class Hashing(RuntimeLayer):
    """Values to ``num_bins`` hash bins (bin 0 kept for ``mask_value``), or the bins'
    one-hot / multi-hot / count encoding."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.get("sparse", False):
            raise NotImplementedError("Hashing: sparse=True is not supported by the runtime")
        self.num_bins = int(self.get("num_bins"))
        self.mode = str(self.get("output_mode", "int"))
        salt = self.get("salt", None)
        self.salt: tuple[int, int] | None = None
        if salt is not None:
            pair = [salt, salt] if isinstance(salt, int) else list(salt)
            self.salt = (int(pair[0]), int(pair[1]))

    def cast_input(self, x: Array) -> Array:
        return host(x)

    def bins(self, values: numpy.ndarray) -> numpy.ndarray:
        """The bin of each value (Keras's ``_hash_values_to_bins``)."""
        mask_value = self.get("mask_value", None)
        buckets = self.num_bins
        masked = mask_value is not None and buckets > 1
        if masked:
            buckets -= 1
        flat = values.ravel()
        out = numpy.empty(flat.shape, dtype=numpy.int64)
        for k, value in enumerate(flat.tolist() if flat.dtype != object else flat):
            if masked and _same(value, mask_value):
                out[k] = 0
                continue
            out[k] = hash_bucket(_string_form(value), buckets, self.salt) + int(masked)
        return out.reshape(values.shape)

    def forward(self, x: Array, training: bool = False) -> Array:
        values = host(x)
        ids = self.bins(values)
        if self.mode == "int":
            return self.xp.asarray(ids)
        dtype = self.dtype if numpy.issubdtype(self.dtype, numpy.floating) else numpy.float32
        return self.xp.asarray(encode_ids(ids, self.num_bins, self.mode, dtype))

    def backward(self, dy: Array) -> Array:
        return None


def _same(value: Any, mask_value: Any) -> bool:
    """``tf.equal(value, mask_value)`` for one value (strings compare as text)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if isinstance(mask_value, bytes):
        mask_value = mask_value.decode("utf-8")
    if isinstance(value, str) or isinstance(mask_value, str):
        return isinstance(value, str) and isinstance(mask_value, str) and value == mask_value
    return bool(value == mask_value)


@kernel(preprocessing_defs.TextVectorization)
class TextVectorization(RuntimeLayer):
    """Strings to token ids ``(batch, length)`` or to vocabulary-wide count vectors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name = self.class_name
        for arg in ("standardize", "split"):
            value = self.get(arg)
            if value is not None and not isinstance(value, str):
                raise NotImplementedError(
                    f"{name}: a callable {arg}= is not supported by the runtime (it never "
                    "calls the file's code)"
                )
        if self.get("sparse", False) or self.get("ragged", False):
            raise NotImplementedError(f"{name}: sparse or ragged outputs are not supported")
        self.mode = canonical_mode(self.get("output_mode", "int"))
        self.split: str | None = self.get("split", "whitespace")
        self.standardize: str | None = self.get("standardize", "lower_and_strip_punctuation")
        ngrams = self.get("ngrams", None)
        self.ngrams: tuple[int, ...] | None = (
            tuple(range(1, int(ngrams) + 1)) if isinstance(ngrams, int) else ngrams
        )
        if self.split is None and self.ngrams is not None:
            raise NotImplementedError(f"{name}: ngrams with split=None is not supported")
        if self.mode == "one_hot" and self.split is not None:
            raise NotImplementedError(
                f"{name}: output_mode='one_hot' on split text (a ragged output in Keras) is "
                "not supported"
            )
        length = self.get("output_sequence_length", None)
        self.sequence_length: int | None = None if length is None else int(length)
        self.encoding = str(self.get("encoding", "utf-8"))
        vocabulary = self.get("vocabulary", None)
        self.lookup = StringLookup(
            max_tokens=self.get("max_tokens", None),
            vocabulary=vocabulary,
            idf_weights=self.get("idf_weights", None),
            pad_to_max_tokens=self.get("pad_to_max_tokens", False),
            mask_token="",
            output_mode=self.mode,
            encoding=self.encoding,
            has_input_vocabulary=vocabulary is not None,
            name=f"{self.name}_string_lookup",
        )

    # ---- the vocabulary --------------------------------------------------------------------

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[Any]:
        return self.lookup.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self.lookup.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        self.lookup.set_vocabulary(vocabulary, idf_weights)
        self._shape_cache.clear()

    def adapt(self, data: Any) -> None:
        """Learn the vocabulary (and ``tf_idf`` weights) from ``data``, one document per
        string, as Keras's ``adapt``."""
        array = numpy.asarray(data, dtype=object)
        if array.ndim == 1:
            array = array.reshape(-1, 1)
        self.lookup.adapt_documents(self.tokenize(array))
        self._shape_cache.clear()

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        """The shape the forward pass gives: ``(batch, output_sequence_length)`` ids, or one
        vocabulary-wide row per string (Keras's static shape keeps the input's axis of 1)."""
        shape = tuple(input_shape)
        if self.split is None:
            return self.lookup.compute_output_shape(shape)
        if self.mode == "int":
            return (shape[0] if shape else None, self.sequence_length)
        return (shape[0] if shape else None, self.lookup.compute_output_shape((None, None))[-1])

    # ---- preprocessing ---------------------------------------------------------------------

    def clean(self, text: str) -> str:
        """Keras's ``standardize`` of one string."""
        if self.standardize in ("lower", "lower_and_strip_punctuation"):
            text = text.translate(_ASCII_LOWER)
        if self.standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            text = _PUNCTUATION.sub("", text)
        return text

    def tokenize(self, array: numpy.ndarray) -> list[list[str]]:
        """Each row's tokens after standardizing, splitting and forming n-grams."""
        if self.split is None:
            rows = array.reshape(len(array), -1) if array.ndim > 1 else array.reshape(-1, 1)
            return [[self.clean(_as_text(v, self.encoding)) for v in row] for row in rows]
        if array.ndim > 1:
            if array.shape[-1] != 1:
                raise ValueError(
                    "When using `TextVectorization` to tokenize strings, the input rank must "
                    "be 1 or the last shape dimension must be 1. Received: "
                    f"inputs.shape={tuple(array.shape)} with rank={array.ndim}"
                )
            array = array[..., 0]
        if array.ndim != 1:
            raise NotImplementedError(
                f"TextVectorization: inputs of shape {tuple(array.shape)} are not supported"
            )
        documents = []
        for value in array:
            text = self.clean(_as_text(value, self.encoding))
            if self.split == "whitespace":
                tokens = [t.decode("utf-8") for t in text.encode("utf-8").split()]
            else:
                tokens = list(text)
            documents.append(self._ngrams(tokens))
        return documents

    def _ngrams(self, tokens: list[str]) -> list[str]:
        if self.ngrams is None:
            return tokens
        out: list[str] = []
        for width in self.ngrams:
            out += [" ".join(tokens[i : i + width]) for i in range(len(tokens) - width + 1)]
        return out

    # ---- the forward pass ------------------------------------------------------------------

    def cast_input(self, x: Array) -> Array:
        return host(x)

    def forward(self, x: Array, training: bool = False) -> Array:
        if self.lookup.vocabulary is None:
            raise ValueError(
                "TextVectorization has no vocabulary: give `vocabulary=` or call adapt() first"
            )
        array = numpy.asarray(host(x), dtype=object)
        documents = self.tokenize(array)
        if self.split is None:
            # one token per input value: the lookup sees the input's own shape
            tokens = numpy.array([t for row in documents for t in row], dtype=object).reshape(
                array.shape
            )
            out = self.lookup.forward(tokens)
            return out.astype(self.dtype) if self.mode == "tf_idf" else out
        ids = [self.lookup.lookup(numpy.array(doc, dtype=object)) for doc in documents]
        if self.mode == "int":
            width = self.sequence_length
            if width is None:
                width = max((len(row) for row in ids), default=0)
            out = numpy.zeros((len(ids), width), dtype=numpy.int64)
            for i, row in enumerate(ids):
                row = row[:width]
                out[i, : len(row)] = row
            return self.xp.asarray(out)
        depth = self.lookup.depth()
        counts = (
            numpy.stack([encode_ids(row, depth, "count", numpy.float64) for row in ids])
            if ids
            else numpy.zeros((0, depth))
        )
        if self.mode == "multi_hot":
            return self.xp.asarray((counts > 0).astype(numpy.int64))
        if self.mode == "count":
            return self.xp.asarray(counts.astype(numpy.int64))
        weights = self.lookup.idf_weights
        if weights is None:
            raise ValueError("When `output_mode` is `'tf_idf'`, `idf_weights` must be provided.")
        return self.xp.asarray((counts * weights[:depth]).astype(self.dtype))

    def backward(self, dy: Array) -> Array:
        return None
