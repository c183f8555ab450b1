"""``Sequential``: Keras's model API on the runtime layers.

``compile``/``fit``/``evaluate``/``predict``/``train_on_batch`` follow Keras 3's semantics (see
``golden/README.md``, "The fit loop"):

* batches are consecutive slices (the last one partial); ``shuffle=True`` permutes the samples
  each epoch; ``validation_split`` holds out the LAST fraction of the samples, before shuffling;
* each step runs the layers with ``training=True``, computes the loss on the batch, back-propagates
  and applies the optimizer; the epoch's ``loss`` is the batch-size-weighted mean of the batch
  losses (each taken before that batch's update) and the metrics accumulate over the epoch;
* ``val_*`` values come from ``evaluate`` after the epoch's last update (``training=False``);
* when the last layer ends in a softmax/sigmoid and the loss is a crossentropy with
  ``from_logits=False``, the loss is computed from the layer's pre-activation logits and the
  gradient enters the layer through ``backward_from_logits`` (Keras's ``_keras_logits``);
* ``compile(metrics=["accuracy"])`` is resolved from the shapes of the first batch.

Weights are float32 unless the model (``Sequential(..., dtype="float64")``) or
:func:`set_floatx` says otherwise.
"""

from __future__ import annotations

import itertools
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

import numpy

from seqlint.runtime import callbacks as callbacks_module
from seqlint.runtime import constraints as constraints_module
from seqlint.runtime import losses as losses_module
from seqlint.runtime import metrics as metrics_module
from seqlint.runtime import optimizers as optimizers_module
from seqlint.runtime import regularizers as regularizers_module
from seqlint.runtime.backend import Backend, get_backend
from seqlint.runtime.compile_utils import CompiledLossMetrics
from seqlint.runtime.config import floatx, set_floatx
from seqlint.runtime.core import IndexedSlices, Layer, Variable, unique_name
from seqlint.runtime.summary import Summary
from seqlint.runtime.trainer import Trainer, _as_array

_RNG: numpy.random.Generator = numpy.random.default_rng()
_SEEDED = False

WEIGHTS_FORMAT = "seqlint.runtime.weights/1"
# layers whose gradient TensorFlow gives as IndexedSlices (a gather on their first weight)
_LOOKUP_LAYERS = frozenset({"Embedding"})
# the argument prefix of a weight's regularizer/constraint when it is not the weight's name
_WEIGHT_ARG_PREFIX = {
    "recurrent_kernel": "recurrent",
    "depthwise_kernel": "depthwise",
    "pointwise_kernel": "pointwise",
}
MODEL_FORMAT = "seqlint.runtime.model/1"
# layers whose call returns its input tensor itself unless training with a positive rate
_NOISE_RATES = {
    "Dropout": "rate",
    "SpatialDropout1D": "rate",
    "SpatialDropout2D": "rate",
    "SpatialDropout3D": "rate",
    "AlphaDropout": "rate",
    "GaussianDropout": "rate",
    "GaussianNoise": "stddev",
}


def set_random_seed(seed: int) -> None:
    """Seed weight initialisation, dropout masks and shuffling of models built afterwards
    (``keras.utils.set_random_seed``)."""
    global _RNG, _SEEDED
    _RNG = numpy.random.default_rng(seed)
    _SEEDED = True


def _dtype_name(value: Any) -> str:
    if value is None:
        return floatx()
    if isinstance(value, dict):
        value = value.get("config", {}).get("name", value.get("name"))
    name = getattr(value, "name", value)
    if isinstance(name, str) and name.startswith("mixed_"):
        raise NotImplementedError(
            f"dtype policy {name!r}: mixed precision is not supported by seqlint.runtime"
        )
    return numpy.dtype(name).name


def _input_dtype_name(dtype: Any) -> str:
    """An ``Input`` dtype's name; ``"string"`` (``tf.string``, ``str``) stays ``"string"``."""
    name = getattr(dtype, "name", dtype)
    if name in ("string", "str", str, object) or dtype is str:
        return "string"
    return numpy.dtype(dtype).name


