"""Core layers: Dense, EinsumDense, Activation, Embedding, Masking, Identity."""

from __future__ import annotations

from typing import Any

from seqlint.layers import core as core_defs
from seqlint.layers.base import Shape
from seqlint.runtime.core import Variable
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel


@kernel(core_defs.Dense)
class Dense(RuntimeLayer):
    """``act(x @ kernel + bias)`` on the last axis; kernel ``(in, units)``."""

    supports_masking = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = int(self.get("units"))
        self.set_activation(self.get("activation"))
        if self.get("lora_rank"):
            raise NotImplementedError("Dense: lora_rank is not supported")
        if self.get("quantization_config") is not None:
            raise NotImplementedError("Dense: quantization_config is not supported")
        self.kernel: Variable | None = None
        self.bias: Variable | None = None
        self._x: Array = None

    def build(self, input_shape: Shape) -> None:
        self.build_weights(input_shape)  # kernel (in, units), bias (units,)

    def forward(self, x: Array, training: bool = False) -> Array:
        assert self.kernel is not None
        x = self.cast_input(x)
        self._x = x
        z = x @ self.kernel.value
        if self.bias is not None:
            z += self.bias.value  # a fresh product: add in place
        return self.activate(z)

    def backward_from_logits(self, dz: Array) -> Array:
        assert self.kernel is not None
        x = self._x
        dz2 = dz.reshape(-1, self.units)
        self.set_grad(self.kernel, lambda: x.reshape(-1, x.shape[-1]).T @ dz2)
        self.set_grad(self.bias, lambda: dz2.sum(axis=0))
        return dz @ self.kernel.value.T if self.input_grad_needed else None


@kernel(core_defs.EinsumDense)
class EinsumDense(RuntimeLayer):
    """``act(einsum(equation, x, kernel) + bias)``; the gradients are the two other einsums of
    the same equation. An input index that neither the kernel nor the output has (summed over
    the input alone) is not supported."""

    supports_masking = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_activation(self.get("activation"))
        if self.get("lora_rank"):
            raise NotImplementedError("EinsumDense: lora_rank is not supported")
        if self.get("quantization_config") is not None:
            raise NotImplementedError("EinsumDense: quantization_config is not supported")
        equation = str(self.get("equation")).replace(" ", "")
        operands, _, out = equation.partition("->")
        x_spec, _, w_spec = operands.partition(",")
        letters = set(x_spec) - {"."}
        if letters - set(w_spec) - set(out):
            raise NotImplementedError(
                f"EinsumDense: {equation!r} sums an input axis the kernel does not use"
            )
        self.specs = (x_spec, w_spec, out)
        self.kernel: Variable | None = None
        self.bias: Variable | None = None

    def build(self, input_shape: Shape) -> None:
        self.build_weights(input_shape)

    def _explicit(self, ndim: int) -> tuple[str, str, str]:
        """The equation with ``...`` spelt out as letters for an input of rank ``ndim`` (NumPy
        cannot sum over an ellipsis, which the kernel's gradient needs)."""
        x_spec, w_spec, out = self.specs
        if "..." not in x_spec:
            return x_spec, w_spec, out
        used = set(x_spec + w_spec + out)
        free = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
        fill = "".join(free[: ndim - (len(x_spec) - 3)])
        return x_spec.replace("...", fill), w_spec, out.replace("...", fill)

    def forward(self, x: Array, training: bool = False) -> Array:
        assert self.kernel is not None
        x = self.cast_input(x)
        x_spec, w_spec, out = self._specs = self._explicit(x.ndim)
        self._x = x
        z = self.xp.einsum(f"{x_spec},{w_spec}->{out}", x, self.kernel.value)
        if self.bias is not None:
            z = z + self.bias.value
        return self.activate(z)

    def backward_from_logits(self, dz: Array) -> Array:
        assert self.kernel is not None
        x_spec, w_spec, out = self._specs
        x, xp, k = self._x, self.xp, self.kernel.value
        self.set_grad(self.kernel, lambda: xp.einsum(f"{x_spec},{out}->{w_spec}", x, dz))
        if self.bias is not None:
            shape = self.bias.shape

            def bias_grad() -> Array:
                g = dz.sum(axis=tuple(range(dz.ndim - len(shape))))
                axes = tuple(i for i, d in enumerate(shape) if d == 1 and g.shape[i] != 1)
                return g.sum(axis=axes, keepdims=True)

            self.set_grad(self.bias, bias_grad)
        if not self.input_grad_needed:
            return None
        return xp.einsum(f"{out},{w_spec}->{x_spec}", dz, k)


