"""``compile`` and the compiled loss and metrics of ``Sequential`` (Keras's ``CompileLoss`` /
``CompileMetrics``): resolving identifiers, updating and reading metric state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy

from seqlint.runtime import losses as losses_module
from seqlint.runtime import metrics as metrics_module
from seqlint.runtime import optimizers as optimizers_module
from seqlint.runtime.trainer import _float

if TYPE_CHECKING:
    from seqlint.runtime.backend import Backend


class CompiledLossMetrics:
    """``compile`` and metric bookkeeping; mixed into ``Sequential``."""

    # Attributes this mixin shares with the ``Sequential`` it is mixed into, declared for the
    # type checker only.
    backend: Backend
    dtype: str
    optimizer: optimizers_module.Optimizer | None
    _metrics: list[metrics_module.Metric] | None
    _weighted_metrics: list[metrics_module.Metric] | None
    _loss_tracker: metrics_module.Mean | None

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

    def _update_metrics(self, y: Any, y_pred: Any, sample_weight: Any) -> None:
        y_h = self.backend.to_numpy(y)
        p_h = self.backend.to_numpy(y_pred)
        self._resolve_metrics(y_h, p_h)
        sw = None if sample_weight is None else self.backend.to_numpy(sample_weight)
        mask = getattr(self, "_output_mask", None)
        if mask is not None:
            mask = self.backend.to_numpy(mask)
        for m in self._metrics or []:
            m.update_state(y_h, p_h, **_masked(m, None, mask))
        for m in self._weighted_metrics or []:
            m.update_state(y_h, p_h, **_masked(m, sw, mask))


def _masked(metric: metrics_module.Metric, sample_weight: Any, mask: Any) -> dict[str, Any]:
    """The ``sample_weight`` keyword for ``metric``: Keras's ``MeanMetricWrapper`` (accuracy,
    mae, crossentropies...) weights the steps of a masked output by the mask (0 or 1, times the
    sample weights); the other metrics (AUC, Precision...) do not read the mask."""
    if mask is None or not isinstance(metric, metrics_module.MeanMetricWrapper):
        return {} if sample_weight is None else {"sample_weight": sample_weight}
    weights = mask.astype(metric.dtype)
    if sample_weight is not None:
        weights, sw = losses_module.squeeze_or_expand_to_same_rank(
            weights, numpy.asarray(sample_weight, dtype=metric.dtype)
        )
        weights = sw * weights
    return {"sample_weight": weights}
