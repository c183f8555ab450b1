"""Core layers: Dense, EinsumDense, Activation, Embedding, Masking, Identity, Lambda."""

from __future__ import annotations

import re
from typing import Any

from seqlint.layers._common import (
    as_bool,
    positive_int,
    require_min_ndim,
    with_lora,
)
from seqlint.layers.base import (
    UNKNOWN,
    BoundArgs,
    Dim,
    LayerDef,
    Param,
    Shape,
    ShapeError,
    WeightSpec,
    as_int,
    normalize_activation,
    register,
)


def _plain_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _literal(value: Any) -> bool:
    """A value written in the source (not a placeholder for something the extractor could only
    partly follow): only these are judged."""
    return value is None or isinstance(value, (int, float, str))


@register
class Dense(LayerDef):
    """``Dense(units)``: acts on the last axis, so any rank >= 2 is accepted."""

    name = "Dense"
    role = "linear_map"
    traits = frozenset({"dense"})
    learns = True
    params = (
        Param("units"),
        Param("activation", None),
        Param("use_bias", True),
        Param("kernel_initializer", "glorot_uniform"),
        Param("bias_initializer", "zeros"),
        Param("kernel_regularizer", None),
        Param("bias_regularizer", None),
        Param("activity_regularizer", None),
        Param("kernel_constraint", None),
        Param("bias_constraint", None),
        Param("lora_rank", None),
        Param("lora_alpha", None),
        Param("quantization_config", None),
    )

    def validate(self, args: BoundArgs) -> str | None:
        units = args["units"]
        if _literal(units) and (not _plain_int(units) or units <= 0):
            return (
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units}"
            )
        return None

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        require_min_ndim(self.name, input_shape, 2)
        return (*input_shape[:-1], positive_int(args["units"]))

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        require_min_ndim(self.name, input_shape, 2)
        use_bias = as_bool(args["use_bias"])
        if use_bias is None:
            return None
        units = positive_int(args["units"])
        specs = [WeightSpec("kernel", (input_shape[-1], units), args["kernel_initializer"])]
        if use_bias:
            specs.append(WeightSpec("bias", (units,), args["bias_initializer"]))
        return with_lora(specs, args)


_EINSUM_PLAIN = re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$")
_EINSUM_LEFT = re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$")
_EINSUM_RIGHT = re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$")


def _einsum_analysis(
    equation: Any, bias_axes: Any, input_shape: Shape, partial: Any
) -> tuple[list[Dim], list[Dim] | None, list[Dim]] | None:
    """Kernel shape, bias shape and output shape of an EinsumDense, as Keras derives them.

    ``None`` when an argument is unknown or malformed (Keras raises at construction then).
    """
    if not isinstance(equation, str):
        return None
    if bias_axes is not None and not isinstance(bias_axes, str):
        return None
    if isinstance(partial, int) and not isinstance(partial, bool):
        out: list[Dim] = [partial]
    elif isinstance(partial, (tuple, list)):
        out = [as_int(d) for d in partial]
    else:
        return None
    eq = equation.replace("...", "0")
    left = False
    m = _EINSUM_PLAIN.match(eq)
    if m is None:
        m = _EINSUM_LEFT.match(eq)
        left = m is not None
    if m is None:
        m = _EINSUM_RIGHT.match(eq)
    if m is None:
        return None
    in_spec, w_spec, out_spec = m.group(1), m.group(2), m.group(3)
    elided = len(input_shape) - len(in_spec)
    out.insert(0, input_shape[0])
    if elided > 0 and left:
        for i in range(1, elided):
            out.insert(1, input_shape[i])
    elif elided > 0:
        out.extend(input_shape[len(input_shape) - elided :])
    if left:
        in_map = {c: i + elided - len(input_shape) for i, c in enumerate(in_spec)}
        out_map = {c: i + elided for i, c in enumerate(out_spec)}
    else:
        in_map = {c: i for i, c in enumerate(in_spec)}
        out_map = {c: i for i, c in enumerate(out_spec)}
    try:
        for c in in_spec:
            d_in = input_shape[in_map[c]]
            if c in out_map:
                d_out = out[out_map[c]]
                if d_out is not None and d_in is not None and d_out != d_in:
                    raise ShapeError(
                        "dimension",
                        f"Input shape and output shape do not match at shared dimension "
                        f"'{c}'. Input shape is {d_in}, and output shape is {d_out}.",
                    )
        for c in out_spec:
            if c not in in_spec and c not in w_spec:
                return None
        kernel: list[Dim] = []
        for c in w_spec:
            if c in out_map:
                kernel.append(out[out_map[c]])
            elif c in in_map:
                kernel.append(input_shape[in_map[c]])
            else:
                return None
        bias: list[Dim] | None = None
        if bias_axes is not None:
            offset = elided if left else 0
            idx = {c: out[i + offset] for i, c in enumerate(out_spec)}
            if any(c not in out_spec for c in bias_axes) or not bias_axes:
                return None
            first = min(out_spec.find(c) for c in bias_axes)
            bias = [idx[c] if c in bias_axes else 1 for c in out_spec[first:]]
            if not left:
                bias.extend([1] * max(elided, 0))
    except IndexError:
        raise ShapeError(
            "rank",
            f"EinsumDense equation {equation!r} does not fit an input of rank {len(input_shape)}",
        ) from None
    return kernel, bias, out


