"""The training loops of ``Sequential`` (``fit``/``evaluate``/``predict`` and the per-batch
steps), as Keras's ``Trainer``: they drive the model's forward and backward passes."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy

from seqlint.runtime import callbacks as callbacks_module

if TYPE_CHECKING:
    from seqlint.runtime.backend import Backend
    from seqlint.runtime.constraints import Constraint
    from seqlint.runtime.core import Variable
    from seqlint.runtime.metrics import Mean
    from seqlint.runtime.optimizers import Optimizer


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


class Trainer:
    """fit/evaluate/predict and their batch steps; mixed into ``Sequential``."""

    # What this mixin uses of the ``Sequential`` / ``CompiledLossMetrics`` it is mixed into,
    # declared for the type checker only.
    backend: Backend
    dtype: str
    optimizer: Optimizer | None
    loss_weight: float
    history: callbacks_module.History | None
    _loss_tracker: Mean | None
    _rng: numpy.random.Generator

    if TYPE_CHECKING:

        @property
        def output_shape(self) -> tuple[int | None, ...] | None: ...
        @property
        def trainable_weights(self) -> list[Variable]: ...
        def reset_metrics(self) -> None: ...
        def _metrics_result(self) -> dict[str, float]: ...
        def _flatten_in_order(self, logs: dict[str, float]) -> float | list[float]: ...
        def _assert_compiled(self, method: str) -> None: ...
        def _update_metrics(self, y: Any, y_pred: Any, sample_weight: Any) -> None: ...
        def _to_device(self, arr: Any, dtype: Any = None) -> Any: ...
        def _cast_input(self, x: Any) -> Any: ...
        def _ensure_built_for(self, x: Any) -> None: ...
        def _forward(self, x: Any, training: bool) -> Any: ...
        def _backward(self, grad: Any, from_logits: bool) -> None: ...
        def _regularization(self, value: Any, with_grad: bool) -> Any: ...
        def _weight_constraints(self) -> list[tuple[Variable, Constraint]]: ...
        def _loss_value_and_grad(
            self, y: Any, y_pred: Any, sample_weight: Any, need_grad: bool
        ) -> tuple[Any, Any, bool]: ...

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
        if batch_size is None:
            batch_size = _default_batch_size(n, steps_per_epoch)
        # built on the first batch, as Keras builds a deferred model (its size is static)
        self._ensure_built_for(self._cast_input(x[:batch_size]))
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
        batch_size = _default_batch_size(len(x), steps, batch_size)
        self._ensure_built_for(self._cast_input(x[:batch_size]))
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
