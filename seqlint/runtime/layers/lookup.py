"""IntegerLookup and StringLookup: vocabulary terms to integer ids (``output_mode="int"``).

The layout is Keras's: index 0 is the mask token when ``mask_token`` is set, then
``num_oov_indices`` out-of-vocabulary ids, then the vocabulary in order. ``adapt`` builds the
vocabulary as Keras does: terms by decreasing count, ties by decreasing term, the mask and OOV
tokens left out, cut to ``max_tokens``. The lookup runs on the host (terms may be strings), and
has no gradient: ids are not differentiable, in Keras either.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy

from seqlint.layers import preprocessing as preprocessing_defs
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel


class _Lookup(RuntimeLayer):
    """Shared IndexLookup: the vocabulary, its reserved prefix, the forward lookup."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name = self.class_name
        mode = str(self.get("output_mode", "int"))
        if mode != "int":
            raise NotImplementedError(
                f"{name}: output_mode={mode!r} is not supported by the runtime (only 'int')"
            )
        if self.get("invert", False):
            raise NotImplementedError(f"{name}: invert=True is not supported by the runtime")
        if self.get("sparse", False):
            raise NotImplementedError(f"{name}: sparse=True is not supported by the runtime")
        self.num_oov = int(self.get("num_oov_indices", 1))
        if self.num_oov < 0:
            raise ValueError(
                f"The value of `num_oov_indices` argument for `{name}` must >= 0. "
                f"Received: num_oov_indices={self.num_oov}"
            )
        mask = self.get("mask_token", None)
        self.mask_token: Any = None if mask is None else self.term(mask)
        self.oov_token: Any = self.term(self.get("oov_token", self.default_oov))
        self.vocabulary: list[Any] | None = None
        self._index: dict[Any, int] = {}
        vocabulary = self.get("vocabulary", None)
        self._given = vocabulary is not None
        if vocabulary is not None:
            if isinstance(vocabulary, str):
                raise NotImplementedError(
                    f"{name}: a vocabulary file ({vocabulary!r}) is not supported by the runtime"
                )
            self._set_vocabulary([self.term(t) for t in numpy.asarray(vocabulary).ravel()])

    default_oov: Any = None

    def term(self, value: Any) -> Any:
        """``value`` as a hashable vocabulary term of this layer's kind."""
        raise NotImplementedError

    @property
    def _reserved(self) -> list[Any]:
        return ([] if self.mask_token is None else [self.mask_token]) + [
            self.oov_token
        ] * self.num_oov

    def _set_vocabulary(self, tokens: list[Any]) -> None:
        """Keras's ``set_vocabulary``: a leading reserved prefix is dropped, a reserved token
        elsewhere or a repeated term is an error."""
        reserved = self._reserved
        if reserved and tokens[: len(reserved)] == reserved:
            tokens = tokens[len(reserved) :]
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(
                "Found reserved mask token at unexpected location in `vocabulary`. Note that "
                "passed `vocabulary` does not need to include the OOV and mask tokens. Either "
                "remove all mask and OOV tokens, or include them only at the start of the "
                f"vocabulary in precisely this order: {reserved}. Received: "
                f"mask_token={self.mask_token} at vocabulary index "
                f"{[i for i, t in enumerate(tokens) if t == self.mask_token]}"
            )
        if self.num_oov and self.oov_token in tokens:
            raise ValueError(
                "Found reserved OOV token at unexpected location in `vocabulary`. Note that "
                "passed `vocabulary` does not need to include the OOV and mask tokens. Either "
                "remove all mask and OOV tokens, or include them only at the start of the "
                f"vocabulary in precisely this order: {reserved}. Received: "
                f"oov_token={self.oov_token} at vocabulary index "
                f"{[i for i, t in enumerate(tokens) if t == self.oov_token]}"
            )
        repeated = [t for t, n in Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(
                "The passed vocabulary has at least one repeated term. Please uniquify your "
                f"dataset. The repeated terms are: {repeated}"
            )
        self.vocabulary = tokens
        offset = len(self._reserved)
        self._index = {t: i + offset for i, t in enumerate(tokens)}

    def get_vocabulary(self) -> list[Any]:
        """The reserved tokens then the vocabulary, as Keras's ``get_vocabulary``."""
        return self._reserved + list(self.vocabulary or [])

    def vocabulary_size(self) -> int:
        return len(self.get_vocabulary())

    def adapt(self, data: Any) -> None:
        """Learn the vocabulary from ``data``: terms by decreasing count (ties: decreasing
        term), without the mask and OOV tokens, at most ``max_tokens`` ids in all."""
        if self._given:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via "
                "`vocabulary` argument or `set_vocabulary()` method."
            )
        counts = Counter(self.term(v) for v in numpy.asarray(data).ravel())
        counts.pop(self.oov_token, None)
        if self.mask_token is not None:
            counts.pop(self.mask_token, None)
        ordered = sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
        tokens = [t for t, _ in ordered]
        max_tokens = self.get("max_tokens", None)
        if max_tokens is not None:
            tokens = tokens[: max(int(max_tokens) - len(self._reserved), 0)]
        self._set_vocabulary(tokens)

    def oov_index(self, value: Any) -> int:
        """The OOV id of ``value`` when ``num_oov_indices > 1``."""
        raise NotImplementedError(
            f"{self.class_name}: num_oov_indices > 1 is not supported by the runtime"
        )

    def cast_input(self, x: Array) -> Array:
        return numpy.asarray(x)

    def forward(self, x: Array, training: bool = False) -> Array:
        if self.vocabulary is None:
            raise ValueError(
                f"{self.class_name} has no vocabulary: give `vocabulary=` or call adapt() first"
            )
        values = x.get() if type(x).__module__.startswith("cupy") else numpy.asarray(x)
        masked = 0 if self.mask_token is None else 1
        ids = numpy.empty(values.shape, dtype=numpy.int64)
        flat = ids.reshape(-1)
        for k, raw in enumerate(values.ravel()):
            term = self.term(raw)
            if masked and term == self.mask_token:
                flat[k] = 0
                continue
            index = self._index.get(term)
            if index is not None:
                flat[k] = index
            elif self.num_oov == 0:
                raise ValueError(
                    "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV "
                    f"values [{term}], consider setting `num_oov_indices=1`."
                )
            elif self.num_oov == 1:
                flat[k] = masked
            else:
                flat[k] = masked + self.oov_index(term)
        return self.xp.asarray(ids)

    def backward(self, dy: Array) -> Array:
        return None


@kernel(preprocessing_defs.IntegerLookup)
class IntegerLookup(_Lookup):
    """Integers to ids; OOV ids for ``num_oov_indices > 1`` by ``floormod`` as in Keras."""

    default_oov = -1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        method = str(self.get("oov_method", "floormod"))
        if method != "floormod":
            raise NotImplementedError(
                f"IntegerLookup: oov_method={method!r} is not supported by the runtime"
            )

    def term(self, value: Any) -> Any:
        return int(value)

    def oov_index(self, value: Any) -> int:
        return int(value) % self.num_oov


@kernel(preprocessing_defs.StringLookup)
class StringLookup(_Lookup):
    """Strings to ids (``num_oov_indices > 1`` hashes with TF's fingerprint: refused)."""

    default_oov = "[UNK]"

    def term(self, value: Any) -> Any:
        if isinstance(value, bytes):
            return value.decode(str(self.get("encoding", "utf-8")))
        return str(value)
