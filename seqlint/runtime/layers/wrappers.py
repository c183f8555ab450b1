"""Wrappers: Bidirectional (merge modes concat/sum/ave/mul) and TimeDistributed.

Their weights are the wrapped layers' weights (Bidirectional: forward layer's, then backward
layer's). A wrapper without an explicit ``dtype`` passes its dtype to a wrapped layer that has
none when it is built.
"""

from __future__ import annotations

from typing import Any

from seqlint.layers import recurrent as recurrent_defs
from seqlint.layers.base import BoundArgs, LayerSpec, Shape
from seqlint.runtime.backend import Backend
from seqlint.runtime.core import Layer, Variable
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel


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


@kernel(recurrent_defs.Bidirectional)
class Bidirectional(_Wrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        layer = _wrapped(self.get("layer"), "Bidirectional's layer")
        backward = self.get("backward_layer")
        if backward is None:
            # Keras clones the layer's config with go_backwards=True (not its negation)
            backward = clone(layer, go_backwards=True)
            backward.name = f"backward_{layer.name}"
        self.forward_layer: RuntimeLayer = layer
        self.backward_layer: RuntimeLayer = _wrapped(backward, "backward_layer")
        self._verify_layer_config()
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

    def _verify_layer_config(self) -> None:
        """Keras's checks: different ``go_backwards``, same ``return_sequences`` etc."""
        fwd, bwd = self.forward_layer, self.backward_layer
        if bool(fwd.get("go_backwards")) == bool(bwd.get("go_backwards")):
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` value. "
                f"Received: forward_layer.go_backwards {bool(fwd.get('go_backwards'))}, "
                f"backward_layer.go_backwards={bool(bwd.get('go_backwards'))}"
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            if bool(fwd.get(attr)) != bool(bwd.get(attr)):
                raise ValueError(
                    "Forward layer and backward layer are expected to have the same value for "
                    f'attribute "{attr}", got "{bool(fwd.get(attr))}" for forward layer and '
                    f'"{bool(bwd.get(attr))}" for backward layer'
                )

    def build(self, input_shape: Shape) -> None:
        self._adopt()
        for inner in (self.forward_layer, self.backward_layer):
            if hasattr(inner, "static_batch"):
                inner.static_batch = self.static_batch
        self.forward_layer.ensure_built(input_shape)
        self.backward_layer.ensure_built(input_shape)
        initial = self.get("weights")
        if initial is not None:
            self.set_weights(initial)

    supports_masking = True

    def compute_mask(self, x: Array, mask: Array) -> Array:
        return mask if self.return_sequences else None

    def forward(self, x: Array, training: bool = False) -> Array:
        self.forward_layer.mask = self.backward_layer.mask = self.mask
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


@kernel(recurrent_defs.TimeDistributed)
class TimeDistributed(_Wrapper):
    """Applies the wrapped layer to every step of axis 1.

    Keras calls the wrapped layer once per time step and stacks the results. For per-sample
    layers that is one call on a batch of ``N * T`` samples; BatchNormalization in training is
    run step by step (each step normalised with its own batch statistics, the moving statistics
    updated once per step). The stacked output carries no cached logits, so a final
    ``TimeDistributed(Dense(..., activation="softmax"))`` is not fused with the crossentropy."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.layer: RuntimeLayer = _wrapped(self.get("layer"), "TimeDistributed's layer")
        self._lead: tuple[int, int] = (0, 0)
        self._step_caches: list[Any] | None = None

    def _inner_layers(self) -> list[Layer]:
        return [self.layer]

    def build(self, input_shape: Shape) -> None:
        self._adopt()
        self.layer.ensure_built((input_shape[0], *input_shape[2:]))

    def _per_step(self, training: bool) -> bool:
        """Whether the wrapped layer couples the samples of a call (batch statistics)."""
        layer = self.layer
        return bool(training) and layer.class_name == "BatchNormalization" and layer.trainable

    supports_masking = True  # the mask passes on; the wrapped layer sees none

    def forward(self, x: Array, training: bool = False) -> Array:
        if self.mask is not None and self._per_step(training):
            raise NotImplementedError(
                f"TimeDistributed({self.layer.class_name}): a masked input is not supported"
            )
        n, t = x.shape[0], x.shape[1]
        self._lead = (n, t)
        self._step_caches = None
        if self._per_step(training):
            outputs, caches = [], []
            for i in range(t):
                outputs.append(self.layer.forward(x[:, i], training=training))
                caches.append(self.layer._cache)  # type: ignore[attr-defined]
            self._step_caches = caches
            return self.xp.stack(outputs, axis=1)
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
        if self._step_caches is None:
            return self._split(self.layer.backward(self._merge(dy)))
        layer = self.layer
        grads: dict[int, Any] = {}
        dxs = []
        for i, cache in enumerate(self._step_caches):
            layer._cache = cache  # type: ignore[attr-defined]
            dxs.append(layer.backward(dy[:, i]))
            for var in layer.weights:
                if var.grad is not None:
                    grads[id(var)] = var.grad if id(var) not in grads else grads[id(var)] + var.grad
        for var in layer.weights:
            var.grad = grads.get(id(var))
        return self.xp.stack(dxs, axis=1)
