"""The runtime's building blocks: variables and the Layer base class.

A runtime layer is a small Keras layer: its constructor takes Keras's arguments (bound and
defaulted by the *same* definition the checker uses, :mod:`seqlint.layers`), ``build`` creates its
weights from the input shape, ``forward`` computes and keeps what ``backward`` needs, and
``backward`` turns the upstream gradient into the input gradient while storing each trainable
variable's gradient in ``variable.grad``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy

from seqlint.layers import get_layer
from seqlint.layers.base import BoundArgs, Shape, ShapeError, TypeRefusal
from seqlint.runtime.backend import CPU, Backend


class Variable:
    """A weight: its value, its gradient after ``backward``, and whether training updates it."""

    def __init__(self, value: Any, name: str, trainable: bool = True) -> None:
        self.value = value
        self.name = name
        self.trainable = trainable
        self.grad: Any = None

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.value.shape)

    def assign(self, value: Any) -> None:
        if tuple(value.shape) != self.shape:
            raise ValueError(
                f"weight {self.name!r} has shape {self.shape}, got an array of shape "
                f"{tuple(value.shape)}"
            )
        self.value[...] = value

    def __repr__(self) -> str:
        return f"<Variable {self.name} shape={self.shape} trainable={self.trainable}>"


class IndexedSlices:
    """A sparse gradient as TensorFlow gives it for an Embedding lookup: row ``values[k]`` adds
    to row ``indices[k]`` of a ``dense_shape`` array, duplicates allowed (not summed).

    Keras's optimizers apply ``ops.square``/``ops.abs`` to such a gradient slice by slice, so
    Adam's second moment sees ``sum(g_k ** 2)`` rather than ``sum(g_k) ** 2`` for a row looked up
    several times in a batch (``golden/training/embedding_gru``). A layer (or the model) may store
    one in ``Variable.grad``; :meth:`to_dense` gives the ordinary gradient."""

    def __init__(self, values: Any, indices: Any, dense_shape: Sequence[int]) -> None:
        self.values = values
        self.indices = indices
        self.dense_shape = tuple(int(d) for d in dense_shape)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.dense_shape

    @property
    def dtype(self) -> Any:
        return self.values.dtype

    def with_values(self, values: Any) -> IndexedSlices:
        return IndexedSlices(values, self.indices, self.dense_shape)

    def to_dense(self) -> Any:
        """The dense gradient (rows of repeated indices summed)."""
        from seqlint.runtime.backend import get_array_module

        xp = get_array_module(self.values)
        out = xp.zeros(self.dense_shape, dtype=self.values.dtype)
        if xp is numpy:
            numpy.add.at(out, self.indices, self.values)
        else:  # pragma: no cover - CuPy
            import cupyx  # type: ignore[import-not-found]

            cupyx.scatter_add(out, self.indices, self.values)
        return out

    def __repr__(self) -> str:
        return f"<IndexedSlices {len(self.indices)} rows of {self.dense_shape}>"


_name_counts: dict[str, int] = {}


def unique_name(base: str) -> str:
    """Keras-style automatic names: ``dense``, ``dense_1``, ..."""
    n = _name_counts.get(base, 0)
    _name_counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


class Layer:
    """Base class of runtime layers. Subclasses set ``class_name`` (the Keras class name, which
    selects the shared definition) and implement ``build``, ``forward`` and ``backward``."""

    class_name: ClassVar[str] = ""
    # False while the model back-propagates into its first trainable layer: nothing consumes
    # that layer's input gradient, so layers may skip computing it (and return None)
    input_grad_needed: bool = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        definition = get_layer(self.class_name)
        if definition is None:
            raise TypeError(f"no layer definition for {self.class_name!r}")
        self.definition = definition
        bound = definition.bind(args, kwargs)
        if bound.unknown_keywords:
            raise TypeError(
                f"Unrecognized keyword arguments passed to {self.class_name}: "
                f"{sorted(bound.unknown_keywords)}"
            )
        if bound.missing:
            raise TypeError(
                f"{self.class_name}.__init__() missing required argument(s): "
                f"{', '.join(bound.missing)}"
            )
        if bound.too_many_positional:
            raise TypeError(f"{self.class_name}.__init__() got too many positional arguments")
        error = definition.validate(bound)
        if error is not None:  # the definition holds Keras's constructor checks
            raise (TypeError if isinstance(error, TypeRefusal) else ValueError)(error)
        self.args: BoundArgs = bound
        from seqlint.vocab import snake_case

        name = bound.values.get("name")
        self.name: str = name if isinstance(name, str) else unique_name(snake_case(self.class_name))
        trainable = bound.values.get("trainable", True)
        self.trainable: bool = bool(trainable) if trainable is not None else True
        self.backend: Backend = CPU
        self.dtype: Any = numpy.float32
        self.built = False
        self.input_shape: Shape | None = None
        self.output_shape: Shape | None = None
        self._weights: list[Variable] = []
        self.seed: int | None = None

    # ---- configuration ---------------------------------------------------------------------

    @property
    def xp(self) -> Any:
        return self.backend.xp

    def get(self, name: str, default: Any = None) -> Any:
        """A constructor argument (defaults filled in by the shared definition)."""
        return self.args.values.get(name, default)

    def get_config(self) -> dict[str, Any]:
        config = {"name": self.name, "trainable": self.trainable}
        for p in self.definition.params:
            value = self.args.values.get(p.name)
            if isinstance(value, Layer):
                value = {"class_name": value.class_name, "config": value.get_config()}
            config[p.name] = value
        return config

    # ---- weights ---------------------------------------------------------------------------

    def add_weight(
        self,
        name: str,
        shape: Sequence[int],
        initializer: Callable[..., Any] | Any,
        trainable: bool = True,
    ) -> Variable:
        """Create a weight with ``initializer(shape, dtype, xp, rng)`` and register it in order."""
        from seqlint.runtime import initializers

        init = initializers.get(initializer)
        value = init(tuple(shape), self.dtype, self.xp, self.rng())
        var = Variable(value, f"{self.name}/{name}", trainable and self.trainable)
        self._weights.append(var)
        return var

    def rng(self) -> numpy.random.Generator:
        return numpy.random.default_rng(self.seed)

    @property
    def weights(self) -> list[Variable]:
        """Variables in Keras order (creation order, trainable and non-trainable interleaved)."""
        return list(self._weights)

    @property
    def trainable_weights(self) -> list[Variable]:
        return [w for w in self.weights if w.trainable and self.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return [w for w in self.weights if not (w.trainable and self.trainable)]

    def get_weights(self) -> list[numpy.ndarray]:
        return [self.backend.to_numpy(w.value).copy() for w in self.weights]

    def set_weights(self, values: Sequence[Any]) -> None:
        weights = self.weights
        if len(values) != len(weights):
            raise ValueError(
                f"layer {self.name!r} expects {len(weights)} weights, got {len(values)}"
            )
        for var, value in zip(weights, values, strict=True):
            var.assign(self.xp.asarray(value, dtype=var.value.dtype))

    def count_params(self) -> int:
        return int(sum(int(numpy.prod(w.shape)) for w in self.weights))

    # ---- shapes and computation ------------------------------------------------------------

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        try:
            out = self.definition.output_shape(self.args, tuple(input_shape))
        except ShapeError as exc:  # Keras raises ValueError for these
            raise ValueError(f"{self.class_name}: {exc.message}") from exc
        if out is None:
            raise ValueError(f"{self.class_name}: output shape cannot be computed")
        return out

    def build(self, input_shape: Shape) -> None:
        """Create weights for ``input_shape`` (batch axis first, may be None)."""

    def ensure_built(self, input_shape: Shape) -> None:
        if not self.built:
            self.input_shape = tuple(input_shape)
            self.build(self.input_shape)
            self.output_shape = self.compute_output_shape(self.input_shape)
            self.built = True

    def __call__(self, x: Any, training: bool = False) -> Any:
        self.ensure_built((None, *x.shape[1:]))
        return self.forward(x, training=training)

    def forward(self, x: Any, training: bool = False) -> Any:
        raise NotImplementedError

    def backward(self, dy: Any) -> Any:
        """Input gradient for upstream gradient ``dy``; sets ``var.grad`` on trainable weights
        (for every weight of this layer, ``grad`` is assigned, not accumulated)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{self.class_name} name={self.name}>"
