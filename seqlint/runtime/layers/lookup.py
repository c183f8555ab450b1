"""IntegerLookup and StringLookup: vocabulary terms to integer ids, their encodings, and back.

The layout is Keras's IndexLookup: in ``output_mode="int"`` index 0 is the mask token when
``mask_token`` is set, then ``num_oov_indices`` out-of-vocabulary ids, then the vocabulary in
order; in the other modes the mask token has no index (masked terms count nowhere). ``adapt``
builds the vocabulary as Keras does: terms by decreasing count, ties by decreasing term, the mask
and OOV tokens left out, cut to ``max_tokens``; with ``output_mode="tf_idf"`` it also learns
Keras's ``log(1 + documents / (1 + documents with the term))`` weights. ``num_oov_indices > 1``
spreads OOV terms as Keras does: ``floormod`` for integers, TF's FarmHash fingerprint (SipHash
with a ``salt``) for strings and for ``oov_method="farmhash"``. ``invert=True`` maps ids back to
terms.

The lookup runs on the host (terms may be strings). It has no gradient: ids and term counts
are not differentiable functions of the input, in Keras either, so ``backward`` returns
``None`` and no gradient check applies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy

from seqlint.layers import preprocessing as preprocessing_defs
from seqlint.layers.base import Shape
from seqlint.runtime.layers._hashes import hash_bucket
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel

MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def canonical_mode(mode: Any) -> str:
    """Keras's aliases: ``binary`` is ``multi_hot``, ``tf-idf`` is ``tf_idf``."""
    mode = str(mode)
    return {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(mode, mode)


def encode_ids(ids: numpy.ndarray, depth: int, mode: str, dtype: Any) -> numpy.ndarray:
    """Keras's ``encode_categorical_inputs`` for integer ids: ``one_hot`` adds a ``depth``
    axis (replacing a last axis of 1); ``multi_hot``/``count`` count ids per row for inputs
    of rank <= 2 (a rank-1 input is one row), and for higher ranks reduce over axis 1 as
    Keras's one-hot fallback does. Ids outside ``[0, depth)`` (masked terms) count nowhere."""
    ids = numpy.asarray(ids, dtype=numpy.int64)
    if ids.ndim == 0:
        ids = ids.reshape(1)
    valid = (ids >= 0) & (ids < depth)
    if mode == "one_hot":
        if ids.ndim > 1 and ids.shape[-1] == 1:
            ids, valid = ids[..., 0], valid[..., 0]
        out = numpy.zeros((*ids.shape, depth), dtype=dtype)
        hot = numpy.where(valid, ids, 0)[..., None] == numpy.arange(depth)
        out[hot & valid[..., None]] = 1
        return out
    if ids.ndim <= 2:
        rows = ids.reshape(1, -1) if ids.ndim == 1 else ids
        ok = valid.reshape(rows.shape)
        counts = numpy.zeros((rows.shape[0], depth), dtype=numpy.int64)
        row_index = numpy.broadcast_to(numpy.arange(rows.shape[0])[:, None], rows.shape)
        numpy.add.at(counts, (row_index[ok], rows[ok]), 1)
        out_counts = counts[0] if ids.ndim == 1 else counts
    else:
        hot = (ids[..., None] == numpy.arange(depth)) & valid[..., None]
        out_counts = hot.sum(axis=1)
    if mode == "multi_hot":
        out_counts = out_counts > 0
    return numpy.asarray(out_counts).astype(dtype)


def host(x: Array) -> numpy.ndarray:
    """``x`` as a host NumPy array (terms may be strings, which CuPy cannot hold)."""
    return x.get() if type(x).__module__.startswith("cupy") else numpy.asarray(x)


class _Lookup(RuntimeLayer):
    """Shared IndexLookup: the vocabulary, its reserved prefix, lookup, encoding, inversion."""

    default_oov: Any = None
    term_dtype: Any = object  # what ``invert=True`` returns

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name = self.class_name
        # the definition's ``validate`` has refused what Keras's constructor refuses
        self.mode = canonical_mode(self.get("output_mode", "int"))
        self.invert = bool(self.get("invert", False))
        if self.get("sparse", False):
            raise NotImplementedError(f"{name}: sparse=True is not supported by the runtime")
        self.num_oov = int(self.get("num_oov_indices", 1))
        max_tokens = self.get("max_tokens", None)
        self.max_tokens: int | None = None if max_tokens is None else int(max_tokens)
        self.pad_to_max_tokens = bool(self.get("pad_to_max_tokens", False))
        mask = self.get("mask_token", None)
        self.mask_token: Any = None if mask is None else self.term(mask)
        oov = self.get("oov_token", self.default_oov)
        self.oov_token: Any = None if oov is None else self.term(oov)
        salt = self.get("salt", None)
        self.salt: tuple[int, int] | None = None
        if salt is not None:
            pair = [salt, salt] if isinstance(salt, int) else list(salt)
            self.salt = (int(pair[0]), int(pair[1]))
        self.vocabulary: list[Any] | None = None
        self._index: dict[Any, int] = {}
        self._terms: dict[int, Any] = {}
        self.idf_weights: numpy.ndarray | None = None
        vocabulary = self.get("vocabulary", None)
        self._given = vocabulary is not None or bool(self.get("has_input_vocabulary", False))
        idf = self.get("idf_weights", None)
        if self.mode == "tf_idf" and vocabulary is not None and idf is None:
            raise ValueError(
                "When specifying the `vocabulary` argument, in TF-IDF output mode, the "
                "`idf_weights` argument must also be provided."
            )
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf)

    def term(self, value: Any) -> Any:
        """``value`` as a hashable vocabulary term of this layer's kind."""
        raise NotImplementedError

    # ---- the vocabulary --------------------------------------------------------------------

    @property
    def _oov_start(self) -> int:
        return 1 if self.mask_token is not None and self.mode == "int" else 0

    @property
    def _reserved(self) -> list[Any]:
        return [self.mask_token] * self._oov_start + [self.oov_token] * self.num_oov

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Keras's ``set_vocabulary``: a leading reserved prefix is dropped, a mask token
        elsewhere or a repeated term is an error (an OOV token only when inverting), the
        vocabulary fits ``max_tokens``; ``tf_idf`` needs weights of the same length."""
        if isinstance(vocabulary, str):
            raise NotImplementedError(
                f"{self.class_name}: a vocabulary file ({vocabulary!r}) is not supported by the "
                "runtime"
            )
        if self.mode == "tf_idf" and idf_weights is None:
            raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        if self.mode != "tf_idf" and idf_weights is not None:
            raise ValueError(
                "`idf_weights` should only be set if output_mode is `'tf_idf'`. Received: "
                f"output_mode={self.mode} and idf_weights={idf_weights}"
            )
        given = [self.term(t) for t in numpy.asarray(vocabulary, dtype=object).ravel()]
        if not given:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={given}")
        reserved = self._reserved
        found_reserved = bool(reserved) and given[: len(reserved)] == reserved
        tokens = given[len(reserved) :] if found_reserved else given
        repeated = [t for t, n in Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(
                "The passed vocabulary has at least one repeated term. Please uniquify your "
                f"dataset. The repeated terms are: {repeated}"
            )
        where = "Found reserved {what} token at unexpected location in `vocabulary`. Note "
        where += (
            "that passed `vocabulary` does not need to include the OOV and mask tokens. Either "
            "remove all mask and OOV tokens, or include them only at the start of the "
            f"vocabulary in precisely this order: {reserved}. Received: "
        )
        if self.mask_token is not None and self.mask_token in tokens:
            at = [i for i, t in enumerate(given) if t == self.mask_token][-1:]
            raise ValueError(
                where.format(what="mask") + f"mask_token={self.mask_token} at vocabulary index {at}"
            )
        if self.oov_token is not None and self.invert and self.oov_token in tokens:
            at = [i for i, t in enumerate(given) if t == self.oov_token][-1:]
            raise ValueError(
                where.format(what="OOV") + f"oov_token={self.oov_token} at vocabulary index {at}"
            )
        size = len(reserved) + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(
                "Attempted to set a vocabulary larger than the maximum vocab size. Received "
                f"vocabulary size is {size}; `max_tokens` is {self.max_tokens}."
            )
        self._set_tokens(tokens)
        self._given = True
        if idf_weights is not None:
            weights = numpy.asarray(idf_weights, dtype=numpy.float64).ravel()
            if len(weights) != len(given):
                raise ValueError(
                    "`idf_weights` must be the same length as vocabulary. len(idf_weights) "
                    f"is {len(weights)}; len(vocabulary) is {len(given)}"
                )
            front = 0 if found_reserved else len(reserved)
            self._set_idf(weights, front, float(weights.mean()))

    def _set_tokens(self, tokens: list[Any]) -> None:
        self._shape_cache.clear()  # the width of encoded outputs follows the vocabulary
        self.vocabulary = tokens
        offset = len(self._reserved)
        self._index = {t: i + offset for i, t in enumerate(tokens)}
        self._terms = {i: t for t, i in self._index.items()}

    def _set_idf(self, weights: numpy.ndarray, front: int, front_value: float) -> None:
        """Keras pads the weights with ``front_value`` for the reserved ids and, with
        ``pad_to_max_tokens``, with zeros up to ``max_tokens``."""
        back = 0
        if self.pad_to_max_tokens and self.max_tokens is not None:
            back = self.max_tokens - front - len(weights)
        self.idf_weights = numpy.concatenate(
            [numpy.full(front, front_value), weights, numpy.zeros(max(back, 0))]
        )

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[Any]:
        """The reserved tokens then the vocabulary, as Keras's ``get_vocabulary``."""
        vocab = self._reserved + list(self.vocabulary or [])
        return vocab if include_special_tokens else vocab[len(self._reserved) :]

    def vocabulary_size(self) -> int:
        return len(self.get_vocabulary())

    def adapt(self, data: Any) -> None:
        """Learn the vocabulary from ``data``: terms by decreasing count (ties: decreasing
        term), without the mask and OOV tokens, at most ``max_tokens`` ids in all; and, for
        ``tf_idf``, the inverse document frequencies (a document is a row of ``data``)."""
        array = numpy.asarray(data, dtype=object)
        if array.ndim <= 1:
            array = array.reshape(-1, 1)
        self.adapt_documents([[self.term(v) for v in row.ravel()] for row in array])

    def adapt_documents(self, documents: Iterable[list[Any]]) -> None:
        """``adapt`` on documents already turned into terms (TextVectorization's tokens)."""
        if self._given:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via "
                "`vocabulary` argument or `set_vocabulary()` method."
            )
        counts: Counter[Any] = Counter()
        in_documents: Counter[Any] = Counter()
        n_documents = 0
        for document in documents:
            counts.update(document)
            in_documents.update(set(document))
            n_documents += 1
        for reserved in (self.mask_token, self.oov_token):
            if reserved is not None:
                counts.pop(reserved, None)
        ordered = sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
        tokens = [t for t, _ in ordered]
        if self.max_tokens:
            tokens = tokens[: max(self.max_tokens - len(self._reserved), 0)]
        self._set_tokens(tokens)
        if self.mode == "tf_idf" and tokens:
            df = numpy.array([in_documents[t] for t in tokens], dtype=numpy.float64)
            idf = numpy.log(1.0 + n_documents / (1.0 + df))
            self._set_idf(idf, len(self._reserved), float(idf.astype(numpy.float32).mean()))

    # ---- the forward pass ------------------------------------------------------------------

    def oov_index(self, term: Any) -> int:
        """The OOV id (from 0) of ``term`` when ``num_oov_indices > 1``: TF's string hash of
        the term (SipHash with a ``salt``)."""
        text = term if isinstance(term, str) else str(term)
        return hash_bucket(text.encode("utf-8"), self.num_oov, self.salt)

    def cast_input(self, x: Array) -> Array:
        return host(x)

    def lookup(self, values: numpy.ndarray) -> numpy.ndarray:
        """Term ids for ``values`` (masked terms get id 0 in ``int`` mode, -1 otherwise)."""
        if self.vocabulary is None:
            raise ValueError(
                f"{self.class_name} has no vocabulary: give `vocabulary=` or call adapt() first"
            )
        oov_start = self._oov_start
        mask_id = 0 if self.mode == "int" else -1
        ids = numpy.empty(values.shape, dtype=numpy.int64)
        flat = ids.reshape(-1)
        missing: list[Any] = []
        for k, raw in enumerate(values.ravel()):
            term = self.term(raw)
            if self.mask_token is not None and term == self.mask_token:
                flat[k] = mask_id
                continue
            index = self._index.get(term)
            if index is not None:
                flat[k] = index
            elif self.num_oov == 0:
                missing.append(term)
            elif self.num_oov == 1:
                flat[k] = oov_start
            else:
                flat[k] = oov_start + self.oov_index(term)
        if missing:
            raise ValueError(
                "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV "
                f"values {missing}, consider setting `num_oov_indices=1`."
            )
        return ids

    def inverse(self, values: numpy.ndarray) -> numpy.ndarray:
        """Terms for ids (``invert=True``): the mask token at 0 when set, the OOV token for
        reserved and unknown ids."""
        ids = values.astype(numpy.int64).ravel()
        terms = [
            self.mask_token
            if self.mask_token is not None and i == 0
            else self._terms.get(int(i), self.oov_token)
            for i in ids
        ]
        return numpy.asarray(terms, dtype=self.term_dtype).reshape(values.shape)

    def depth(self) -> int:
        """The width of the encoded outputs: ``max_tokens`` with ``pad_to_max_tokens``."""
        if self.pad_to_max_tokens and self.max_tokens is not None:
            return self.max_tokens
        return self.vocabulary_size()

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        """The shape the forward pass gives, with the vocabulary's width once it is known
        (Keras's static shape leaves it unknown until adapted, and for inputs of rank > 2
        keeps an axis its own encoding reduces)."""
        shape = tuple(input_shape)
        if self.mode == "int":
            return shape
        known = self.vocabulary is not None or (self.pad_to_max_tokens and self.max_tokens)
        depth = self.depth() if known else None
        if self.mode == "one_hot":
            return (*shape[:-1], depth) if len(shape) > 1 and shape[-1] == 1 else (*shape, depth)
        if len(shape) > 2:
            return (shape[0], *shape[2:], depth)
        return (*shape[:-1], depth)

    def encode(self, ids: numpy.ndarray) -> numpy.ndarray:
        """Keras's encoding of ids for the non-``int`` modes (int64 counts, as Keras returns,
        or float ``tf_idf`` weights)."""
        if self.mode == "tf_idf":
            counts = encode_ids(ids, self.depth(), "count", numpy.float64)
            assert self.idf_weights is not None
            return (counts * self.idf_weights[: counts.shape[-1]]).astype(self.dtype)
        return encode_ids(ids, self.depth(), self.mode, numpy.int64)

    def forward(self, x: Array, training: bool = False) -> Array:
        values = host(x)
        if self.invert:
            if self.vocabulary is None:
                raise ValueError(
                    f"{self.class_name} has no vocabulary: give `vocabulary=` or call adapt() first"
                )
            out = self.inverse(values)
            return out if out.dtype == object else self.xp.asarray(out)
        ids = self.lookup(values)
        if self.mode == "int":
            return self.xp.asarray(ids)
        if self.mode == "tf_idf" and self.idf_weights is None:
            raise ValueError("When `output_mode` is `'tf_idf'`, `idf_weights` must be provided.")
        return self.xp.asarray(self.encode(ids))

    def backward(self, dy: Array) -> Array:
        return None


@kernel(preprocessing_defs.IntegerLookup)
class IntegerLookup(_Lookup):
    """Integers to ids; OOV ids for ``num_oov_indices > 1`` by ``floormod`` as in Keras, or
    by the fingerprint of the decimal string with ``oov_method="farmhash"``."""

    default_oov = -1
    term_dtype = numpy.int64

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.oov_method = str(self.get("oov_method", "floormod"))
        if self.salt is not None and self.oov_method != "farmhash":
            raise ValueError(
                "`salt` can only be used when `oov_method='farmhash'`. "
                f"Received: oov_method={self.oov_method}"
            )

    def term(self, value: Any) -> Any:
        return int(value)

    def oov_index(self, term: Any) -> int:
        if self.oov_method == "farmhash":
            return super().oov_index(term)
        return int(term) % self.num_oov


@kernel(preprocessing_defs.StringLookup)
class StringLookup(_Lookup):
    """Strings to ids; OOV ids for ``num_oov_indices > 1`` by TF's string fingerprint."""

    default_oov = "[UNK]"

    def term(self, value: Any) -> Any:
        if isinstance(value, bytes):
            return value.decode(str(self.get("encoding", "utf-8")))
        return str(value)
