"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax (Keras calls the matching
``keras.activations`` function; PReLU learns its slopes)."""

from __future__ import annotations

from typing import Any

from seqlint.layers import activations as activations_defs
from seqlint.layers.base import Shape
from seqlint.runtime import activations
from seqlint.runtime.core import Variable
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel


class _ActivationLayer(RuntimeLayer):
    supports_masking = True

    def forward(self, x: Array, training: bool = False) -> Array:
        return self.activate(self.cast_input(x))

    def backward_from_logits(self, dz: Array) -> Array:
        return dz


@kernel(activations_defs.ReLU)
class ReLU(_ActivationLayer):
    """``ReLU(max_value=None, negative_slope=0.0, threshold=0.0)``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        max_value = self.get("max_value")
        negative_slope = self.get("negative_slope")
        threshold = self.get("threshold")
        # (the definition's ``validate`` refused negative or missing values)
        self.activation = activations.get(
            "relu",
            negative_slope=float(negative_slope),
            max_value=max_value,
            threshold=float(threshold),
        )


@kernel(activations_defs.LeakyReLU)
class LeakyReLU(_ActivationLayer):
    """``LeakyReLU(negative_slope=0.3)`` (Keras 2's ``alpha=`` is accepted)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        slope = self.get("alpha")
        if slope is None:
            slope = self.get("negative_slope", 0.3)
        self.activation = activations.get("leaky_relu", negative_slope=float(slope))


@kernel(activations_defs.ELU)
class ELU(_ActivationLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activation = activations.get("elu", alpha=float(self.get("alpha", 1.0)))


@kernel(activations_defs.Softmax)
class Softmax(_ActivationLayer):
    """``Softmax(axis=-1)``; a list of axes normalises over all of them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        axis = self.get("axis", -1)
        if isinstance(axis, (list, tuple)):
            axis = tuple(axis) if len(axis) > 1 else axis[0]
        self.activation = activations.get("softmax", axis=axis)

    def forward(self, x: Array, training: bool = False) -> Array:
        if self.mask is not None:
            # Keras fills masked positions with -1e9 and zeroes them afterwards, but a
            # (batch, time) mask only broadcasts to some input shapes
            raise NotImplementedError("Softmax: an input mask is not supported")
        return super().forward(x, training)


@kernel(activations_defs.PReLU)
class PReLU(RuntimeLayer):
    """``y = relu(x) - alpha * relu(-x)``; ``alpha`` has the non-batch input shape with 1 on
    ``shared_axes`` (1-based, batch excluded)."""

    supports_masking = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.alpha: Variable | None = None
        self._x: Array = None

    def _shared(self) -> list[int]:
        shared = self.get("shared_axes")
        if shared is None:
            return []
        return [int(a) for a in (shared if isinstance(shared, (list, tuple)) else [shared])]

    def build(self, input_shape: Shape) -> None:
        self.build_weights(input_shape)  # alpha: one slope per element, 1 along shared_axes

    def forward(self, x: Array, training: bool = False) -> Array:
        assert self.alpha is not None
        xp = self.xp
        x = self.cast_input(x)
        self._x = x
        return xp.maximum(x, 0) - self.alpha.value * xp.maximum(-x, 0)

    def backward(self, dy: Array) -> Array:
        assert self.alpha is not None
        xp = self.xp
        x, alpha = self._x, self.alpha

        def grad() -> Array:
            g = -dy * xp.maximum(-x, 0)
            axes = (0, *(a for a in self._shared()))
            return g.sum(axis=axes, keepdims=True).reshape(alpha.shape)

        self.set_grad(alpha, grad)
        pos = (x > 0).astype(dy.dtype)
        neg = (x < 0).astype(dy.dtype)
        return dy * (pos + alpha.value * neg)
