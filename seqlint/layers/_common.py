"""Helpers shared by the layer definitions: argument normalisation and Keras's shape checks.

Everything here follows the rule of :mod:`seqlint.layers.base`: an argument that is not a plain,
valid literal is *unknown* and gives ``None``, never a guess.
"""

from __future__ import annotations

from typing import Any

from seqlint.layers.base import (
    UNKNOWN,
    BoundArgs,
    Dim,
    LayerSpec,
    Shape,
    ShapeError,
    WeightSpec,
    as_int,
)


def as_bool(value: Any) -> bool | None:
    """A flag argument (``return_sequences=True``); ``None`` when unknown.

    Keras tests these with ``if value:``, so ``None``/``0``/``1`` count as their truth value.
    """
    if value is None:
        return False
    if isinstance(value, (bool, int)):
        return bool(value)
    return None


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def positive_int(value: Any) -> int | None:
    n = as_int(value)
    return n if n is not None and n > 0 else None


def int_tuple(value: Any, n: int, *, allow_zero: bool = False) -> tuple[int | None, ...] | None:
    """``kernel_size=3`` / ``(3, 3)`` to an ``n``-tuple, like Keras's ``standardize_tuple``.

    Items that are unknown or invalid (negative, or zero unless ``allow_zero``) become ``None``;
    a value of the wrong length or type gives ``None``.
    """
    if value is UNKNOWN or value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        items: tuple[Any, ...] = (value,) * n
    elif isinstance(value, (tuple, list)):
        if len(value) != n:
            return None
        items = tuple(value)
    else:
        return None
    out: list[int | None] = []
    for item in items:
        v = as_int(item)
        if v is None or v < 0 or (v == 0 and not allow_zero):
            out.append(None)
        else:
            out.append(v)
    return tuple(out)


def pair(value: Any) -> tuple[int | None, int | None] | None:
    """An int or a 2-sequence of ints (``(top, bottom)`` style), items may be unknown."""
    t = int_tuple(value, 2, allow_zero=True)
    if t is None:
        return None
    return (t[0], t[1])


def pairs(value: Any, n: int) -> tuple[tuple[int | None, int | None], ...] | None:
    """``ZeroPadding2D``/``Cropping2D`` style: an int, ``n`` ints, or ``n`` pairs."""
    if value is UNKNOWN or value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        v = value if value >= 0 else None
        return tuple((v, v) for _ in range(n))
    if isinstance(value, (tuple, list)) and len(value) == n:
        out = []
        for item in value:
            p = pair(item)
            if p is None:
                return None
            out.append(p)
        return tuple(out)
    return None


def data_format(args: BoundArgs) -> str | None:
    """``"channels_last"`` (Keras's default image data format) or ``"channels_first"``;
    ``None`` when unknown."""
    value = args.get("data_format", None)
    if value is None:
        return "channels_last"
    if isinstance(value, str) and value.lower() in ("channels_last", "channels_first"):
        return value.lower()
    return None


def padding_mode(value: Any, allowed: tuple[str, ...], *, lower: bool = True) -> str | None:
    if not isinstance(value, str):
        return None
    v = value.lower() if lower else value
    return v if v in allowed else None


def fmt_shape(shape: Shape) -> str:
    return (
        "("
        + ", ".join("None" if d is None else str(d) for d in shape)
        + (",)" if len(shape) == 1 else ")")
    )


class InputSpecError(ShapeError):
    """A rank refusal by Keras's ``InputSpec``, checked when the layer is called on a tensor.

    ``TimeDistributed`` does not call its inner layer that way (it only asks for its output
    shape), so there such an error means "unknown", not "Keras refuses"."""


def require_ndim(layer: str, shape: Shape, ndim: int) -> None:
    """Keras's ``InputSpec(ndim=...)`` check."""
    if len(shape) != ndim:
        raise InputSpecError(
            "rank",
            f"Input 0 of layer {layer} is incompatible with the layer: expected ndim={ndim}, "
            f"found ndim={len(shape)}. Full shape received: {fmt_shape(shape)}",
        )


def require_min_ndim(layer: str, shape: Shape, min_ndim: int) -> None:
    """Keras's ``InputSpec(min_ndim=...)`` check."""
    if len(shape) < min_ndim:
        raise InputSpecError(
            "rank",
            f"Input 0 of layer {layer} is incompatible with the layer: expected "
            f"min_ndim={min_ndim}, found ndim={len(shape)}. Full shape received: "
            f"{fmt_shape(shape)}",
        )


def axis_index(axis: Any, ndim: int) -> int | None:
    """A (possibly negative) axis as a non-negative index; ``None`` if unknown.

    Raises ShapeError("rank") when the axis is out of range for a tensor of rank ``ndim``.
    """
    a = as_int(axis)
    if a is None:
        return None
    if not -ndim <= a < ndim:
        raise ShapeError(
            "rank", f"Axis {a} is out of bounds for an input of rank {ndim} (with the batch axis)"
        )
    return a + ndim if a < 0 else a


def dims_product(dims: tuple[Dim, ...] | list[Dim]) -> Dim:
    out = 1
    for d in dims:
        if d is None:
            return None
        out *= d
    return out