@register
class EinsumDense(LayerDef):
    name = "EinsumDense"
    role = "linear_map"
    learns = True
    params = (
        Param("equation"),
        Param("output_shape"),
        Param("activation", None),
        Param("bias_axes", None),
        Param("kernel_initializer", "glorot_uniform"),
        Param("bias_initializer", "zeros"),
        Param("kernel_regularizer", None),
        Param("bias_regularizer", None),
        Param("kernel_constraint", None),
        Param("bias_constraint", None),
        Param("lora_rank", None),
        Param("lora_alpha", None),
        Param("gptq_unpacked_column_size", None),
        Param("quantization_config", None),
    )

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        res = _einsum_analysis(
            args["equation"], args["bias_axes"], input_shape, args["output_shape"]
        )
        return None if res is None else tuple(res[2])

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        """``kernel`` (the equation's second operand), then ``bias`` over ``bias_axes``."""
        res = _einsum_analysis(
            args["equation"], args["bias_axes"], input_shape, args["output_shape"]
        )
        if res is None:
            return None
        kernel, bias, _ = res
        specs = [WeightSpec("kernel", tuple(kernel), args["kernel_initializer"])]
        if bias is not None:
            specs.append(WeightSpec("bias", tuple(bias), args["bias_initializer"]))
        return with_lora(specs, args)


@register
class Activation(LayerDef):
    name = "Activation"
    role = "activation"
    traits = frozenset({"elementwise"})
    params = (Param("activation"),)

    def activation(self, args: BoundArgs) -> str | None:
        return normalize_activation(args["activation"])


class _Embedding(LayerDef):
    role = "embedding"
    traits = frozenset({"sequence_output"})
    learns = True

    def validate(self, args: BoundArgs) -> str | None:
        for name in ("input_dim", "output_dim"):
            value = args[name]
            if _literal(value) and (not _plain_int(value) or value <= 0):
                return (
                    f"`{name}` must be a positive integer. Received: {name}={value} "
                    f"(of type {type(value).__name__})."
                )
        return None

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        return (*input_shape, positive_int(args["output_dim"]))

    def activation(self, args: BoundArgs) -> str | None:
        return "linear"