class InputLayer:
    """What :func:`Input` returns: the model's input shape and dtype (a ``KerasTensor``)."""

    class_name = "InputLayer"

    def __init__(
        self,
        shape: Sequence[int | None] | None = None,
        batch_size: int | None = None,
        dtype: Any = None,
        sparse: bool | None = None,
        batch_shape: Sequence[int | None] | None = None,
        name: str | None = None,
        tensor: Any = None,
        optional: bool = False,
    ) -> None:
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if batch_shape is None:
            if shape is None:
                raise ValueError("You must pass a `shape` argument.")
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size, *shape)
        if tensor is not None:
            raise NotImplementedError("Input(tensor=...) is not supported by seqlint.runtime")
        if sparse:
            raise NotImplementedError("Input(sparse=True) is not supported by seqlint.runtime")
        self.batch_shape: tuple[int | None, ...] = tuple(
            None if d is None else int(d) for d in batch_shape
        )
        self.explicit_dtype = dtype is not None
        self.dtype = _input_dtype_name(dtype) if dtype is not None else floatx()
        self.name = name or unique_name("input_layer")
        self.optional = optional

    @property
    def shape(self) -> tuple[int | None, ...]:
        return self.batch_shape

    def get_config(self) -> dict[str, Any]:
        return {
            "batch_shape": list(self.batch_shape),
            "dtype": self.dtype,
            "sparse": False,
            "name": self.name,
        }

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.batch_shape}, dtype={self.dtype}, name={self.name}>"


def Input(  # noqa: N802 - Keras's name
    shape: Sequence[int | None] | None = None,
    batch_size: int | None = None,
    dtype: Any = None,
    sparse: bool | None = None,
    batch_shape: Sequence[int | None] | None = None,
    name: str | None = None,
    tensor: Any = None,
    optional: bool = False,
) -> InputLayer:
    """``keras.Input``: declares the input shape (batch axis excluded) of a model."""
    return InputLayer(shape, batch_size, dtype, sparse, batch_shape, name, tensor, optional)


