"""The model's start before training (retried when dead by chance) and the causes of a run
that does not learn."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy

from seqlint.infer import ModelShapes, format_shape
from seqlint.ir import LayerCall, ModelIR
from seqlint.rules.common import output_activation
from seqlint.runcheck.build import RunError, frozen_lines
from seqlint.runcheck.compiling import CompileChoice, fresh_loss, make_optimizer
from seqlint.runcheck.task import Task
from seqlint.runcheck.verdict import Outcome, Score, describe_failure, output_range_cause

if TYPE_CHECKING:
    from seqlint.run import RunOptions


def gradient_check(rt_model: Any, x: numpy.ndarray, y: numpy.ndarray) -> Any:
    """The first trainable layer whose weights get an all-zero gradient on a batch, if any."""
    weights = rt_model.get_weights()
    rt_model.train_on_batch(x, y)
    dead = None
    for layer in rt_model.layers:
        variables = [v for v in layer.trainable_weights]
        if not variables:
            continue
        norms = [
            0.0 if v.grad is None else float(numpy.abs(_dense(v.grad)).sum()) for v in variables
        ]
        if all(n == 0.0 for n in norms):
            dead = layer
            break
    rt_model.set_weights(weights)
    return dead


def _dense(grad: Any) -> Any:
    to_dense = getattr(grad, "to_dense", None)
    return numpy.asarray(to_dense() if to_dense else grad)


INIT_TRIES = 4  # initialisations tried before a dead start is blamed on the model
INIT_SEED_STEP = 7919


@dataclass
class Start:
    """How the model starts before training: dead layers, a silent output, its loss."""

    dead: str | None  # the first layer without gradient, named by the file's line
    silent: bool  # the untrained model outputs 0 for every training sample
    relu_head: bool
    initial_loss: float
    tries: int = 1

    @property
    def healthy(self) -> bool:
        return self.dead is None and not (self.silent and self.relu_head)

    @property
    def problem(self) -> str:
        if self.silent and self.relu_head:
            return "the ReLU output was 0 for every training sample"
        return f"{self.dead} received no gradient"


def probe_start(
    rt: Any,
    built: list[tuple[LayerCall, Any, ModelIR]],
    choice: CompileChoice,
    options: RunOptions,
    x: numpy.ndarray,
    y: numpy.ndarray,
    batch_size: int,
    relu_head: bool,
) -> Start:
    """Compile ``rt`` and look at its untrained state; the weights are left as they were."""
    rt.compile(
        optimizer=make_optimizer(choice, options.learning_rate),
        loss=fresh_loss(choice),
        metrics=list(choice.metrics),
    )
    initial_weights = rt.get_weights()
    try:
        with numpy.errstate(all="ignore"):
            dead_layer = gradient_check(rt, x[:batch_size], y[:batch_size])
            rt.set_weights(initial_weights)
            initial_loss = _loss_of(rt.evaluate(x, y, batch_size=batch_size, verbose=0))
            silent = not numpy.any(rt.predict(x, batch_size=batch_size, verbose=0))
    except (ValueError, TypeError) as exc:
        raise RunError(f"the data does not fit the model and loss: {exc}") from None
    dead = None
    if dead_layer is not None:  # named by the file's line: runtime names count up per process
        call = next((c for c, layer, _ in built if layer is dead_layer), None)
        dead = dead_layer.class_name + (f" (line {call.loc.line})" if call is not None else "")
    return Start(dead, silent, relu_head, initial_loss)


def precheck(
    model: ModelIR,
    built: list[tuple[LayerCall, Any, ModelIR]],
    rt: Any,
    task: Task,
    output_shape: tuple[Any, ...],
    x: numpy.ndarray,
    vocab: int | None,
) -> list[str]:
    """Causes that are certain before any training: nothing to train, ids past the
    vocabulary, one prediction per position against one label per sample."""
    causes: list[str] = []
    if not rt.trainable_weights and rt.weights:
        lines = frozen_lines(built, model)
        where = f" (line {', '.join(map(str, lines))})" if lines else ""
        causes.append(f"every layer is frozen{where}: training changes nothing")
    elif not rt.weights:
        causes.append(
            "the model has no weights: it only transforms its inputs (a preprocessing or "
            "augmentation pipeline), so training changes nothing"
        )
    if vocab is not None and x.size and numpy.issubdtype(x.dtype, numpy.integer):
        top = int(x.max())
        if top >= vocab:
            causes.append(f"token id {top} >= Embedding input_dim {vocab}: Keras fails on it")
    if task.labels_per_sample and len(output_shape) > 2 and not task.autoencoder:
        kind = "token" if task.tokens else "time step" if len(output_shape) == 3 else "position"
        fit = model.fit_call
        where = f" (line {fit.loc.line})" if fit is not None else ""
        causes.append(
            f"the output has one prediction per {kind} {format_shape(output_shape)} but the "
            f"labels are one per sample{where}"
        )
    return causes


def diagnose(
    shapes: ModelShapes,
    choice: CompileChoice,
    outcome: Outcome,
    start: Start,
    final: float,
    yv: numpy.ndarray,
    options: RunOptions,
) -> list[str]:
    """Why a model that trained did not learn, most specific cause first. ``start``: how the
    untrained model was, after ``start.tries`` initialisations."""
    causes: list[str] = []
    initial = start.initial_loss
    tried = (
        f"with --seed {options.seed}"
        if start.tries == 1
        else f"for each of {start.tries} initialisations tried"
    )
    epochs = outcome.checks.get("epochs", 0)
    nan = outcome.checks.get("nan_epoch")
    lr = _learning_rate(choice, options)
    if nan is not None:
        causes.append(
            f"the loss became NaN in epoch {nan}"
            + (f" (learning rate {lr:g})" if lr is not None else "")
        )
        return causes
    losses = outcome.history.get("loss", [])
    peak = max(losses, default=initial)
    if math.isfinite(initial) and peak > 10 * max(initial, 1e-12):
        at = losses.index(peak) + 1
        causes.append(
            f"the loss exploded: {initial:.4g} -> {peak:.4g} in epoch {at}"
            + (f" (learning rate {lr:g})" if lr is not None else "")
        )
    found = output_activation(shapes)
    units = shapes.output_shape[-1] if shapes.output_shape else None
    if found is not None:  # the head itself cannot produce the targets
        cause = output_range_cause(found[0], units, yv)
        if cause is not None and choice.loss_kind not in ("sparse", "categorical"):
            causes.append(cause)
        elif found[0] == "softmax" and units == 1:
            causes.append("a softmax over a single unit always outputs 1.0")
    if start.silent and start.relu_head:
        causes.append(
            "the ReLU output is 0 for every sample from the start (dead at initialisation "
            f"{tried}), so no gradient reaches any layer; a linear output avoids it"
        )
    elif start.dead is not None:
        causes.append(f"{start.dead} never receives a gradient ({tried})")
    if math.isfinite(initial) and abs(final - initial) <= 0.01 * max(abs(initial), 1e-12):
        causes.append(
            f"the loss did not change: {initial:.4g} -> {final:.4g} in {epochs} epochs"
            + (f" (learning rate {lr:g})" if lr is not None and lr < 1e-4 else "")
        )
    held = outcome.checks.get("held_out")
    score = None
    if held is not None:
        score = Score(held["value"], held["goal"], held["chance"], held["metric"])
    causes.append(describe_failure(score, epochs))
    return causes


def _learning_rate(choice: CompileChoice, options: RunOptions) -> float | None:
    if options.learning_rate is not None:
        return options.learning_rate
    opt = choice.optimizer
    rate = getattr(opt, "learning_rate", None)
    try:
        return float(rate) if rate is not None else None
    except (TypeError, ValueError):
        return None


def _loss_of(value: Any) -> float:
    if isinstance(value, (list, tuple)):
        value = value[0]
    if isinstance(value, dict):
        value = value.get("loss", next(iter(value.values())))
    return float(value)
