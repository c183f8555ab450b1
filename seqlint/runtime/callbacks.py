"""Keras 3 callbacks: the hook names, ``History``, a progress bar and the common callbacks
(EarlyStopping, ReduceLROnPlateau, ModelCheckpoint, LearningRateScheduler, TerminateOnNaN,
CSVLogger), with Keras's semantics (monitor modes, patience, cooldown, file-name templates).
"""

from __future__ import annotations

import csv
import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from typing import IO, Any

import numpy

Logs = dict[str, Any]


class Callback:
    """Base class: override the hooks you need. ``self.model`` and ``self.params`` are set by
    ``fit``/``evaluate``/``predict``."""

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict[str, Any] = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def on_train_begin(self, logs: Logs | None = None) -> None: ...
    def on_train_end(self, logs: Logs | None = None) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None: ...
    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None: ...
    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self.on_batch_end(batch, logs)

    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_test_begin(self, logs: Logs | None = None) -> None: ...
    def on_test_end(self, logs: Logs | None = None) -> None: ...
    def on_test_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_predict_begin(self, logs: Logs | None = None) -> None: ...
    def on_predict_end(self, logs: Logs | None = None) -> None: ...
    def on_predict_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None: ...


class CallbackList(Callback):
    """Dispatches every hook to its callbacks, adding ``History`` and a progress bar like Keras
    (after the user's callbacks, so they see what those add to the logs)."""

    def __init__(
        self,
        callbacks: Iterable[Callback] | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ) -> None:
        super().__init__()
        self.callbacks: list[Callback] = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks must be Callback instances, got {cb!r}")
        self.history: History | None = next(
            (cb for cb in self.callbacks if isinstance(cb, History)), None
        )
        if self.history is None and add_history:
            self.history = History()
            self.callbacks.append(self.history)
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        for cb in self.callbacks:
            cb.set_params(params)

    def _call(self, hook: str, *args: Any) -> None:
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._call("on_train_begin", logs)

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._call("on_train_end", logs)

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self._call("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        self._call("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._call("on_train_batch_end", batch, logs)

    def on_test_begin(self, logs: Logs | None = None) -> None:
        self._call("on_test_begin", logs)

    def on_test_end(self, logs: Logs | None = None) -> None:
        self._call("on_test_end", logs)

    def on_test_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        self._call("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._call("on_test_batch_end", batch, logs)

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs: Logs | None = None) -> None:
        self._call("on_predict_end", logs)

    def on_predict_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        self._call("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._call("on_predict_batch_end", batch, logs)


class History(Callback):
    """``fit`` returns this: ``history.history[key]`` is the list of per-epoch values."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[Any]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        if self.model is not None:
            self.model.history = self

    def __repr__(self) -> str:
        return f"<History keys={list(self.history)} epochs={len(self.epoch)}>"


# ---- progress ---------------------------------------------------------------------------------


def _format_logs(logs: Logs) -> str:
    parts = []
    for k, v in logs.items():
        if isinstance(v, (float, int, numpy.floating, numpy.integer)):
            fv = float(v)
            parts.append(f"{k}: {fv:.4f}" if abs(fv) >= 1e-3 or fv == 0 else f"{k}: {fv:.4e}")
    return " - ".join(parts)


def _format_time(seconds: float, steps: int) -> str:
    per = seconds / max(steps, 1)
    unit = f"{per:.0f}s/step" if per >= 1 else f"{per * 1e3:.0f}ms/step"
    if per < 1e-3:
        unit = f"{per * 1e6:.0f}us/step"
    return f"{seconds:.0f}s {unit}"


class Progbar:
    """Keras-style ``4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: 0.6931`` lines."""

    def __init__(self, target: int | None, verbose: int = 1, stream: IO[str] | None = None):
        self.target = target
        self.verbose = verbose
        self.stream = stream or sys.stdout
        self.start = time.perf_counter()
        self._last_len = 0
        self._interactive = bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, current: int, logs: Logs | None = None, finalize: bool = False) -> None:
        if self.verbose != 1 or (not finalize and not self._interactive):
            return
        elapsed = time.perf_counter() - self.start
        width = 20
        if self.target:
            done = int(width * min(current, self.target) / self.target)
            bar = "\x1b[32m" + "━" * done + "\x1b[0m" + "━" * (width - done)
            if not self._interactive:
                bar = "━" * width
            head = f"{current}/{self.target} {bar}"
        else:
            head = f"{current}"
        line = f"{head} {_format_time(elapsed, current)}"
        text = _format_logs(logs or {})
        if text:
            line += " - " + text
        if self._interactive:
            pad = max(self._last_len - len(line), 0)
            self.stream.write("\r" + line + " " * pad)
            self._last_len = len(line)
            if finalize:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class ProgbarLogger(Callback):
    """Prints ``Epoch i/n`` and a progress bar (verbose 1) or one line per epoch (verbose 2)."""

    def __init__(self) -> None:
        super().__init__()
        self.progbar: Progbar | None = None
        self.epochs = 0
        self.verbose = 1
        self.target: int | None = None

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        self.verbose = int(params.get("verbose", 1) or 0)
        self.epochs = int(params.get("epochs", 1) or 1)
        self.target = params.get("steps")

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        if self.verbose:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)
        self.progbar = Progbar(self.target, verbose=1 if self.verbose else 0)
        self.progbar.start = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self.progbar is not None and self.verbose == 1:
            self.progbar.update(batch + 1, logs)
        self._seen = batch + 1

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.progbar is None or not self.verbose:
            return
        seen = getattr(self, "_seen", self.target or 0)
        elapsed = time.perf_counter() - self.progbar.start
        if self.verbose == 1:
            self.progbar.update(seen, logs, finalize=True)
        else:
            line = f"{seen}/{self.target} - {_format_time(elapsed, seen)}"
            text = _format_logs(logs or {})
            print(line + (" - " + text if text else ""), flush=True)


# ---- monitoring helpers -----------------------------------------------------------------------


def _metric_direction(model: Any, monitor: str) -> str | None:
    """``"up"``/``"down"`` for a monitored key, from the model's metrics (Keras's rule)."""
    name = monitor[4:] if monitor.startswith("val_") else monitor
    if name == "loss":
        return "down"
    for metric in getattr(model, "metrics", []) or []:
        if getattr(metric, "name", None) == name:
            direction = getattr(metric, "direction", None)
            if direction in ("up", "down"):
                return str(direction)
    return None


class EarlyStopping(Callback):
    """Stop training when ``monitor`` stops improving (Keras 3 semantics)."""

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"EarlyStopping mode {mode} is unknown, fallback to auto mode.", stacklevel=2
            )
            mode = "auto"
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.min_delta = abs(min_delta)
        self.mode = mode
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.monitor_op: Callable[[Any, Any], bool] | None = None
        self.wait = 0
        self.stopped_epoch = 0
        self.best: float | None = None
        self.best_weights: list[Any] | None = None
        self.best_epoch = 0

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            less = True
        elif self.mode == "max":
            less = False
        else:
            direction = _metric_direction(self.model, self.monitor)
            if direction is None:
                raise ValueError(
                    f"EarlyStopping callback received monitor={self.monitor} but it cannot "
                    "determine whether that metric should be maximized or minimized. Pass "
                    "`mode='max'` or `mode='min'`."
                )
            less = direction == "down"
        self.monitor_op = numpy.less if less else numpy.greater
        if less:
            self.min_delta *= -1

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def _is_improvement(self, value: float, reference: float | None) -> bool:
        if reference is None:
            return True
        assert self.monitor_op is not None
        return bool(self.monitor_op(value - self.min_delta, reference))

    def get_monitor_value(self, logs: Logs | None) -> Any:
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join((logs or {}).keys())}",
                stacklevel=2,
            )
        return value

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement;
    adds ``learning_rate`` to the epoch logs (so History records it, like Keras)."""

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}"
            )
        self.monitor = monitor
        self.factor = factor
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0
        self.best = 0.0
        self.mode = mode
        self._reset()

    def _reset(self) -> None:
        if self.mode not in ("auto", "min", "max"):
            warnings.warn(
                f"Learning rate reduction mode {self.mode} is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            self.mode = "auto"
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op: Callable[[Any, Any], bool] = lambda a, b: bool(
                numpy.less(a, b - self.min_delta)
            )
            self.best = numpy.inf
        else:
            self.monitor_op = lambda a, b: bool(numpy.greater(a, b + self.min_delta))
            self.best = -numpy.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._reset()

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs if logs is not None else {}
        logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is "
                f"not available. Available metrics are: {','.join(logs.keys())}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(self.model.optimizer.learning_rate)
                if old_lr > numpy.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    self.model.optimizer.learning_rate = new_lr
                    if self.verbose > 0:
                        print(
                            f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate "
                            f"to {new_lr}."
                        )
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


class LearningRateScheduler(Callback):
    """Set the learning rate at each epoch start to ``schedule(epoch, lr)`` (or
    ``schedule(epoch)``); adds ``learning_rate`` to the epoch logs."""

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        lr = float(self.model.optimizer.learning_rate)
        try:
            new_lr = self.schedule(epoch, lr)
        except TypeError:
            new_lr = self.schedule(epoch)
        if not isinstance(new_lr, (float, numpy.floating)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {new_lr}"
            )
        self.model.optimizer.learning_rate = float(new_lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {new_lr}.")

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's loss is NaN or infinite."""

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class CSVLogger(Callback):
    """Stream the epoch logs to a CSV file (``epoch`` then the sorted keys)."""

    def __init__(
        self, filename: str | os.PathLike[str], separator: str = ",", append: bool = False
    ):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer: csv.DictWriter[str] | None = None
        self.keys: list[str] | None = None
        self.append_header = True
        self.csv_file: IO[str] | None = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, encoding="utf-8") as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        self.csv_file = open(self.filename, mode, newline="", encoding="utf-8")  # noqa: SIM115

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}

        def handle(value: Any) -> Any:
            if isinstance(value, numpy.ndarray) and value.ndim > 0:
                return f'"[{", ".join(str(v) for v in value.tolist())}]"'
            return value

        if self.keys is None:
            self.keys = sorted(logs.keys())
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys.extend(["val_" + k for k in self.keys])
        if self.writer is None:
            assert self.csv_file is not None
            fieldnames = ["epoch", *self.keys]
            self.writer = csv.DictWriter(self.csv_file, fieldnames=fieldnames, delimiter=self.sep)
            if self.append_header:
                self.writer.writeheader()
        row: dict[str, Any] = {"epoch": epoch}
        row.update((key, handle(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        assert self.csv_file is not None
        self.csv_file.flush()

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.csv_file is not None:
            self.csv_file.close()
        self.csv_file = None
        self.writer = None


class ModelCheckpoint(Callback):
    """Save the weights (``save_weights_only=True``, an ``.npz``) or the model after each epoch
    or every ``save_freq`` batches; ``save_best_only`` keeps the best ``monitor`` value. Files
    are written atomically (a temporary file renamed into place)."""

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__()
        self.monitor = monitor
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._current_epoch = 0
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq}. Expected save_freq are 'epoch' or integer"
            )
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"ModelCheckpoint mode '{mode}' is unknown, fallback to auto mode.", stacklevel=2
            )
            mode = "auto"
        if not self.filepath.endswith(".npz"):
            raise ValueError(
                "The filepath provided must end in `.npz` (seqlint.runtime saves NumPy archives). "
                f"Received: filepath={self.filepath}"
            )
        if mode == "min" or (
            mode == "auto" and not ("acc" in monitor or monitor.startswith("fmeasure"))
        ):
            self.monitor_op: Callable[[Any, Any], Any] = numpy.less
            self.best = numpy.inf if initial_value_threshold is None else initial_value_threshold
        else:
            self.monitor_op = numpy.greater
            self.best = -numpy.inf if initial_value_threshold is None else initial_value_threshold

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches_seen_since_last_saving += 1
        assert isinstance(self.save_freq, int)
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _get_file_path(self, epoch: int, batch: int | None, logs: Logs) -> str:
        if batch is None or "batch" in logs:
            return self.filepath.format(epoch=epoch + 1, **logs)
        return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)

    def _write(self, filepath: str) -> None:
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def _save_model(self, epoch: int, batch: int | None, logs: Logs | None) -> None:
        logs = logs or {}
        filepath = self._get_file_path(epoch, batch, logs)
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            self._write(filepath)
            return
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            return
        if self.monitor_op(current, self.best):
            if self.verbose > 0:
                print(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                    f"{current:.5f}, saving model to {filepath}"
                )
            self.best = current
            self._write(filepath)
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")


class LambdaCallback(Callback):
    """Callbacks from plain functions: ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``."""

    def __init__(self, **hooks: Callable[..., Any]) -> None:
        super().__init__()
        for name, fn in hooks.items():
            if not name.startswith("on_"):
                raise TypeError(f"unknown hook {name!r}")
            setattr(self, name, fn)