class Sequential(Trainer, CompiledLossMetrics, Summary):
    """A linear stack of layers: ``Sequential([Input(shape=(8,)), layers.Dense(4)])``."""

    def __init__(
        self,
        layers: Iterable[Any] | None = None,
        trainable: bool = True,
        name: str | None = None,
        *,
        dtype: Any = None,
        device: str = "cpu",
    ) -> None:
        self.name = name or unique_name("sequential")
        self.trainable = trainable
        self.dtype: str = _dtype_name(dtype)
        self.backend: Backend = get_backend(device)
        self._layers: list[Layer] = []
        self._input: InputLayer | None = None
        self.built = False
        self.compiled = False
        self.optimizer: optimizers_module.Optimizer | None = None
        self.loss: losses_module.Loss | None = None
        self.loss_weight: float = 1.0
        self._metric_ids: list[Any] = []
        self._weighted_metric_ids: list[Any] = []
        self._metrics: list[metrics_module.Metric] | None = None
        self._weighted_metrics: list[metrics_module.Metric] | None = None
        self._loss_tracker: metrics_module.Mean | None = None
        self.stop_training = False
        self.history: callbacks_module.History | None = None
        self._rng = numpy.random.default_rng(_RNG.integers(2**63)) if _SEEDED else _RNG
        self._lookup_inputs: dict[int, Any] = {}
        self._penalties: list[tuple[Variable, regularizers_module.Regularizer]] | None = None
        self._activity: dict[int, regularizers_module.Regularizer] | None = None
        self._relu_pairs: list[int] | None = None
        self._activity_outputs: dict[int, Any] = {}
        self._last_training = False
        self._constraints: list[tuple[Variable, constraints_module.Constraint]] | None = None
        for layer in layers or ():
            self.add(layer)

    # ---- structure -------------------------------------------------------------------------

    @property
    def layers(self) -> list[Layer]:
        """The layers, without the input (like Keras 3)."""
        return list(self._layers)

    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Append a layer (or, first, an :func:`Input`)."""
        if isinstance(layer, InputLayer):
            if self._layers or self._input is not None:
                raise ValueError(
                    "An `Input` can only be the first element of a Sequential model "
                    f"({self.name!r} already has {'layers' if self._layers else 'an input'})."
                )
            self._input = layer
            return
        if isinstance(layer, Sequential):
            raise NotImplementedError("nesting a Sequential model is not supported")
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `keras.Layer` can be added to a Sequential model. "
                f"Received: {layer!r} (of type {type(layer)})"
            )
        if any(existing.name == layer.name for existing in self._layers):
            raise ValueError(
                "All layers added to a Sequential model should have unique names. Name "
                f'"{layer.name}" is already the name of a layer in this model. Update the '
                "`name` argument to pass a unique name."
            )
        if not self._layers and self._input is None:
            shape = self._declared_input_shape(layer)
            if shape is not None:
                self._input = InputLayer(batch_shape=shape)
        self._layers.append(layer)
        self._penalties = self._constraints = self._activity = self._relu_pairs = None
        if rebuild and self._input is not None:
            self._try_build()

    @staticmethod
    def _declared_input_shape(layer: Layer) -> tuple[int | None, ...] | None:
        values = layer.args.values
        batch_input_shape = values.get("batch_input_shape")
        if isinstance(batch_input_shape, (tuple, list)):
            return tuple(batch_input_shape)
        input_shape = values.get("input_shape")
        if isinstance(input_shape, int):
            input_shape = (input_shape,)
        if isinstance(input_shape, (tuple, list)):
            batch = values.get("batch_size")
            return (batch if isinstance(batch, int) else None, *input_shape)
        input_dim = values.get("input_dim")
        if isinstance(input_dim, int):
            return (None, input_dim)
        return None

    def pop(self, rebuild: bool = True) -> Layer:
        if not self._layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        self.built = False
        self._penalties = self._constraints = self._activity = self._relu_pairs = None
        if rebuild and self._input is not None and self._layers:
            self._try_build()
        return layer

    def _try_build(self) -> None:
        assert self._input is not None
        self.build(self._input.batch_shape)

    def _prepare(self, layer: Layer) -> None:
        """Give an unbuilt layer the model's device and (unless it has its own) dtype."""
        if layer.built:
            return
        layer.backend = self.backend
        if layer.args.values.get("dtype") is None:
            layer.dtype = numpy.dtype(self.dtype).type
        if layer.seed is None and _SEEDED:
            layer.seed = int(self._rng.integers(2**31))

    def build(self, input_shape: Sequence[int | None] | None = None) -> None:
        """Create the weights of every layer for ``input_shape`` (batch axis first)."""
        if input_shape is None:
            if self._input is None:
                raise ValueError(
                    "You must provide an `input_shape` argument (or add an `Input`) to build "
                    f"model {self.name!r}."
                )
            input_shape = self._input.batch_shape
        shape: tuple[Any, ...] = tuple(input_shape)
        if self._input is None:
            self._input = InputLayer(batch_shape=(None, *shape[1:]))
        # a declared batch size, or a model built on its first batch: stateful RNNs keep
        # states of that batch size (Keras fixes it the same way)
        batch = shape[0] if isinstance(shape[0], int) else None
        for i, layer in enumerate(self._layers):
            self._prepare(layer)
            self._refuse_several_outputs(i)
            if hasattr(layer, "static_batch"):
                layer.static_batch = batch
            try:
                layer.ensure_built((None, *shape[1:]))
            except ValueError as exc:
                raise ValueError(
                    f"Layer {layer.name!r} ({layer.class_name}) cannot be built on input shape "
                    f"{(None, *shape[1:])}: {exc}"
                ) from exc
            assert layer.output_shape is not None
            shape = tuple(layer.output_shape)
        self.built = True
        self._penalties = self._constraints = self._activity = self._relu_pairs = None

    def _refuse_several_outputs(self, i: int) -> None:
        """A layer returning several tensors (``LSTM(return_state=True)``): the next layer
        fails as in Keras 3; as the last layer it would make a multi-output model."""
        layer = self._layers[i]
        count = getattr(layer, "returned_tensors", 1)
        if count == 1:
            return
        if i + 1 < len(self._layers):
            raise ValueError(
                f'Layer "{self._layers[i + 1].name}" expects 1 input(s), but it received '
                f"{count} input tensors."
            )
        if self.built:  # Keras builds such a model; using it needs several outputs
            raise NotImplementedError(
                f"{layer.class_name}: return_state=True as the last layer gives the model {count} "
                "outputs (the output and the states); several outputs are not supported by "
                "seqlint.runtime"
            )

    def _ensure_built_for(self, x: Any) -> None:
        if not self.built or any(not layer.built for layer in self._layers):
            batch = len(x) if self._input is None else self._input.batch_shape[0]
            self.build((batch, *x.shape[1:]))

    @property
    def input_shape(self) -> tuple[int | None, ...] | None:
        return None if self._input is None else self._input.batch_shape

    @property
    def output_shape(self) -> tuple[int | None, ...] | None:
        if not self.built or not self._layers:
            return self.input_shape
        out = self._layers[-1].output_shape
        return None if out is None else tuple(out)

    # ---- weights ---------------------------------------------------------------------------

    @property
    def weights(self) -> list[Variable]:
        """All variables in Keras order: layer by layer, each in creation order."""
        return [w for layer in self._layers for w in layer.weights]

    variables = weights

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        return [w for layer in self._layers for w in layer.trainable_weights]

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self) -> list[Variable]:
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self.weights if id(w) not in trainable]

    non_trainable_variables = non_trainable_weights

    def _require_built(self, what: str) -> None:
        if not self.built:
            if self._input is not None and self._layers:
                self._try_build()
                return
            raise ValueError(
                f"You tried to call `{what}` on model {self.name!r}, but it isn't built. Add an "
                "`Input` or call `build(input_shape)` (or fit/predict on data) first."
            )

    def count_params(self) -> int:
        self._require_built("count_params")
        return sum(int(numpy.prod(w.shape)) for w in self.weights)

    def get_weights(self) -> list[numpy.ndarray]:
        """``model.get_weights()``: copies, in Keras's order and shapes."""
        self._require_built("get_weights")
        return [self.backend.to_numpy(w.value).copy() for w in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        self._require_built("set_weights")
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(
                f"You called `set_weights(weights)` on model {self.name!r} with a weight list "
                f"of length {len(weights)}, but the model expects {len(variables)} weights "
                f"({', '.join(v.name for v in variables)})."
            )
        for i, (var, value) in enumerate(zip(variables, weights, strict=True)):
            arr = numpy.asarray(value) if not hasattr(value, "__cuda_array_interface__") else value
            if tuple(arr.shape) != var.shape:
                raise ValueError(
                    f"weight {i} ({var.name}) has shape {var.shape} in the model, got an array "
                    f"of shape {tuple(arr.shape)}"
                )
        for var, value in zip(variables, weights, strict=True):
            var.assign(self.backend.asarray(value, dtype=var.value.dtype))

    @staticmethod
    def _atomic_savez(filepath: str, arrays: dict[str, Any], overwrite: bool) -> None:
        # a symlink is written through, as numpy.savez(path) and Keras do: the link stays
        # and its target is replaced (atomically, beside the target)
        if os.path.islink(filepath):
            filepath = os.path.realpath(filepath)
        if os.path.exists(filepath) and not os.path.isfile(filepath):
            # (renaming over a device or FIFO would replace it, as root even /dev/full)
            raise ValueError(f"{filepath} is not a regular file: weights go to a .npz file")
        if not overwrite and os.path.exists(filepath):
            raise FileExistsError(f"{filepath} exists (pass overwrite=True to replace it)")
        directory = os.path.dirname(os.path.abspath(filepath))
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=directory)
        try:
            with os.fdopen(fd, "wb") as f:
                numpy.savez(f, **arrays)
                # mkstemp makes 0600; numpy.savez (and Keras) leave an existing file's mode
                # and give a new one 0666 less the umask
                os.fchmod(f.fileno(), _new_file_mode(filepath))
            os.replace(tmp, filepath)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    @staticmethod
    def _check_path(filepath: Any) -> str:
        path = os.fspath(filepath)
        if not path.endswith(".npz"):
            raise ValueError(
                "seqlint.runtime saves NumPy archives: the filepath must end in `.npz`. "
                f"Received: filepath={path}"
            )
        return path

    def _weight_arrays(self) -> dict[str, Any]:
        weights = self.get_weights()
        arrays: dict[str, Any] = {f"w{i:04d}": w for i, w in enumerate(weights)}
        arrays["__names__"] = numpy.array([v.name for v in self.weights], dtype=str)
        return arrays

    def save_weights(self, filepath: str | os.PathLike[str], overwrite: bool = True) -> None:
        """Save ``get_weights()`` to an ``.npz`` (written to a temporary file, then renamed)."""
        path = self._check_path(filepath)
        self._require_built("save_weights")
        arrays = self._weight_arrays()
        arrays["__format__"] = numpy.array(WEIGHTS_FORMAT)
        self._atomic_savez(path, arrays, overwrite)

    def load_weights(self, filepath: str | os.PathLike[str]) -> None:
        """Load weights saved by :meth:`save_weights` (or :meth:`save`); a mismatched file is
        a ``ValueError`` naming the first difference, and the model is left unchanged."""
        path = self._check_path(filepath)
        self._require_built("load_weights")
        try:
            data = numpy.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path} is not a seqlint.runtime weights file: {exc}") from exc
        with data:
            fmt = str(data["__format__"]) if "__format__" in data.files else None
            if fmt not in (WEIGHTS_FORMAT, MODEL_FORMAT):
                raise ValueError(
                    f"{path} is not a seqlint.runtime weights file (no '__format__' entry "
                    f"{WEIGHTS_FORMAT!r})"
                )
            keys = sorted(k for k in data.files if k.startswith("w") and k[1:].isdigit())
            names = [str(n) for n in data["__names__"]] if "__names__" in data.files else keys
            arrays = [data[k] for k in keys]
        variables = self.weights
        if len(arrays) != len(variables):
            raise ValueError(
                f"Weight file {path} holds {len(arrays)} arrays but model {self.name!r} has "
                f"{len(variables)} weights: the file was saved from a different architecture "
                f"(file: {', '.join(names)}; model: {', '.join(v.name for v in variables)})."
            )
        for i, (var, arr) in enumerate(zip(variables, arrays, strict=True)):
            if tuple(arr.shape) != var.shape:
                saved = names[i] if i < len(names) else f"array {i}"
                raise ValueError(
                    f"Weight file {path} does not match model {self.name!r}: weight {i} "
                    f"({var.name}) has shape {var.shape} in the model but {tuple(arr.shape)} "
                    f"in the file (saved as {saved})."
                )
        self.set_weights(arrays)

    def save(self, filepath: str | os.PathLike[str], overwrite: bool = True) -> None:
        """Save the configuration (JSON) and the weights in one ``.npz``; see :func:`load_model`."""
        path = self._check_path(filepath)
        self._require_built("save")
        try:
            config = json.dumps(self.get_config())
        except TypeError as exc:
            raise TypeError(
                f"model {self.name!r} has a layer argument that cannot be saved as JSON ({exc}); "
                "use save_weights() instead"
            ) from exc
        arrays = self._weight_arrays()
        arrays["__format__"] = numpy.array(MODEL_FORMAT)
        arrays["__config__"] = numpy.array(config)
        self._atomic_savez(path, arrays, overwrite)

    # ---- configuration ---------------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        layer_configs: list[dict[str, Any]] = []
        if self._input is not None:
            layer_configs.append(
                {
                    "module": "keras.layers",
                    "class_name": "InputLayer",
                    "config": self._input.get_config(),
                }
            )
        for layer in self._layers:
            layer_configs.append(
                {
                    "module": "keras.layers",
                    "class_name": layer.class_name,
                    "config": layer.get_config(),
                }
            )
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": self.dtype,
            "layers": layer_configs,
            "build_input_shape": None if self._input is None else list(self._input.batch_shape),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        from seqlint.runtime import layers as layers_module

        model = cls(name=config.get("name"), dtype=config.get("dtype"))
        model.trainable = bool(config.get("trainable", True))
        for entry in config.get("layers", []):
            class_name = entry["class_name"]
            layer_config = dict(entry.get("config") or {})
            if class_name == "InputLayer":
                model.add(
                    InputLayer(
                        batch_shape=layer_config.get("batch_shape"),
                        dtype=layer_config.get("dtype"),
                        name=layer_config.get("name"),
                    )
                )
                continue
            layer_cls = getattr(layers_module, class_name, None)
            if layer_cls is None:
                raise ValueError(f"Unknown layer: {class_name!r}")
            model.add(layer_cls(**layer_config), rebuild=False)
        shape = config.get("build_input_shape")
        if shape is not None:
            model.build(tuple(shape))
        return model

    # ---- compile ---------------------------------------------------------------------------

    def _to_device(self, arr: Any, dtype: Any = None) -> Any:
        return None if arr is None else self.backend.asarray(arr, dtype=dtype)

    def _cast_input(self, x: Any) -> Any:
        if self._input is not None and self._input.dtype == "string":
            return numpy.asarray(x, dtype=object)  # text stays on the host (text layers)
        x = self._to_device(x)
        if self._input is not None and self._input.explicit_dtype:
            x = x.astype(self._input.dtype, copy=False)
        return x

    def _forward(self, x: Any, training: bool) -> Any:
        x = self._cast_input(x)
        self._ensure_built_for(x)
        if self._layers:
            self._refuse_several_outputs(len(self._layers) - 1)
        self._lookup_inputs = {}
        self._activity_outputs = {}
        self._last_training = bool(training)
        activity = self._activity_regularizers()
        pairs = self._relu_before_max_pool()
        for i in pairs:
            self._layers[i].defer_relu = self._layers[i + 1].relu_after = True  # type: ignore[attr-defined]
        mask = None  # Keras's mask (mask_zero, Masking), handed from layer to layer
        try:
            for i, layer in enumerate(self._layers):
                if training and layer.class_name in _LOOKUP_LAYERS:
                    self._lookup_inputs[i] = x
                layer.mask = mask  # type: ignore[attr-defined]
                x_in = x
                x = layer.forward(x, training=training)
                mask = layer.compute_mask(x_in, mask)  # type: ignore[attr-defined]
                if i in activity:
                    self._activity_outputs[i] = x
        finally:
            for i in pairs:
                self._layers[i].defer_relu = self._layers[i + 1].relu_after = False  # type: ignore[attr-defined]
        self._output_mask = mask
        return x

    def _relu_before_max_pool(self) -> list[int]:
        """Layers whose plain ReLU the 1D/2D max pooling after them applies instead.

        ``relu(max(x)) == max(relu(x))``, and where the maximum is positive the first maximum
        is the same element, so values and gradients are unchanged (TF's ReLU gradient is 0
        at 0). The ReLU and its mask then run on the pooled values, a quarter of them for
        2x2 pooling: a few percent of a small CNN's epoch. Only set for the model's own pass.
        """
        if self._relu_pairs is None:
            pairs = []
            activity = self._activity_regularizers()
            for i, (layer, nxt) in enumerate(itertools.pairwise(self._layers)):
                act = getattr(layer, "activation", None)
                if (
                    getattr(act, "plain", False)
                    and hasattr(layer, "defer_relu")
                    and getattr(nxt, "relu_after", None) is False
                    and getattr(nxt, "rank", 3) < 3
                    and i not in activity
                    and layer.dtype == nxt.dtype
                ):
                    pairs.append(i)
            self._relu_pairs = pairs
        return self._relu_pairs

    def _activity_regularizers(self) -> dict[int, regularizers_module.Regularizer]:
        """Layer index -> its ``activity_regularizer`` (Keras adds ``reg(output) / batch`` to
        the loss on every call, training or not)."""
        if self._activity is None:
            found = {}
            for i, layer in enumerate(self._layers):
                reg = regularizers_module.get(layer.args.values.get("activity_regularizer"))
                if reg is not None:
                    found[i] = reg
            self._activity = found
        return self._activity

    def _activity_penalty(self) -> Any:
        """``sum(reg(output) / batch_size)`` over the last forward's regularized outputs."""
        total: Any = 0.0
        for i, out in self._activity_outputs.items():
            total = total + self._activity_regularizers()[i](out) / out.dtype.type(out.shape[0])
        return total

    def _activity_grad(self, i: int) -> Any:
        """d penalty / d output of layer ``i`` (``None`` when it has no activity regularizer)."""
        out = self._activity_outputs.get(i)
        if out is None:
            return None
        return self._activity_regularizers()[i].gradient(out) / out.dtype.type(out.shape[0])

    def __call__(self, x: Any, training: bool = False) -> Any:
        return self._forward(_as_array(x, "x"), training)

    @staticmethod
    def _passes_through(layer: Layer, training: bool) -> bool:
        """Whether Keras's ``layer.call`` returns its input tensor itself in this mode (so the
        logits Keras caches on a softmax/sigmoid output survive it): Identity, a linear
        Activation, and the dropout/noise layers outside training or with a zero rate."""
        name = layer.class_name
        if name == "Identity":
            return True
        if name == "Activation":
            return getattr(getattr(layer, "activation", None), "name", None) == "linear"
        if name in _NOISE_RATES:
            return not training or not float(layer.args.values.get(_NOISE_RATES[name]) or 0) > 0
        return False

    def _logits_layer(self) -> int | None:
        """Index of the layer whose softmax/sigmoid logits Keras's crossentropy would use for
        the last forward (the last layer, or the one before trailing pass-through layers)."""
        if not self._layers or self.loss is None:
            return None
        j = len(self._layers) - 1
        while j > 0 and self._passes_through(self._layers[j], self._last_training):
            j -= 1
        layer = self._layers[j]
        act = getattr(layer, "activation", None)
        if getattr(act, "name", None) not in ("softmax", "sigmoid"):
            return None
        axis = getattr(act, "kwargs", {}).get("axis", -1)
        if isinstance(axis, tuple) and len(axis) > 1:
            return None  # Keras's multi-axis Softmax is exp(x - logsumexp): no cached logits
        if not callable(getattr(layer, "backward_from_logits", None)):
            return None
        return j

    def _fused_loss(self) -> losses_module.Loss | None:
        """The logits loss when the output carries softmax/sigmoid logits (else ``None``)."""
        if self._logits_layer() is None or self.loss is None:
            return None
        return self.loss.with_logits()

    def _loss_value_and_grad(
        self, y: Any, y_pred: Any, sample_weight: Any, need_grad: bool
    ) -> tuple[Any, Any, bool]:
        assert self.loss is not None
        # a mask still on the output (mask_zero / Masking through per-step layers): Keras
        # weights the loss by it, valid steps by total / valid and masked ones by 0
        mask = getattr(self, "_output_mask", None)
        fused = self._fused_loss()
        if fused is not None:
            j = self._logits_layer()
            logits = None if j is None else getattr(self._layers[j], "logits", None)
            if logits is not None:
                value, grad = fused.value_and_grad(y, logits, sample_weight, need_grad, mask)
                return value, grad, True
        value, grad = self.loss.value_and_grad(y, y_pred, sample_weight, need_grad, mask)
        return value, grad, False

    def _backward(self, grad: Any, from_logits: bool) -> None:
        trainable_layers = [i for i, layer in enumerate(self._layers) if layer.trainable_weights]
        if not trainable_layers or not self.trainable:
            return
        first = trainable_layers[0]
        for var in self.trainable_weights:
            var.grad = None
        last = len(self._layers) - 1
        logits_at = self._logits_layer() if from_logits else None
        extra_out: Any = None
        if logits_at is not None:
            # the pass-through layers after it are identities here: skip them, their activity
            # penalties apply to the same output
            for i in range(logits_at + 1, last + 1):
                e = self._activity_grad(i)
                if e is not None:
                    extra_out = e if extra_out is None else extra_out + e
            last = logits_at
        try:
            self._backward_layers(grad, last, first, logits_at, extra_out)
        finally:
            self._layers[first].input_grad_needed = True

    def _backward_layers(
        self, grad: Any, last: int, first: int, logits_at: int | None, extra_out: Any
    ) -> None:
        for i in range(last, first - 1, -1):
            layer = self._layers[i]
            layer.input_grad_needed = i > first
            extra = self._activity_grad(i)
            if i == logits_at:
                if extra_out is not None:
                    extra = extra_out if extra is None else extra + extra_out
                if extra is not None:  # the penalty's gradient enters through the activation
                    act = layer.activation  # type: ignore[attr-defined]
                    grad = grad + act.vjp(layer.logits, self._activity_outputs[i], extra)  # type: ignore[attr-defined]
                upstream = grad
                grad = layer.backward_from_logits(grad)  # type: ignore[attr-defined]
            else:
                if extra is not None:
                    grad = grad + extra
                upstream = grad
                grad = layer.backward(grad)
            if i in self._lookup_inputs:
                self._sparse_lookup_grad(layer, self._lookup_inputs[i], upstream)
            if grad is None:
                break

    def _weight_options(self, suffix: str) -> list[tuple[Variable, Any]]:
        """``(variable, argument value)`` for each weight with a ``<weight>_<suffix>`` argument
        (``kernel_regularizer``, ``recurrent_constraint``, ...)."""
        out = []
        for layer in self._layers:
            for var in layer.weights:
                short = var.name.rsplit("/", 1)[-1]
                key = f"{_WEIGHT_ARG_PREFIX.get(short, short)}_{suffix}"
                value = layer.args.values.get(key)
                if value is not None:
                    out.append((var, value))
        return out

    def _weight_penalties(self) -> list[tuple[Variable, regularizers_module.Regularizer]]:
        if self._penalties is None:
            penalties = []
            for var, value in self._weight_options("regularizer"):
                reg = regularizers_module.get(value)
                if reg is not None:
                    penalties.append((var, reg))
            self._penalties = penalties
        return self._penalties

    def _weight_constraints(self) -> list[tuple[Variable, constraints_module.Constraint]]:
        if self._constraints is None:
            found = []
            for var, value in self._weight_options("constraint"):
                constraint = constraints_module.get(value)
                if constraint is not None:
                    found.append((var, constraint))
            self._constraints = found
        return self._constraints

    def _regularization(self, value: Any, with_grad: bool) -> Any:
        """Add the weight penalties to the loss ``value`` (and their gradients to ``grad``), and
        the activity penalties of the last forward (their gradients went through
        :meth:`_backward`)."""
        if self._activity_outputs:
            value = value + self._activity_penalty()
        for var, reg in self._weight_penalties():
            value = value + reg(var.value)
            if with_grad and var.trainable and self.trainable:
                g = var.grad.to_dense() if isinstance(var.grad, IndexedSlices) else var.grad
                extra = reg.gradient(var.value)
                var.grad = extra if g is None else g + extra
        return value

    @staticmethod
    def _sparse_lookup_grad(layer: Layer, indices: Any, upstream: Any) -> None:
        """TensorFlow differentiates an Embedding lookup into ``IndexedSlices`` (one row per
        looked-up index, duplicates kept), which Keras's optimizers square slice by slice; give
        the optimizer the same (unless the layer already stored IndexedSlices)."""
        table = layer.weights[0] if layer.weights else None
        if table is None or table.grad is None or isinstance(table.grad, IndexedSlices):
            return
        rows = upstream.reshape((-1, *table.shape[1:]))
        idx = indices.reshape(-1).astype("int64", copy=False)
        if rows.shape[0] == idx.shape[0]:
            table.grad = IndexedSlices(rows, idx, table.shape)

    def __repr__(self) -> str:
        return f"<Sequential name={self.name}, built={self.built}>"


def load_model(filepath: str | os.PathLike[str]) -> Sequential:
    """Rebuild a model saved by :meth:`Sequential.save` (configuration and weights)."""
    path = os.fspath(filepath)
    with numpy.load(path, allow_pickle=False) as data:
        if "__config__" not in data.files:
            raise ValueError(
                f"{path} holds no model configuration (saved with save_weights?): build the "
                "model and use load_weights() instead"
            )
        config = json.loads(str(data["__config__"]))
    model = Sequential.from_config(config)
    model.load_weights(path)
    return model


__all__ = [
    "Input",
    "InputLayer",
    "Sequential",
    "floatx",
    "load_model",
    "set_floatx",
    "set_random_seed",
]


def _new_file_mode(path: str) -> int:
    """The permission bits ``open(path, "wb")`` would leave: the existing file's, else
    ``0o666`` less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
