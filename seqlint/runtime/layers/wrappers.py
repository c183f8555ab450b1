"""Wrappers: Bidirectional (merge modes concat/sum/ave/mul) and TimeDistributed.

Their weights are the wrapped layers' weights (Bidirectional: forward layer's, then backward
layer's). A wrapper without an explicit ``dtype`` passes its dtype to a wrapped layer that has
none when it is built.
"""

from __future__ import annotations

from typing import Any

from seqlint.layers.base import BoundArgs, LayerSpec, Shape
from seqlint.runtime.backend import Backend
from seqlint.runtime.core import Layer, Variable
from seqlint.runtime.layers.base import Array, RuntimeLayer


def layer_spec(layer: Layer) -> LayerSpec:
    """A runtime layer as the shared definitions see a wrapped layer."""
    values = {
        k: (layer_spec(v) if isinstance(v, Layer) else v) for k, v in layer.args.values.items()
    }
    return LayerSpec(layer.definition, BoundArgs(values=values), layer.class_name)


def clone(layer: Layer, **overrides: Any) -> Layer:
    """A new, unbuilt layer of the same class and arguments (``overrides`` replace some)."""
    values = {k: v for k, v in layer.args.values.items() if k != "name"}
    values.update(overrides)
    new = type(layer)(**values)
    new.dtype = layer.dtype
    return new


class _Wrapper(RuntimeLayer):
    def _inner_layers(self) -> list[Layer]:
        raise NotImplementedError

    @property
    def weights(self) -> list[Variable]:
        return [w for layer in self._inner_layers() for w in layer.weights]

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        values = {
            k: (layer_spec(v) if isinstance(v, Layer) else v) for k, v in self.args.values.items()
        }
        out = self.definition.output_shape(BoundArgs(values=values), tuple(input_shape))
        if out is None:
            raise ValueError(f"{self.class_name}: output shape cannot be computed")
        return out

    @property  # type: ignore[override]
    def backend(self) -> Backend:
        return self._backend

    @backend.setter
    def backend(self, value: Backend) -> None:
        """The wrapped layers compute with the wrapper's array module."""
        self._backend = value
        try:
            inner = self._inner_layers()
        except AttributeError:  # still constructing
            return
        for layer in inner:
            layer.backend = value

    def _adopt(self) -> None:
        """Before building: wrapped layers without their own ``dtype`` take the wrapper's
        (e.g. the model's float policy), and all share its backend and seed."""
        for i, layer in enumerate(self._inner_layers()):
            if layer.args.values.get("dtype") is None:
                layer.dtype = self.dtype
            layer.backend = self.backend
            if layer.seed is None and self.seed is not None:
                layer.seed = self.seed + i


def _wrapped(value: Any, what: str) -> RuntimeLayer:
    if not isinstance(value, RuntimeLayer):
        raise TypeError(f"{what} must be a runtime layer, got {value!r}")
    return value


class Bidirectional(_Wrapper):
    class_name = "Bidirectional"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        layer = _wrapped(self.get("layer"), "Bidirectional's layer")
        backward = self.get("backward_layer")
        if backward is None:
            backward = clone(layer, go_backwards=not bool(layer.get("go_backwards")))
            backward.name = f"backward_{layer.name}"
        self.forward_layer: RuntimeLayer = layer
        self.backward_layer: RuntimeLayer = _wrapped(backward, "backward_layer")
        layer.name = f"forward_{layer.name}"
        self.merge_mode = self.get("merge_mode", "concat")
        if self.merge_mode not in ("concat", "sum", "ave", "mul"):
            raise NotImplementedError(
                f"Bidirectional: merge_mode={self.merge_mode!r} is not supported"
            )
        self.return_sequences = bool(layer.get("return_sequences"))
        self._parts: tuple[Array, Array] | None = None

    def _inner_layers(self) -> list[Layer]:
        return [self.forward_layer, self.backward_layer]

    def build(self, input_shape: Shape) -> None:
        self._adopt()
        self.forward_layer.ensure_built(input_shape)
        self.backward_layer.ensure_built(input_shape)
        initial = self.get("weights")
        if initial is not None:
            self.set_weights(initial)

    def forward(self, x: Array, training: bool = False) -> Array:
        yf = self.forward_layer.forward(x, training=training)
        yb = self.backward_layer.forward(x, training=training)
        if self.return_sequences:
            yb = yb[:, ::-1]
        self._parts = (yf, yb)
        mode = self.merge_mode
        if mode == "concat":
            return self.xp.concatenate([yf, yb], axis=-1)
        if mode == "sum":
            return yf + yb
        if mode == "ave":
            return (yf + yb) / 2
        return yf * yb

    def backward(self, dy: Array) -> Array:
        assert self._parts is not None
        yf, yb = self._parts
        mode = self.merge_mode
        if mode == "concat":
            k = yf.shape[-1]
            dyf, dyb = dy[..., :k], dy[..., k:]
        elif mode == "sum":
            dyf, dyb = dy, dy
        elif mode == "ave":
            dyf = dyb = dy / 2
        else:
            dyf, dyb = dy * yb, dy * yf
        if self.return_sequences:
            dyb = dyb[:, ::-1]
        dxf = self.forward_layer.backward(dyf)
        dxb = self.backward_layer.backward(dyb)
        return dxf + dxb


class TimeDistributed(_Wrapper):
    """Applies the wrapped layer to every step of axis 1 (as one batch of ``N * T`` samples)."""

    class_name = "TimeDistributed"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.layer: RuntimeLayer = _wrapped(self.get("layer"), "TimeDistributed's layer")
        self._lead: tuple[int, int] = (0, 0)

    def _inner_layers(self) -> list[Layer]:
        return [self.layer]

    def build(self, input_shape: Shape) -> None:
        self._adopt()
        self.layer.ensure_built((input_shape[0], *input_shape[2:]))

    def forward(self, x: Array, training: bool = False) -> Array:
        n, t = x.shape[0], x.shape[1]
        self._lead = (n, t)
        y = self.layer.forward(x.reshape(n * t, *x.shape[2:]), training=training)
        return y.reshape(n, t, *y.shape[1:])

    def _merge(self, g: Array) -> Array:
        n, t = self._lead
        return g.reshape(n * t, *g.shape[2:])

    def _split(self, g: Array | None) -> Array | None:
        if g is None:
            return None
        n, t = self._lead
        return g.reshape(n, t, *g.shape[1:])

    def backward(self, dy: Array) -> Array:
        return self._split(self.layer.backward(self._merge(dy)))

    @property
    def logits(self) -> Array:
        return self._split(self.layer.logits)

    def backward_from_logits(self, dz: Array) -> Array:
        return self._split(self.layer.backward_from_logits(self._merge(dz)))

    @property  # type: ignore[override]
    def activation(self) -> Any:
        return getattr(self.layer, "activation", None)

    @activation.setter
    def activation(self, value: Any) -> None:
        pass
