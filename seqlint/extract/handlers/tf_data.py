"""TensorFlow functions that make tensors a script trains on, and ``tf.data`` pipelines, with
TensorFlow's signatures."""

from __future__ import annotations

from typing import Any

from seqlint.extract.data import Batches, as_int, batched, float_array, shape_of
from seqlint.extract.registry import NOT_HANDLED, Site, handles
from seqlint.ir import ArrayInfo
from seqlint.layers.base import UNKNOWN


@handles("tensorflow.random.normal", "tensorflow.random.truncated_normal")
def normal(
    shape: Any,
    mean: Any = 0.0,
    stddev: Any = 1.0,
    dtype: Any = None,
    seed: Any = None,
    name: Any = None,
) -> ArrayInfo:
    return float_array(shape_of(shape), None, None)


@handles("tensorflow.random.uniform")
def uniform(
    shape: Any,
    minval: Any = 0,
    maxval: Any = None,
    dtype: Any = None,
    seed: Any = None,
    name: Any = None,
) -> ArrayInfo:
    """Floats in [minval, maxval) (maxval 1 when not given)."""
    return float_array(shape_of(shape), minval, 1.0 if maxval is None else maxval)


@handles("tensorflow.zeros", "tensorflow.ones", site=True)
def filled(site: Site, shape: Any, dtype: Any = None, name: Any = None, layout: Any = None) -> Any:
    value = 0.0 if site.qualname == "tensorflow.zeros" else 1.0
    return ArrayInfo(shape=shape_of(shape), kind="float", low=value, high=value)


@handles("tensorflow.one_hot")
def one_hot(
    indices: Any,
    depth: Any,
    on_value: Any = None,
    off_value: Any = None,
    axis: Any = None,
    dtype: Any = None,
    name: Any = None,
) -> Any:
    """One-hot rows of ``depth`` classes, on a new last axis."""
    if axis not in (None, -1) or on_value is not None or off_value is not None:
        return NOT_HANDLED
    n = as_int(depth)
    shape = None
    if isinstance(indices, ArrayInfo) and indices.shape is not None:
        shape = (*indices.shape, n)
    return ArrayInfo(shape, "float", "onehot", n, 0.0, 1.0)


# ---- tf.data --------------------------------------------------------------------------------


@handles("tensorflow.data.Dataset.from_tensor_slices")
def from_tensor_slices(tensors: Any, name: Any = None) -> Batches:
    """A dataset of slices along the first axis of ``x`` or of the pair ``(x, y)``: batching
    restores a (free) batch axis."""
    if isinstance(tensors, tuple) and len(tensors) == 2:
        x, y = tensors
    else:
        x, y = tensors, None
    return Batches(None, source="tf.data", pending=(x, y))


@handles("tensorflow.data.Dataset.batch")
def batch(
    self: Batches,
    batch_size: Any,
    drop_remainder: Any = False,
    num_parallel_calls: Any = None,
    deterministic: Any = None,
    name: Any = None,
) -> Any:
    """Batches of the elements: each array gains a batch axis."""
    if self.pending is None:
        return UNKNOWN
    x, y = self.pending
    xb = batched(x)
    return Batches(None if xb is None else xb.shape, targets=batched(y), source="tf.data")


@handles("tensorflow.data.Dataset.shuffle")
def shuffle(
    self: Batches,
    buffer_size: Any,
    seed: Any = None,
    reshuffle_each_iteration: Any = None,
    name: Any = None,
) -> Batches:
    """The same elements (in another order): what ``fit`` sees is unchanged."""
    return self


@handles("tensorflow.data.Dataset.prefetch")
def prefetch(self: Batches, buffer_size: Any, name: Any = None) -> Batches:
    return self


@handles("tensorflow.data.Dataset.repeat")
def repeat(self: Batches, count: Any = None, name: Any = None) -> Batches:
    return self


@handles("tensorflow.data.Dataset.cache")
def cache(self: Batches, filename: Any = "", name: Any = None) -> Batches:
    return self


@handles("tensorflow.data.Dataset.take", "tensorflow.data.Dataset.skip")
def take(self: Batches, count: Any, name: Any = None) -> Batches:
    """Fewer elements of the same shapes."""
    return self
