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
import math
import os
import tempfile
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy

from seqlint.runtime import callbacks as callbacks_module
from seqlint.runtime import constraints as constraints_module
from seqlint.runtime import losses as losses_module
from seqlint.runtime import metrics as metrics_module
from seqlint.runtime import optimizers as optimizers_module
from seqlint.runtime import regularizers as regularizers_module
from seqlint.runtime.backend import Backend, get_backend
from seqlint.runtime.core import IndexedSlices, Layer, Variable, unique_name

_FLOATX = "float32"
_FLOAT_TYPES = ("float16", "float32", "float64")
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


def floatx() -> str:
    """The default float type of new models (``"float32"`` like Keras)."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Keras's ``keras.config.set_floatx``: the dtype of models created afterwards."""
    global _FLOATX
    name = numpy.dtype(value).name
    if name not in _FLOAT_TYPES:
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of {_FLOAT_TYPES}")
    _FLOATX = name


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
        self.dtype = numpy.dtype(dtype).name if dtype is not None else floatx()
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


def _as_array(value: Any, what: str) -> numpy.ndarray:
    if value is None:
        raise ValueError(f"{what} is None")
    if isinstance(value, (list, tuple)) and len(value) == 1 and hasattr(value[0], "shape"):
        value = value[0]
    if isinstance(value, dict):
        if len(value) != 1:
            raise ValueError(f"a Sequential model takes one {what} array, got keys {list(value)}")
        value = next(iter(value.values()))
    arr = numpy.asarray(value) if not hasattr(value, "__cuda_array_interface__") else value
    if arr.ndim == 0:
        raise ValueError(f"{what} must have a batch axis, got a scalar")
    return arr  # type: ignore[no-any-return]


def _default_batch_size(n: int, steps: int | None, batch_size: int | None = None) -> int:
    """Keras's array adapter: the given batch size, else ``ceil(n / steps)`` when ``steps`` is
    given, else 32."""
    if batch_size:
        return int(batch_size)
    return int(math.ceil(n / int(steps))) if steps else 32


class _Batches:
    """The training batches of ``fit`` like Keras's ``EpochIterator`` on arrays: consecutive
    slices (a permutation per pass when shuffling). With ``steps_per_epoch``, an epoch takes the
    next ``steps_per_epoch`` batches and the position carries over to the next epoch; a pass
    that runs out of batches ends the epoch early and the next epoch starts a new pass."""

    def __init__(self, n: int, batch_size: int, steps_per_epoch: int | None) -> None:
        self.n = n
        self.batch_size = batch_size
        self.num_batches = math.ceil(n / batch_size)
        self.steps_per_epoch = None if steps_per_epoch is None else int(steps_per_epoch)
        self._seen: int | None = None
        self._order: Any = None

    def epoch(self, rng: numpy.random.Generator | None) -> Iterable[tuple[int, Any]]:
        """``(step, index)`` for each batch of one epoch (``rng`` shuffles each new pass)."""
        if self._seen is None or self.steps_per_epoch is None:
            self._seen = 0
            self._order = None if rng is None else rng.permutation(self.n)
        for step in range(self.steps_per_epoch or self.num_batches):
            if self._seen >= self.num_batches:
                warnings.warn(
                    "Your input ran out of data; interrupting training. Make sure that your "
                    "dataset or generator can generate at least `steps_per_epoch * epochs` "
                    "batches.",
                    stacklevel=3,
                )
                break
            lo = self._seen * self.batch_size
            hi = min(lo + self.batch_size, self.n)
            self._seen += 1
            yield step, (slice(lo, hi) if self._order is None else self._order[lo:hi])
        if self._seen >= self.num_batches:
            self._seen = None


def _take(arr: Any, index: Any) -> Any:
    return None if arr is None else arr[index]


def _float(value: Any) -> float:
    return float(value)


