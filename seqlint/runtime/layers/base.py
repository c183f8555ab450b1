"""What every runtime layer shares: dtype, input casting, gradients, activations, noise.

A runtime layer is built like a Keras layer (``layers.Dense(4, activation="relu")``), then

* ``y = layer(x, training=False)`` builds it on first use and runs :meth:`forward`;
* ``dx = layer.backward(dy)`` returns ``d sum(y * dy) / dx`` (``None`` for integer inputs) and sets
  ``var.grad`` of every trainable weight (assigned, not accumulated; ``None`` for the others).

Layers whose last step is an activation (Dense, Conv*, Activation, Softmax...) also expose the
pre-activation values as :attr:`logits` after ``forward`` and :meth:`backward_from_logits`, which
back-propagates a gradient taken with respect to those logits (Keras computes a crossentropy from
the logits of a final softmax/sigmoid, see ``golden/README.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import numpy

from seqlint.layers.base import LayerDef, Shape, ShapeError, all_layers
from seqlint.runtime import activations
from seqlint.runtime.core import Layer, Variable

Array = Any

_DTYPES = {
    "float16": numpy.float16,
    "float32": numpy.float32,
    "float64": numpy.float64,
    "half": numpy.float16,
    "float": numpy.float32,
    "double": numpy.float64,
}


def resolve_dtype(value: Any) -> Any:
    """A Keras ``dtype=`` argument (``"float64"``, ``numpy.float64``, a policy dict or object
    with a ``compute_dtype``/``name``) as a NumPy scalar type; mixed policies raise
    ``NotImplementedError``."""
    if isinstance(value, dict):
        value = value.get("config", {}).get("name", value.get("name"))
    policy = getattr(value, "name", value)
    name = getattr(value, "compute_dtype", None) or getattr(value, "name", None)
    if isinstance(name, str):
        value = name
    if isinstance(value, str):
        if value.startswith("mixed_") or (isinstance(policy, str) and policy.startswith("mixed_")):
            raise NotImplementedError(
                f"dtype policy {policy!r}: mixed precision (float32 variables, reduced-precision "
                "computation) is not supported by seqlint.runtime"
            )
        if value in _DTYPES:
            return _DTYPES[value]
    return numpy.dtype(value).type


_K = TypeVar("_K", bound="type[RuntimeLayer]")

KERNELS: dict[LayerDef, type[RuntimeLayer]] = {}
"""The runtime kernel of each layer definition that has one (keyed by the definition)."""


def kernel(definition: type[LayerDef]) -> Callable[[_K], _K]:
    """Class decorator: the decorated runtime layer computes the layer ``definition`` describes.

    The kernel takes its Keras name, signature, validation and output shape from the
    definition; aliases (``Convolution2D``, ``MaxPool2D``) reach it through the definition."""
    instance = all_layers().get(definition.name)
    if instance is None or type(instance) is not definition:
        raise ValueError(f"{definition.__name__} is not a registered layer definition")

    def register(cls: _K) -> _K:
        if instance in KERNELS:
            raise ValueError(f"{definition.name} has two runtime kernels")
        cls.class_name = definition.name
        KERNELS[instance] = cls
        return cls

    return register


class RuntimeLayer(Layer):
    """Base of the runtime layers (see the module doc).

    Masks (``Embedding(mask_zero=True)``, ``Masking``) follow Keras: the model sets
    :attr:`mask` (boolean ``(batch, time)``, or ``None``) before each ``forward`` and asks
    :meth:`compute_mask` for the mask of the output. A layer with ``supports_masking`` passes
    the mask on unchanged; any other layer drops it (Keras warns and drops it too)."""

    supports_masking: ClassVar[bool] = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dtype = self.args.values.get("dtype")
        if dtype is not None:
            self.dtype = resolve_dtype(dtype)
        self.activation: activations.Activation | None = None
        self._z: Array = None
        self._y: Array = None
        # set by a Sequential model around its own forward pass when the max pooling layer
        # that follows applies this layer's ReLU (see ``Sequential._relu_before_max_pool``)
        self.defer_relu = False
        self._relu_deferred = False
        self._noise: numpy.random.Generator | None = None
        self._shape_cache: dict[Shape, Shape] = {}
        self.mask: Array = None  # the input's mask for the current forward (set by the model)
        # the model's static batch size when it has one (a declared batch_shape / batch_size,
        # or the first batch of a model built on data), set by the model before building
        self.static_batch: int | None = None

    # ---- masks -----------------------------------------------------------------------------

    def compute_mask(self, x: Array, mask: Array) -> Array:
        """The mask of this layer's output for input ``x`` carrying ``mask``."""
        return mask if self.supports_masking else None

    # ---- inputs and shapes -------------------------------------------------------------------

    def cast_input(self, x: Array) -> Array:
        """``x`` as an array of the layer's dtype (Keras autocasts layer inputs)."""
        return self.xp.asarray(x, dtype=self.dtype)

    def output_shape_for(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        """The output shape for a concrete input shape, from the shared layer definition."""
        key: Shape = (None, *shape[1:])
        out = self._shape_cache.get(key)
        if out is None:
            out = self.compute_output_shape(key)
            self._shape_cache[key] = out
        return (shape[0], *(int(d) for d in out[1:]))  # type: ignore[arg-type]

    def build_weights(self, input_shape: Shape, initializers: dict[str, Any] | None = None) -> None:
        """Create the variables the definition's weight specs list (Keras's names, shapes,
        initializers and order), each also set as the attribute of its name. ``initializers``
        replaces a spec's initializer argument by name (the LSTM's ``unit_forget_bias``)."""
        try:
            specs = self.definition.weights(self.args, tuple(input_shape))
        except ShapeError as exc:
            raise ValueError(f"{self.class_name}: {exc.message}") from exc
        if specs is None:
            raise NotImplementedError(f"{self.class_name}: these arguments' weights")
        for spec in specs:
            if any(d is None for d in spec.shape):
                raise ValueError(
                    f"{self.class_name}: the shape of its weight {spec.name!r} is not known for "
                    f"the input shape {tuple(input_shape)}"
                )
            shape = tuple(int(d) for d in spec.shape)  # type: ignore[arg-type]
            init = (initializers or {}).get(spec.name, spec.initializer)
            var = self.add_weight(spec.name, shape, init, spec.trainable)
            setattr(self, spec.name, var)

    def channels_first(self) -> bool:
        fmt = self.get("data_format")
        return isinstance(fmt, str) and fmt.lower() == "channels_first"

    # ---- gradients -------------------------------------------------------------------------

    def wants_grad(self, var: Variable | None) -> bool:
        return var is not None and var.trainable and self.trainable

    def set_grad(self, var: Variable | None, grad: Any) -> None:
        """Store ``grad`` (a value or a zero-argument function computing it) on ``var``."""
        if var is None:
            return
        if self.wants_grad(var):
            var.grad = grad() if callable(grad) else grad
        else:
            var.grad = None

    # ---- activation ------------------------------------------------------------------------

    def set_activation(self, identifier: Any) -> None:
        self.activation = activations.get(identifier)

    def activate(self, z: Array) -> Array:
        """Apply the layer's activation to the pre-activation ``z``, keeping both."""
        act = self.activation
        self._relu_deferred = self.defer_relu
        y = z if act is None or self._relu_deferred else act(z)
        self._z, self._y = z, y
        return y

    @property
    def logits(self) -> Array:
        """The pre-activation values of the last ``forward``."""
        return self._z

    def backward(self, dy: Array) -> Array:
        act = self.activation
        dz = dy if act is None or self._relu_deferred else act.vjp(self._z, self._y, dy)
        return self.backward_from_logits(dz)

    def backward_from_logits(self, dz: Array) -> Array:
        """Back-propagate a gradient with respect to :attr:`logits`."""
        raise NotImplementedError(f"{self.class_name}.backward is not implemented")

    # ---- randomness ------------------------------------------------------------------------

    def noise_rng(self) -> numpy.random.Generator:
        """The generator for dropout masks and noise (the layer's ``seed``; set
        ``layer._noise = None`` to restart the sequence)."""
        if self._noise is None:
            seed = self.get("seed")
            if isinstance(seed, bool) or not isinstance(seed, int):
                seed = self.seed
            self._noise = numpy.random.default_rng(seed)
        return self._noise

    def uniform(self, shape: tuple[int, ...]) -> Array:
        """Uniform [0, 1) samples as a float64 array of the layer's array module."""
        return self.xp.asarray(self.noise_rng().random(shape))

    def normal(self, shape: tuple[int, ...]) -> Array:
        return self.xp.asarray(self.noise_rng().standard_normal(shape))

    def dropout_mask(self, shape: tuple[int, ...], rate: float) -> Array:
        """Inverted dropout: 0 with probability ``rate``, else ``1 / (1 - rate)``."""
        keep = self.uniform(shape) >= rate
        return keep.astype(self.dtype) * (1.0 / (1.0 - rate))