def inner_layer(value: Any) -> LayerSpec | None:
    """The wrapped layer of Bidirectional / TimeDistributed, when it is a known definition."""
    if isinstance(value, LayerSpec) and value.definition is not None:
        return value
    return None


def lora(args: BoundArgs) -> int | None:
    """The ``lora_rank`` argument: 0 when off, ``None`` when unknown."""
    value = args.get("lora_rank", None)
    if value is None:
        return 0
    n = as_int(value)
    if n is None or n < 0:
        return None
    return n


def with_lora(
    specs: list[WeightSpec] | None,
    args: BoundArgs,
    kernel: str = "kernel",
    prefix: str = "lora_kernel",
) -> list[WeightSpec] | None:
    """``specs`` with Keras's LoRA weights when ``lora_rank=r`` is set: the ``kernel`` is frozen
    and ``{prefix}_a`` (``kernel.shape[:-1] + (r,)``) and ``{prefix}_b`` (``(r, kernel.shape[-1])``)
    are appended, as ``enable_lora`` does. ``None`` when the rank is unknown."""
    rank = lora(args)
    if specs is None or rank is None:
        return None
    if rank == 0:
        return specs
    main = next(s for s in specs if s.name == kernel)
    out = [s._replace(trainable=False) if s is main else s for s in specs]
    return [
        *out,
        WeightSpec(f"{prefix}_a", (*main.shape[:-1], rank), "he_uniform"),
        WeightSpec(f"{prefix}_b", (rank, main.shape[-1]), "zeros"),
    ]


# ---- argument validation (Keras's constructor checks, with its messages) -------------------


def _plain_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def tuple_error(value: Any, n: int, name: str, *, allow_zero: bool = False) -> str | None:
    """Keras's ``standardize_tuple`` message when it refuses ``value`` (a size, stride, ...),
    ``None`` when it accepts it or the value is not a literal of plain ints."""
    error = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
    if _plain_int(value):
        items: tuple[int, ...] = (value,) * n
    elif isinstance(value, (tuple, list)) and all(_plain_int(v) for v in value):
        if len(value) != n:
            return error
        items = tuple(value)
    else:
        return None
    bad = {v for v in items if (v < 0 if allow_zero else v <= 0)}
    if bad:
        least = ">= 0" if allow_zero else "> 0"
        return f"{error}, including values {bad} that do not satisfy `value {least}`"
    return None


def rate_error(value: Any, name: str = "rate") -> str | None:
    """Dropout-style ``0 <= rate <= 1`` check (Dropout, GaussianDropout, GaussianNoise's stddev)."""
    if _number(value) and not 0 <= value <= 1:
        return (
            f"Invalid value received for argument `{name}`. Expected a float value between 0 "
            f"and 1. Received: {name}={value}"
        )
    return None


def first_error(*errors: str | None) -> str | None:
    """The first of several checks that fails, in Keras's order."""
    return next((e for e in errors if e is not None), None)


class IdentifierError(str):
    """A refused string identifier (``padding``, ``data_format``): ``argument`` names it, so
    that the rule reporting unknown identifiers (with a did-you-mean fix) is not repeated."""

    argument: str = ""


def identifier_error(argument: str, message: str) -> IdentifierError:
    error = IdentifierError(message)
    error.argument = argument
    return error


def data_format_error(value: Any) -> str | None:
    """Keras's ``standardize_data_format`` refusal (it lower-cases the value first)."""
    if isinstance(value, str) and value.lower() not in ("channels_first", "channels_last"):
        return identifier_error(
            "data_format",
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={value.lower()}",
        )
    return None


def padding_error(value: Any, *, causal: bool = False) -> str | None:
    """Keras's ``standardize_padding`` refusal of a padding string (it lower-cases the value;
    Keras prints its set of allowed values, whose order changes from run to run: sorted here)."""
    allowed = ("causal", "same", "valid") if causal else ("same", "valid")
    if isinstance(value, str) and value.lower() not in allowed:
        names = ", ".join(repr(a) for a in allowed)
        return identifier_error(
            "padding",
            f"The `padding` argument must be a list/tuple or one of {{{names}}}. "
            f"Received: {value.lower()}",
        )
    return None


_ORDINALS = ("1st", "2nd", "3rd")


def nested_pairs_error(value: Any, rank: int, name: str) -> str | None:
    """Cropping2D/3D and ZeroPadding2D/3D: an int (Cropping: not negative), or ``rank`` entries
    each an int or a pair of ints >= 0, with Keras's messages."""
    if _plain_int(value):
        if name == "cropping" and value < 0:
            return f"`cropping` cannot be negative. Received: cropping={value}."
        return None
    if not isinstance(value, (tuple, list)):
        return None
    if len(value) != rank:
        if rank == 2:
            return f"`{name}` should have two elements. Received: {name}={value}."
        return f"`{name}` should have {rank} elements. Received: {value}."
    for i, entry in enumerate(value):
        error = tuple_error(entry, 2, f"{_ORDINALS[i]} entry of {name}", allow_zero=True)
        if error is not None:
            return error
    return None