@register
class Embedding(_Embedding):
    """``Embedding(input_dim, output_dim)``: appends an axis of ``output_dim``.

    ``input_length=`` is deprecated in Keras 3 (a warning) and does *not* give the model an
    input shape.
    """

    name = "Embedding"
    params = (
        Param("input_dim"),
        Param("output_dim"),
        Param("embeddings_initializer", "uniform"),
        Param("embeddings_regularizer", None),
        Param("embeddings_constraint", None),
        Param("mask_zero", False),
        Param("weights", None),
        Param("lora_rank", None),
        Param("lora_alpha", None),
        Param("quantization_config", None),
        Param("input_length", None, keyword_only=True),
    )

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        n_in, n_out = positive_int(args["input_dim"]), positive_int(args["output_dim"])
        specs = [WeightSpec("embeddings", (n_in, n_out), args["embeddings_initializer"])]
        return with_lora(specs, args, "embeddings", "lora_embeddings")


@register
class ReversibleEmbedding(_Embedding):
    name = "ReversibleEmbedding"
    params = (
        Param("input_dim"),
        Param("output_dim"),
        Param("tie_weights", True),
        Param("embeddings_initializer", "uniform"),
        Param("embeddings_regularizer", None),
        Param("embeddings_constraint", None),
        Param("mask_zero", False),
        Param("reverse_dtype", None),
        Param("logit_soft_cap", None),
        # accepted through **kwargs by Keras's Embedding
        Param("weights", None, keyword_only=True),
        Param("lora_rank", None, keyword_only=True),
        Param("lora_alpha", None, keyword_only=True),
        Param("quantization_config", None, keyword_only=True),
        Param("input_length", None, keyword_only=True),
    )

    def weights(self, args: BoundArgs, input_shape: Shape) -> list[WeightSpec] | None:
        """The embeddings, then (``tie_weights=False``) the ``(output_dim, input_dim)`` matrix
        of the reverse projection."""
        n_in, n_out = positive_int(args["input_dim"]), positive_int(args["output_dim"])
        tie = args["tie_weights"]
        if not isinstance(tie, bool):
            return None
        specs = [WeightSpec("embeddings", (n_in, n_out), args["embeddings_initializer"])]
        if not tie:
            specs.append(
                WeightSpec("reverse_embeddings", (n_out, n_in), args["embeddings_initializer"])
            )
        return with_lora(specs, args, "embeddings", "lora_embeddings")


@register
class Masking(LayerDef):
    name = "Masking"
    role = "masking"
    traits = frozenset({"elementwise"})
    passthrough = True
    params = (Param("mask_value", 0.0),)

    def activation(self, args: BoundArgs) -> str | None:
        return None


@register
class Identity(LayerDef):
    name = "Identity"
    role = "identity"
    traits = frozenset({"linear", "elementwise"})
    passthrough = True

    def activation(self, args: BoundArgs) -> str | None:
        return None


@register
class Lambda(LayerDef):
    """``Lambda(function, output_shape=None)``: the output is unknown unless ``output_shape`` is
    a literal tuple (Keras then prepends the batch axis and trusts it)."""

    name = "Lambda"
    role = "function"
    params = (
        Param("function"),
        Param("output_shape", None),
        Param("mask", None),
        Param("arguments", None),
    )

    def output_shape(self, args: BoundArgs, input_shape: Shape) -> Shape | None:
        value = args["output_shape"]
        if not input_shape:
            return None
        if isinstance(value, (tuple, list)) and all(
            v is None or v is UNKNOWN or isinstance(v, int) for v in value
        ):
            return (input_shape[0], *(as_int(v) for v in value))
        if value is None and getattr(args["function"], "elementwise", False) is True:
            return input_shape  # lambda x: x / 255.0 (see FuncVal.elementwise)
        reduction = getattr(args["function"], "reduction", None) if value is None else None
        if isinstance(reduction, tuple):
            axis, keepdims = reduction  # lambda t: ops.mean(t, axis=1)
            pos = axis + len(input_shape) if axis < 0 else axis
            if not 1 <= pos < len(input_shape):
                return None  # the batch axis, or no such axis
            rest = (1,) if keepdims else ()
            return (*input_shape[:pos], *rest, *input_shape[pos + 1 :])
        return None

    def activation(self, args: BoundArgs) -> str | None:
        return None
