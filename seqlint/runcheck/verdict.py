"""Training on the task and the verdict: learns, does not learn (with its cause), inconclusive.

The experiment has a fixed size (samples, at most ``MAX_EPOCHS`` epochs) and stops early, on
values only, once held-out samples show learning; the time budget can cut it short, which makes
the verdict *inconclusive*, never "does not learn".
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy

from seqlint.runcheck.task import Task

# held-out accuracy must close this share of the gap between chance and perfect
ACCURACY_GAIN = 0.3
MIN_R2 = 0.2  # regression: share of the held-out target variance explained
PATIENCE = 20  # epochs without a better held-out score before the run gives up


@dataclass
class Outcome:
    learns: bool | None = None  # None: inconclusive (or not trained)
    reasons: list[str] = field(default_factory=list)
    history: dict[str, list[float]] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)
    inconclusive: str | None = None


@dataclass
class Score:
    value: float  # accuracy or R^2 on held-out samples
    goal: float
    chance: float
    what: str  # "accuracy" | "R^2" | "loss ratio"

    @property
    def passed(self) -> bool:
        return math.isfinite(self.value) and self.value >= self.goal


def score(task: Task, pred: numpy.ndarray, y: numpy.ndarray, from_logits: bool) -> Score:
    """How well predictions on held-out samples match the task's targets."""
    pred = numpy.asarray(pred, dtype=numpy.float64)
    if task.loss_kind in ("sparse", "categorical", "binary"):
        if task.loss_kind == "binary":
            guess = (pred > (0.0 if from_logits else 0.5)).astype(int).reshape(-1)
            truth = numpy.rint(numpy.asarray(y, dtype=numpy.float64)).astype(int).reshape(-1)
        else:
            guess = pred.argmax(axis=-1).reshape(-1)
            truth = (
                numpy.asarray(y).argmax(axis=-1).reshape(-1)
                if task.loss_kind == "categorical"
                else numpy.asarray(y).astype(int).reshape(-1)
            )
        if guess.size != truth.size:
            return Score(float("nan"), 1.0, 0.0, "accuracy")
        chance = float(numpy.bincount(truth).max() / truth.size)
        accuracy = float((guess == truth).mean()) if numpy.all(numpy.isfinite(pred)) else 0.0
        return Score(accuracy, chance + ACCURACY_GAIN * (1.0 - chance), chance, "accuracy")
    truth = numpy.asarray(y, dtype=numpy.float64)
    if pred.shape != truth.shape:
        pred = pred.reshape(truth.shape) if pred.size == truth.size else pred
    var = float(((truth - truth.mean(axis=0)) ** 2).mean())
    mse = float(((pred - truth) ** 2).mean()) if numpy.all(numpy.isfinite(pred)) else math.inf
    r2 = 1.0 - mse / var if var > 0 else (1.0 if mse == 0 else -math.inf)
    return Score(r2, MIN_R2, 0.0, "R^2")


def train(
    rt: Any,
    task: Task,
    data: tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray],
    from_logits: bool,
    max_epochs: int,
    time_budget: float,
    verbose: int,
    early_stop: bool = True,
) -> Outcome:
    """Fit until held-out samples show learning (with ``early_stop``), the epochs run out,
    NaN, or time is up."""
    from seqlint.runtime.callbacks import Callback

    x, y, xv, yv = data
    outcome = Outcome()
    scores: list[float] = []
    state: dict[str, Any] = {
        "nan_epoch": None,
        "timed_out": False,
        "passed": False,
        "best": -math.inf,
        "best_epoch": 0,
    }
    start = time.perf_counter()

    class Judge(Callback):
        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            loss = float((logs or {}).get("loss", math.nan))
            if not math.isfinite(loss):
                state["nan_epoch"] = epoch + 1
                self.model.stop_training = True
                return
            predicted = self.model.predict(xv, batch_size=task.batch_size, verbose=0)
            result = score(task, predicted, yv, from_logits)
            scores.append(round(result.value, 6))
            state["score"] = result
            state["passed"] = result.passed
            if result.passed and early_stop:
                self.model.stop_training = True
                return
            if math.isfinite(result.value) and result.value > state["best"] + 0.01:
                state["best"], state["best_epoch"] = result.value, epoch
            if early_stop and epoch - state["best_epoch"] >= PATIENCE:
                self.model.stop_training = True  # no progress: decided on values, not time
            elif time.perf_counter() - start > time_budget:
                state["timed_out"] = True
                self.model.stop_training = True

    history = rt.fit(
        x,
        y,
        batch_size=task.batch_size,
        epochs=max_epochs,
        verbose=verbose,
        shuffle=True,
        callbacks=[Judge()],
    )
    outcome.history = {k: [float(v) for v in vs] for k, vs in history.history.items()}
    result: Score | None = state.get("score")
    name = "val_" + (result.what if result else "score")
    outcome.history[name] = scores
    epochs = len(outcome.history.get("loss", []))
    outcome.checks["epochs"] = epochs
    if result is not None:
        outcome.checks["held_out"] = {
            "metric": result.what,
            "value": result.value,
            "goal": round(result.goal, 6),
            "chance": round(result.chance, 6),
        }
    if state["nan_epoch"] is not None:
        outcome.learns = False
        outcome.checks["nan_epoch"] = state["nan_epoch"]
    elif state["passed"]:
        outcome.learns = True
    elif state["timed_out"]:
        outcome.inconclusive = (
            f"the time budget ({time_budget:g} s) ran out after {epochs} of at most "
            f"{max_epochs} epochs, before held-out samples showed learning; give it more "
            "time with --time-budget SECONDS"
        )
    else:
        outcome.learns = False
    return outcome


def describe_failure(result: Score | None, epochs: int) -> str:
    if result is None:
        return f"nothing was learned in {epochs} epochs"
    if result.what == "accuracy":
        return (
            f"held-out accuracy {result.value:.3f} after {epochs} epochs is no better than "
            f"always predicting the most common class ({result.chance:.3f}); "
            f"{result.goal:.3f} was needed"
        )
    return (
        f"held-out R^2 {result.value:.3f} after {epochs} epochs: the predictions explain "
        f"less than {MIN_R2:.0%} of the targets' variance"
    )


# activation -> (lowest, highest) value it can output
_RANGES = {
    "relu": (0.0, math.inf),
    "relu6": (0.0, 6.0),
    "softplus": (0.0, math.inf),
    "exponential": (0.0, math.inf),
    "sigmoid": (0.0, 1.0),
    "hard_sigmoid": (0.0, 1.0),
    "softmax": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "softsign": (-1.0, 1.0),
}


def output_range_cause(activation: str | None, units: int | None, y: numpy.ndarray) -> str | None:
    """Targets the output activation cannot produce (a ReLU head for negative targets)."""
    if activation == "softmax" and units == 1:
        return "a softmax over a single unit always outputs 1.0"
    bounds = _RANGES.get(activation or "")
    if bounds is None:
        return None
    low, high = bounds
    values = numpy.asarray(y, dtype=numpy.float64)
    outside = float(((values < low) | (values > high)).mean())
    if outside < 0.25:
        return None
    side = "negative " if low == 0.0 and (values < 0).mean() >= 0.25 else ""
    name = {"relu": "ReLU"}.get(activation or "", activation)
    return (
        f"a {name} output cannot produce the {side}targets ({outside:.0%} of them lie outside "
        f"[{low:g}, {high:g}])"
    )