class Sequential:
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
        for layer in self._layers:
            self._prepare(layer)
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

    def _ensure_built_for(self, x: Any) -> None:
        if not self.built or any(not layer.built for layer in self._layers):
            self.build((None, *x.shape[1:]))

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
        if not overwrite and os.path.exists(filepath):
            raise FileExistsError(f"{filepath} exists (pass overwrite=True to replace it)")
        directory = os.path.dirname(os.path.abspath(filepath))
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=directory)
        try:
            with os.fdopen(fd, "wb") as f:
                numpy.savez(f, **arrays)
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

    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        loss_weights: Any = None,
        metrics: Any = None,
        weighted_metrics: Any = None,
        run_eagerly: bool = False,
        steps_per_execution: int = 1,
        jit_compile: Any = "auto",
        auto_scale_loss: bool = True,
    ) -> None:
        """Set the optimizer, loss and metrics (strings or objects, like Keras)."""
        self.optimizer = optimizers_module.get(optimizer)
        loss = self._single(loss, "loss")
        self.loss = None if loss is None else losses_module.get(loss)
        lw = self._single(loss_weights, "loss_weights")
        self.loss_weight = 1.0 if lw is None else float(lw)
        self._metric_ids = self._metric_list(metrics, "metrics")
        self._weighted_metric_ids = self._metric_list(weighted_metrics, "weighted_metrics")
        self._metrics = None
        self._weighted_metrics = None
        self._loss_tracker = metrics_module.Mean(name="loss", dtype=self.dtype)
        self.compiled = True

    @staticmethod
    def _single(value: Any, what: str) -> Any:
        if isinstance(value, (list, tuple)):
            if len(value) != 1:
                raise ValueError(f"a Sequential model has one output: `{what}` needs one entry")
            return value[0]
        if isinstance(value, dict):
            if len(value) != 1:
                raise ValueError(f"a Sequential model has one output: `{what}` needs one entry")
            return next(iter(value.values()))
        return value

    @staticmethod
    def _metric_list(value: Any, what: str) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, dict):
            if len(value) != 1:
                raise ValueError(f"a Sequential model has one output: `{what}` needs one entry")
            value = next(iter(value.values()))
        if isinstance(value, (str, metrics_module.Metric)) or callable(value):
            value = [value]
        out = list(value)
        if len(out) == 1 and isinstance(out[0], (list, tuple)):
            out = list(out[0])
        return out

    def _resolve_metrics(self, y: Any, y_pred: Any) -> None:
        if self._metrics is not None:
            return
        resolved: list[metrics_module.Metric] = []
        weighted: list[metrics_module.Metric] = []
        for ids, out in ((self._metric_ids, resolved), (self._weighted_metric_ids, weighted)):
            for identifier in ids:
                metric = metrics_module.get_compiled(identifier, y, y_pred)
                if isinstance(identifier, str):
                    metric.name = identifier
                if metric._dtype is None:
                    metric.dtype = self.dtype
                out.append(metric)
        # Keras's log keys for repeated names: "acc", "acc_1", ... among the metrics;
        # "weighted_acc", "weighted_acc_1", ... for a weighted metric whose name is taken
        counters: dict[str, int] = {}
        for metric, is_weighted in [(m, False) for m in resolved] + [(m, True) for m in weighted]:
            name = metric.name
            if name == "loss":
                raise ValueError("a compiled metric cannot be named 'loss'")
            if name in counters and is_weighted:
                name = f"weighted_{name}"
            if name in counters:
                counters[name] += 1
                metric.name = f"{name}_{counters[name] - 1}"
            else:
                counters[name] = 1
                metric.name = name
        self._metrics = resolved
        self._weighted_metrics = weighted

    @property
    def metrics(self) -> list[metrics_module.Metric]:
        """The loss tracker, then the compiled metrics (once resolved on data)."""
        out: list[metrics_module.Metric] = []
        if self._loss_tracker is not None:
            out.append(self._loss_tracker)
        out.extend(self._metrics or [])
        out.extend(self._weighted_metrics or [])
        return out

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    def _metrics_result(self) -> dict[str, float]:
        logs = {m.name: _float(m.result()) for m in self.metrics}
        return dict(sorted(logs.items()))

    def _flatten_in_order(self, logs: dict[str, float]) -> float | list[float]:
        names = self.metrics_names
        results = [logs[n] for n in names if n in logs]
        results += [logs[k] for k in sorted(logs) if k not in names]
        return results[0] if len(results) == 1 else results

    def _assert_compiled(self, method: str) -> None:
        if not self.compiled or self.optimizer is None:
            raise ValueError(f"You must call `compile()` before calling `{method}()`.")
        if self.loss is None:
            raise ValueError(
                f"You must call `compile()` with a `loss` before calling `{method}()`."
            )

    # ---- computation -----------------------------------------------------------------------

    def _to_device(self, arr: Any, dtype: Any = None) -> Any:
        return None if arr is None else self.backend.asarray(arr, dtype=dtype)

    def _cast_input(self, x: Any) -> Any:
        x = self._to_device(x)
        if self._input is not None and self._input.explicit_dtype:
            x = x.astype(self._input.dtype, copy=False)
        return x

    def _forward(self, x: Any, training: bool) -> Any:
        x = self._cast_input(x)
        self._ensure_built_for(x)
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
        if getattr(self, "_output_mask", None) is not None:
            raise NotImplementedError(
                "a loss on a masked output (Keras leaves the masked steps out of the loss and "
                "the metrics) is not supported by seqlint.runtime"
            )
        fused = self._fused_loss()
        if fused is not None:
            j = self._logits_layer()
            logits = None if j is None else getattr(self._layers[j], "logits", None)
            if logits is not None:
                value, grad = fused.value_and_grad(y, logits, sample_weight, need_grad=need_grad)
                return value, grad, True
        value, grad = self.loss.value_and_grad(y, y_pred, sample_weight, need_grad=need_grad)
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

    def _update_metrics(self, y: Any, y_pred: Any, sample_weight: Any) -> None:
        y_h = self.backend.to_numpy(y)
        p_h = self.backend.to_numpy(y_pred)
        self._resolve_metrics(y_h, p_h)
        sw = None if sample_weight is None else self.backend.to_numpy(sample_weight)
        for m in self._metrics or []:
            m.update_state(y_h, p_h)
        for m in self._weighted_metrics or []:
            m.update_state(y_h, p_h, sample_weight=sw)

    def _train_step(self, x: Any, y: Any, sample_weight: Any) -> dict[str, float]:
        assert self.optimizer is not None and self._loss_tracker is not None
        y_pred = self._forward(x, training=True)
        y_d = self._to_device(y)
        sw = self._to_device(sample_weight)
        value, grad, fused = self._loss_value_and_grad(y_d, y_pred, sw, need_grad=True)
        if self.loss_weight != 1.0:
            value, grad = value * self.loss_weight, grad * self.loss_weight
        self._backward(grad, fused)
        value = self._regularization(value, with_grad=True)
        variables = self.trainable_weights
        self.optimizer.apply([v.grad for v in variables], variables)
        for var, constraint in self._weight_constraints():
            var.value[...] = constraint(var.value)
        self._loss_tracker.update_state(self.backend.to_numpy(value), sample_weight=len(x))
        self._update_metrics(y_d, y_pred, sw)
        return self._metrics_result()

    def _test_step(self, x: Any, y: Any, sample_weight: Any) -> dict[str, float]:
        assert self._loss_tracker is not None
        y_pred = self._forward(x, training=False)
        y_d = self._to_device(y)
        sw = self._to_device(sample_weight)
        value, _, _ = self._loss_value_and_grad(y_d, y_pred, sw, need_grad=False)
        value = self._regularization(value * self.loss_weight, with_grad=False)
        self._loss_tracker.update_state(self.backend.to_numpy(value), sample_weight=len(x))
        self._update_metrics(y_d, y_pred, sw)
        return self._metrics_result()

    # ---- data ------------------------------------------------------------------------------

    @staticmethod
    def _class_weights(y: Any, class_weight: dict[int, float] | None, sw: Any) -> Any:
        if not class_weight:
            return sw
        if sw is not None:
            raise ValueError("You cannot `class_weight` and `sample_weight` at the same time.")
        y = numpy.asarray(y)
        if y.ndim > 1 and y.shape[-1] > 1:
            labels = numpy.argmax(y, axis=-1)
        else:
            labels = numpy.round(y.reshape(len(y), -1)[:, 0]).astype(numpy.int64)
        return numpy.array([float(class_weight.get(int(c), 1.0)) for c in labels])

    @staticmethod
    def _check_lengths(x: Any, y: Any, sw: Any) -> None:
        n = len(x)
        if y is not None and len(y) != n:
            raise ValueError(
                f"Data cardinality is ambiguous: x has {n} samples but y has {len(y)} samples. "
                "Make sure all arrays contain the same number of samples."
            )
        if sw is not None and len(sw) != n:
            raise ValueError(f"sample_weight has {len(sw)} entries but x has {n} samples")

    # ---- fit / evaluate / predict ----------------------------------------------------------

    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: int | str = "auto",
        callbacks: Iterable[callbacks_module.Callback] | None = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool | str = True,
        class_weight: dict[int, float] | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int = 1,
    ) -> callbacks_module.History:
        """Train for ``epochs`` epochs; returns the :class:`History` (Keras's logs per epoch)."""
        self._assert_compiled("fit")
        x = _as_array(x, "x")
        if y is None:
            raise ValueError("fit() needs targets `y` (seqlint.runtime models are supervised)")
        y = _as_array(y, "y")
        sw = None if sample_weight is None else numpy.asarray(sample_weight)
        self._check_lengths(x, y, sw)
        if batch_size is not None:
            batch_size = int(batch_size)
            if batch_size <= 0:
                raise ValueError(f"batch_size must be positive, got {batch_size}")
        batch_arg = batch_size
        val: tuple[Any, Any, Any] | None = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
                raise ValueError(
                    "validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
                    f"val_sample_weight), got {type(validation_data).__name__}"
                )
            xv = _as_array(validation_data[0], "validation x")
            yv = _as_array(validation_data[1], "validation y")
            swv = None if len(validation_data) < 3 else validation_data[2]
            self._check_lengths(xv, yv, swv)
            val = (xv, yv, swv)
        elif validation_split:
            if not 0.0 < validation_split < 1.0:
                raise ValueError(f"validation_split must be in (0, 1), got {validation_split}")
            split_at = int(math.floor(len(x) * (1.0 - validation_split)))
            if split_at == 0 or split_at == len(x):
                raise ValueError(
                    f"validation_split={validation_split} leaves no training or no validation "
                    f"samples out of {len(x)}"
                )
            val = (x[split_at:], y[split_at:], None if sw is None else sw[split_at:])
            x, y = x[:split_at], y[:split_at]
            sw = None if sw is None else sw[:split_at]
        # class weights become the training samples' weights (Keras: after the validation split,
        # so the held-out samples are not class-weighted)
        sw = self._class_weights(y, class_weight, sw)
        n = len(x)
        if n == 0:
            raise ValueError("fit() got no training samples")
        self._ensure_built_for(self._cast_input(x[:1]))
        if batch_size is None:
            batch_size = _default_batch_size(n, steps_per_epoch)
        batches = _Batches(n, batch_size, steps_per_epoch)
        steps = min(batches.num_batches, int(steps_per_epoch or batches.num_batches))
        verbose_level = 1 if verbose == "auto" else int(verbose)
        cbs = callbacks_module.CallbackList(
            callbacks,
            add_history=True,
            add_progbar=verbose_level != 0,
            model=self,
            verbose=verbose_level,
            epochs=epochs,
            steps=steps,
        )
        self.stop_training = False
        cbs.on_train_begin()
        epoch_logs: dict[str, Any] = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            for step, index in batches.epoch(self._rng if shuffle else None):
                cbs.on_train_batch_begin(step)
                logs = self._train_step(x[index], y[index], _take(sw, index))
                cbs.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            epoch_logs = self._metrics_result()
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_arrays(
                    *val,
                    batch_size=validation_batch_size
                    or _default_batch_size(len(val[0]), validation_steps, batch_arg),
                    steps=validation_steps,
                    callbacks=cbs,
                )
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        cbs.on_train_end(epoch_logs)
        assert cbs.history is not None
        self.history = cbs.history
        return cbs.history

    def _evaluate_arrays(
        self,
        x: Any,
        y: Any,
        sample_weight: Any,
        batch_size: int,
        steps: int | None,
        callbacks: callbacks_module.CallbackList,
    ) -> dict[str, float]:
        self.reset_metrics()
        n = len(x)
        n_steps = math.ceil(n / batch_size)
        if steps is not None:
            n_steps = min(n_steps, int(steps))
        callbacks.on_test_begin()
        logs: dict[str, float] = {}
        for step in range(n_steps):
            index = slice(step * batch_size, min((step + 1) * batch_size, n))
            callbacks.on_test_batch_begin(step)
            logs = self._test_step(x[index], y[index], _take(sample_weight, index))
            callbacks.on_test_batch_end(step, logs)
        logs = self._metrics_result()
        callbacks.on_test_end(logs)
        return logs

    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        sample_weight: Any = None,
        steps: int | None = None,
        callbacks: Iterable[callbacks_module.Callback] | None = None,
        return_dict: bool = False,
    ) -> Any:
        """The loss (and metrics) on ``x, y`` with ``training=False``: a float, a list
        ``[loss, *metrics]`` in ``metrics_names`` order, or a dict (``return_dict=True``)."""
        self._assert_compiled("evaluate")
        x = _as_array(x, "x")
        if y is None:
            raise ValueError("evaluate() needs targets `y`")
        y = _as_array(y, "y")
        sw = None if sample_weight is None else numpy.asarray(sample_weight)
        self._check_lengths(x, y, sw)
        if len(x) == 0:
            raise ValueError("evaluate() got no samples")
        self._ensure_built_for(self._cast_input(x[:1]))
        batch_size = _default_batch_size(len(x), steps, batch_size)
        verbose_level = 1 if verbose == "auto" else int(verbose)
        cbs = callbacks_module.CallbackList(callbacks, model=self, verbose=verbose_level)
        bar = callbacks_module.Progbar(math.ceil(len(x) / batch_size), verbose=verbose_level)
        logs = self._evaluate_arrays(x, y, sw, batch_size, steps, cbs)
        if verbose_level:
            bar.update(bar.target or 0, logs, finalize=True)
        return logs if return_dict else self._flatten_in_order(logs)

    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        steps: int | None = None,
        callbacks: Iterable[callbacks_module.Callback] | None = None,
    ) -> numpy.ndarray:
        """The model's outputs on ``x`` (``training=False``), batch by batch, as NumPy."""
        x = _as_array(x, "x")
        n = len(x)
        batch_size = _default_batch_size(n, steps, batch_size)
        n_steps = math.ceil(n / batch_size)
        if steps is not None:
            n_steps = min(n_steps, int(steps))
        cbs = callbacks_module.CallbackList(callbacks, model=self)
        bar = callbacks_module.Progbar(n_steps, verbose=1 if verbose == "auto" else int(verbose))
        cbs.on_predict_begin()
        outputs = []
        for step in range(n_steps):
            index = slice(step * batch_size, min((step + 1) * batch_size, n))
            cbs.on_predict_batch_begin(step)
            out = self.backend.to_numpy(self._forward(x[index], training=False))
            outputs.append(out)
            cbs.on_predict_batch_end(step, {"outputs": out})
        cbs.on_predict_end()
        if not outputs:
            self._ensure_built_for(self._cast_input(x[:1]) if n else x)
            shape = (0, *(d or 0 for d in (self.output_shape or (None,))[1:]))
            return numpy.zeros(shape, dtype=self.dtype)
        bar.update(n_steps, finalize=True)
        return numpy.concatenate(outputs, axis=0)

    def train_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        class_weight: dict[int, float] | None = None,
        return_dict: bool = False,
    ) -> Any:
        """One optimizer step on one batch; the metrics are reset first (Keras 3 calls
        ``reset_metrics()`` in ``train_on_batch``), so the logs describe this batch only."""
        self._assert_compiled("train_on_batch")
        x = _as_array(x, "x")
        y = _as_array(y, "y")
        sw = None if sample_weight is None else numpy.asarray(sample_weight)
        self._check_lengths(x, y, sw)
        sw = self._class_weights(y, class_weight, sw)
        self.reset_metrics()
        logs = self._train_step(x, y, sw)
        return logs if return_dict else self._flatten_in_order(logs)

    def test_on_batch(
        self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False
    ) -> Any:
        self._assert_compiled("test_on_batch")
        x = _as_array(x, "x")
        y = _as_array(y, "y")
        sw = None if sample_weight is None else numpy.asarray(sample_weight)
        self._check_lengths(x, y, sw)
        self.reset_metrics()
        logs = self._test_step(x, y, sw)
        return logs if return_dict else self._flatten_in_order(logs)

    def predict_on_batch(self, x: Any) -> numpy.ndarray:
        return self.backend.to_numpy(self._forward(_as_array(x, "x"), training=False))

    # ---- summary ---------------------------------------------------------------------------

    def summary(
        self,
        line_length: int | None = None,
        positions: Sequence[float] | None = None,
        print_fn: Callable[..., Any] | None = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Any = None,
    ) -> None:
        """Print Keras 3's table: layer (type), output shape, parameter count, totals."""
        from seqlint.report.summary import format_shape, readable_size

        if self._input is not None and not self.built and self._layers:
            self._try_build()
        headers = ["Layer (type)", "Output Shape", "Param #"]
        if show_trainable:
            headers.append("Trainable")
        rows: list[list[str]] = []
        for layer in self._layers:
            shape = format_shape(layer.output_shape) if layer.built else "?"
            params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
            row = [f"{layer.name} ({layer.class_name})", shape, params]
            if show_trainable:
                row.append("Y" if layer.trainable else "N")
            rows.append(row)
        widths = [
            max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
            for i, h in enumerate(headers)
        ]
        widths = [max(w, m) for w, m in zip(widths, (31, 22, 13, 9), strict=False)]
        if line_length is not None:
            extra = line_length - (sum(widths) + 3 * len(widths) + 1)
            if extra > 0:
                widths[0] += extra

        def border(left: str, mid: str, right: str, fill: str) -> str:
            return left + mid.join(fill * (w + 2) for w in widths) + right

        def line(cells: Sequence[str], sep: str) -> str:
            parts = []
            for i, (c, w) in enumerate(zip(cells, widths, strict=True)):
                parts.append(" " + (c.rjust(w) if i == 2 else c.ljust(w)) + " ")
            return sep + sep.join(parts) + sep

        out = [f'Model: "{self.name}"']
        out.append(border("┏", "┳", "┓", "━"))
        out.append(line(headers, "┃"))
        out.append(border("┡", "╇", "┩", "━"))
        for i, row in enumerate(rows):
            out.append(line(row, "│"))
            if i < len(rows) - 1:
                out.append(border("├", "┼", "┤", "─"))
        out.append(border("└", "┴", "┘", "─"))

        def size(variables: Sequence[Variable]) -> tuple[int, float]:
            count = sum(int(numpy.prod(v.shape)) for v in variables)
            nbytes = sum(int(numpy.prod(v.shape)) * v.value.dtype.itemsize for v in variables)
            return count, float(nbytes)

        built = all(layer.built for layer in self._layers)
        total = size(self.weights) if built else (0, 0.0)
        trainable = size(self.trainable_weights) if built else (0, 0.0)
        non_trainable = size(self.non_trainable_weights) if built else (0, 0.0)
        out.append(f" Total params: {total[0]:,} ({readable_size(total[1])})")
        out.append(f" Trainable params: {trainable[0]:,} ({readable_size(trainable[1])})")
        out.append(
            f" Non-trainable params: {non_trainable[0]:,} ({readable_size(non_trainable[1])})"
        )
        if self.optimizer is not None and self.optimizer.built:
            opt = size(self.optimizer.variables)
            out.append(f" Optimizer params: {opt[0]:,} ({readable_size(opt[1])})")
        emit = print_fn or print
        emit("\n".join(out))

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