@kernel(core_defs.Activation)
class Activation(RuntimeLayer):
    """``Activation("relu")``: applies ``keras.activations.<name>``."""

    supports_masking = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_activation(self.get("activation"))

    def forward(self, x: Array, training: bool = False) -> Array:
        return self.activate(self.cast_input(x))

    def backward_from_logits(self, dz: Array) -> Array:
        return dz


@kernel(core_defs.Identity)
class Identity(RuntimeLayer):
    supports_masking = True

    def forward(self, x: Array, training: bool = False) -> Array:
        return self.cast_input(x)

    def backward(self, dy: Array) -> Array:
        return dy


@kernel(core_defs.Masking)
class Masking(RuntimeLayer):
    """Steps whose features all equal ``mask_value`` become zeros and are masked for the layers
    after (an RNN keeps its previous state there), as Keras's ``Masking``."""

    supports_masking = True

    def _keep(self, x: Array) -> Array:
        return (x != self.get("mask_value", 0.0)).any(axis=-1)

    def compute_mask(self, x: Array, mask: Array) -> Array:
        return self._keep(self.cast_input(x))

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.cast_input(x)
        self._factor = self._keep(x)[..., None].astype(x.dtype)
        return x * self._factor

    def backward(self, dy: Array) -> Array:
        return dy * self._factor


@kernel(core_defs.Embedding)
class Embedding(RuntimeLayer):
    """Integer inputs index the rows of ``embeddings`` ``(input_dim, output_dim)``; the gradient
    is dense (rows summed over repeated indices) and there is no input gradient (``None``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.input_dim = int(self.get("input_dim"))
        self.output_dim = int(self.get("output_dim"))
        if self.get("lora_rank"):
            raise NotImplementedError("Embedding: lora_rank is not supported")
        if self.get("quantization_config") is not None:
            raise NotImplementedError("Embedding: quantization_config is not supported")
        self.embeddings: Variable | None = None
        self._idx: Array = None
        self.mask_zero = bool(self.get("mask_zero"))

    def compute_mask(self, x: Array, mask: Array) -> Array:
        """``mask_zero=True``: id 0 is padding, masked in the layers after."""
        return self.xp.asarray(x) != 0 if self.mask_zero else None

    def build(self, input_shape: Shape) -> None:
        self.build_weights(input_shape)  # embeddings (input_dim, output_dim)
        weights = self.get("weights")
        if weights is not None:
            assert self.embeddings is not None  # build_weights set it
            self.embeddings.assign(self.xp.asarray(weights[0], dtype=self.dtype))

    def cast_input(self, x: Array) -> Array:
        return self.xp.asarray(x).astype("int64", copy=False)

    def forward(self, x: Array, training: bool = False) -> Array:
        assert self.embeddings is not None
        idx = self.cast_input(x)
        if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= self.input_dim):
            # TF's gather refuses them; NumPy would wrap negative indices around
            raise ValueError(
                f"Embedding: indices must be in [0, {self.input_dim}), got values in "
                f"[{int(idx.min())}, {int(idx.max())}]"
            )
        self._idx = idx
        return self.embeddings.value[idx]

    def backward(self, dy: Array) -> None:
        assert self.embeddings is not None
        emb = self.embeddings

        def grad() -> Array:
            xp = self.xp
            dw = xp.zeros(emb.shape, dtype=emb.value.dtype)
            flat = dy.reshape(-1, self.output_dim)
            idx = self._idx.reshape(-1)
            if hasattr(xp, "add") and hasattr(xp.add, "at"):
                xp.add.at(dw, idx, flat)
            else:  # pragma: no cover - older CuPy
                import cupyx  # type: ignore[import-not-found]

                cupyx.scatter_add(dw, idx, flat)
            return dw

        self.set_grad(emb, grad)
        return None


@kernel(core_defs.ReversibleEmbedding)
class ReversibleEmbedding(Embedding):
    """What a Sequential runs: Keras calls the layer with ``reverse=False``, an ``Embedding``
    lookup of ``embeddings`` (``logit_soft_cap`` and ``reverse_dtype`` only act in the reverse
    mode). With ``tie_weights=False`` the ``reverse_embeddings`` matrix is built, as Keras
    builds it, and receives no gradient, as in Keras."""
