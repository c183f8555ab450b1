"""TensorFlow functions that make tensors a script trains on, and ``tf.data`` pipelines, with
TensorFlow's signatures."""

from __future__ import annotations

from typing import Any

from seqlint.extract import data
from seqlint.extract.data import Batches, as_int, batched, element, float_array, shape_of, stacked
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


@handles("tensorflow.data.Dataset.map", site=True)
def map_(
    site: Site,
    self: Batches,
    map_func: Any,
    num_parallel_calls: Any = None,
    deterministic: Any = None,
    name: Any = None,
) -> Any:
    """Each element ``(x, y)`` through ``map_func`` (a lambda or a function of the file,
    evaluated on the element's shapes): ``lambda x, y: (x / 255, tf.one_hot(y, 10))``. Before
    ``.batch()`` the elements are samples, after it batches."""
    if self.pending is not None:
        x, y = self.pending
        parts = (element(x),) if y is None else (element(x), element(y))
        out = _pair(site.interp.apply(map_func, parts))
        if out is None:
            return Batches(None, source="tf.data")
        return Batches(None, source="tf.data", pending=(stacked(out[0]), stacked(out[1])))
    if self.shape is None or self.targets is None:
        return Batches(None, source="tf.data")
    out = _pair(site.interp.apply(map_func, (ArrayInfo(self.shape, self.kind), self.targets)))
    if out is None:
        return Batches(None, source="tf.data")
    xb, yb = batched(out[0]), batched(out[1])
    return Batches(None if xb is None else xb.shape, targets=yb, source="tf.data")


def _pair(value: Any) -> tuple[Any, Any] | None:
    """``(x, y)`` from what a map function returned (``x`` alone: no labels)."""
    if isinstance(value, tuple) and len(value) in (2, 3):
        return value[0], value[1]
    if isinstance(value, ArrayInfo):
        return value, None
    return None


@handles("tensorflow.data.Dataset.from_generator", site=True)
def from_generator(
    site: Site,
    generator: Any,
    output_types: Any = None,
    output_shapes: Any = None,
    args: Any = None,
    output_signature: Any = None,
    name: Any = None,
) -> Any:
    """A dataset of what ``generator`` yields: followed through the generator function when
    the file defines it, else read from ``output_signature`` (``tf.TensorSpec``s) or
    ``output_shapes``."""
    made = site.interp.apply(generator, ()) if args is None else UNKNOWN
    if isinstance(made, Batches) and made.pending is not None:
        x, y = made.pending
    else:
        spec = output_signature if output_signature is not None else output_shapes
        if not isinstance(spec, tuple) or len(spec) not in (2, 3):
            return Batches(None, source="tf.data")
        x, y = stacked(_spec(spec[0])), stacked(_spec(spec[1]))
    xb = batched(element(x))
    return Batches(
        None if xb is None else xb.shape,
        targets=batched(element(y)),
        source="tf.data",
        pending=(x, y),
    )


def _spec(value: Any) -> ArrayInfo:
    """A ``tf.TensorSpec`` (an ArrayInfo already) or an ``output_shapes`` tuple."""
    if isinstance(value, ArrayInfo):
        return value
    return ArrayInfo(shape_of(value) if isinstance(value, tuple) else None)


@handles("tensorflow.TensorSpec")
def tensor_spec(shape: Any, dtype: Any = None, name: Any = None) -> ArrayInfo:
    """The shape of one element (``None`` dims unknown); nothing of its values."""
    return ArrayInfo(shape_of(shape) if shape is not None else None)


@handles("tensorflow.cast")
def cast(x: Any, dtype: Any, name: Any = None) -> Any:
    """The same tensor as ints or floats."""
    return data.astype(x, dtype) if isinstance(x, ArrayInfo) else UNKNOWN


@handles("tensorflow.expand_dims")
def expand_dims(input: Any, axis: Any, name: Any = None) -> Any:
    return data.expand(input, as_int(axis)) if isinstance(input, ArrayInfo) else UNKNOWN


@handles("tensorflow.reshape")
def reshape(tensor: Any, shape: Any, name: Any = None) -> Any:
    return data.reshape(tensor, (shape,)) if isinstance(tensor, ArrayInfo) else UNKNOWN


@handles("tensorflow.image.resize")
def resize(
    images: Any,
    size: Any,
    method: Any = "bilinear",
    preserve_aspect_ratio: Any = False,
    antialias: Any = False,
    name: Any = None,
) -> Any:
    """Images of ``size`` (height, width), channels kept."""
    hw = shape_of(size)
    if not isinstance(images, ArrayInfo) or images.shape is None or hw is None or len(hw) != 2:
        return UNKNOWN
    if preserve_aspect_ratio is not False or len(images.shape) < 3:
        return ArrayInfo(None, "float")
    return ArrayInfo((*images.shape[:-3], *hw, images.shape[-1]), "float")
