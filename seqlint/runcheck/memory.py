"""Memory the run would need, estimated before anything is allocated."""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING, Any

import numpy

from seqlint.runcheck.build import RunError

if TYPE_CHECKING:
    from seqlint.run import RunOptions


def memory_limit(options: RunOptions) -> float:
    """The bytes a run may use: ``--memory-limit``, else half the machine's RAM."""
    if options.memory_limit is not None:
        return options.memory_limit
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        total = 8 * 2**30
    return total / 2


def estimate_memory(layers: list[Any], input_shape: tuple[int, ...], batch: int, itemsize: int):
    """(bytes, what) for weights, their gradients and two optimizer slots, plus one batch of
    activations and their gradients; None when a shape cannot be computed up front."""
    shape: tuple[Any, ...] = (None, *input_shape)
    params = 0
    activations = math.prod(input_shape)
    for layer in layers:
        try:
            counted = layer.definition.count_params(layer.args, shape)
            shape = tuple(layer.compute_output_shape(shape))
        except Exception:  # noqa: BLE001 - the build reports the real error
            return None
        params += sum(c for c in counted if c)
        activations += math.prod(d for d in shape[1:] if d is not None)
    weight_bytes = 4 * params * itemsize
    activation_bytes = 2 * batch * activations * itemsize
    return weight_bytes + activation_bytes, (
        f"{params:,} parameters (with gradients and optimizer slots {gb(weight_bytes)}) and "
        f"activations of a batch of {batch} ({gb(activation_bytes)})"
    )


def gb(n: float) -> str:
    return f"{n / 2**30:.3g} GB" if n >= 2**30 else f"{n / 2**20:.3g} MB"


def check_memory(
    layers: list[Any], input_shape: tuple[int, ...], options: RunOptions, samples: int
) -> None:
    itemsize = numpy.dtype(options.dtype).itemsize
    limit = memory_limit(options)
    data_bytes = samples * math.prod(input_shape) * itemsize
    if data_bytes > limit:
        raise RunError(
            f"{samples} samples of shape {input_shape} need {gb(data_bytes)}, over the memory "
            f"limit of {gb(limit)} (raise it with --memory-limit GB)",
            usage=True,
        )
    batch = min(options.batch_size or 32, samples)  # a batch never exceeds the data
    found = estimate_memory(layers, input_shape, batch, itemsize)
    if found is not None and found[0] + data_bytes > limit:
        raise RunError(
            f"the run would need about {gb(found[0] + data_bytes)}: {found[1]}; that is over "
            f"the memory limit of {gb(limit)} (raise it with --memory-limit GB, or use a "
            "smaller --batch-size / --input-shape)",
            usage=True,
        )
