"""``seqlint run``: build an extracted model in :mod:`seqlint.runtime` and prove it learns.

Nothing of the user's file is executed: the model is rebuilt from the ModelIR that ``check``
extracted, every argument a plain value seqlint read statically. This module runs the job;
``seqlint.runcheck`` holds its parts: ``build`` (IR to runtime layers), ``compiling``, ``memory``,
``task`` (the data), ``verdict`` (training and scores) and ``diagnosis`` (start and causes).
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy

from seqlint.analysis import Analysis
from seqlint.infer import ModelShapes, format_shape
from seqlint.ir import LayerCall, ModelIR
from seqlint.rules.common import output_activation
from seqlint.runcheck.build import (
    RunError,
    adapt_layers,
    apply_trainable,
    fit_batch_size,
    runtime_layers,
    static_batch_size,
)
from seqlint.runcheck.compiling import choose_compile, fresh_loss, make_optimizer
from seqlint.runcheck.diagnosis import INIT_SEED_STEP, INIT_TRIES, diagnose, precheck, probe_start
from seqlint.runcheck.memory import check_memory, gb, memory_limit
from seqlint.runcheck.task import (
    N_TRAIN,
    N_VAL,
    adapt_corpus,
    embedding_vocab,
    epoch_limit,
    first_layer_adapted,
    read_task,
    synthesize,
    text_input,
)
from seqlint.runcheck.verdict import train

DEFAULT_TIMESTEPS = 16  # for inputs declared as (None, features)


# ---- choosing a model ----------------------------------------------------------------------


Locate = Callable[[int], tuple[int | None, int]]  # file line -> (notebook cell, line in it)


def describe_model(model: ModelIR, locate: Locate | None = None) -> str:
    name = model.variable or model.name or "sequential"
    cell, line = locate(model.loc.line) if locate else (None, model.loc.line)
    where = f"cell {cell}, line {line}" if cell is not None else f"line {line}"
    return f"{name} ({where}, {len(model.entries)} layers)"


def _named(model: ModelIR, wanted: str, locate: Locate | None) -> bool:
    """``--model`` names a model by its variable or name, its line, or ``CELL:LINE`` in a
    notebook (as ``summary`` shows it)."""
    if wanted in (model.variable, model.name):
        return True
    if wanted.isdigit():
        return int(wanted) == model.loc.line
    cell, _, line = wanted.partition(":")
    if locate is None or not (cell.isdigit() and line.isdigit()):
        return False
    return locate(model.loc.line) == (int(cell), int(line))


def _candidates(analysis: Analysis, wanted: str | None) -> list[tuple[ModelIR, ModelShapes]]:
    return [(m, s) for m, s in analysis.models() if not m.nested or wanted is not None]


def select_model(
    analysis: Analysis, wanted: str | None, locate: Locate | None = None
) -> tuple[ModelIR, ModelShapes]:
    """The model ``--model NAME|LINE|CELL:LINE`` names; without it the only one, or the only
    one the file compiles or fits. Ambiguity is a usage error that lists the candidates."""
    models = _candidates(analysis, wanted)
    if not models:
        raise RunError("no Keras Sequential model found in this file", usage=True)
    if wanted is not None:
        for m, s in models:
            if _named(m, wanted, locate):
                return m, s
        listing = "; ".join(describe_model(m, locate) for m, _ in models)
        raise RunError(f"no model named {wanted!r}; models in this file: {listing}", usage=True)
    if len(models) == 1:
        return models[0]
    trained = [(m, s) for m, s in models if m.calls_named("compile", "fit")]
    if len(trained) == 1:
        return trained[0]
    listing = "; ".join(describe_model(m, locate) for m, _ in models)
    raise RunError(
        f"this file has {len(models)} models, choose one with --model NAME|LINE: {listing}",
        usage=True,
    )


def choose_analysis(
    parts: Sequence[tuple[Analysis, Locate | None]], wanted: str | None
) -> tuple[Analysis, Locate | None]:
    """Of a notebook's own code and the files its ``%%writefile`` cells write, the part that
    holds the model ``--model`` names (or the only model); else the notebook itself, so that
    :func:`select_model` explains the choice."""
    holding = [p for p in parts if _candidates(p[0], wanted)]
    if wanted is not None:
        for analysis, locate in holding:
            if any(_named(m, wanted, locate) for m, _ in _candidates(analysis, wanted)):
                return analysis, locate
    elif len(holding) == 1:
        return holding[0]
    return parts[0]


# ---- the run -------------------------------------------------------------------------------


@dataclass
class RunOptions:
    model: str | None = None
    train: bool = False
    epochs: int | None = None
    batch_size: int | None = None
    learning_rate: float | None = None
    data: str | None = None
    input_shape: tuple[int, ...] | None = None
    device: str = "cpu"
    dtype: str = "float32"
    seed: int = 0
    verbose: int = 1
    time_budget: float = 60.0  # seconds of training; past it the verdict is inconclusive
    memory_limit: float | None = None  # bytes; None: half the machine's RAM
    # called with each section of the text report as soon as it is known (summary, forward
    # pass, data) so that the epochs' progress comes after them
    echo: Callable[[str], None] | None = None
    locate: Locate | None = None  # for notebooks: where a model is, in cells


@dataclass
class RunResult:
    model_name: str
    input_shape: tuple[int | None, ...]
    compile_reason: str
    data_source: str
    learns: bool | None = None
    reasons: list[str] = field(default_factory=list)
    history: dict[str, list[float]] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    forward_shape: tuple[int, ...] | None = None
    notes: list[str] = field(default_factory=list)
    inconclusive: str | None = None  # why the run could not decide (exit 3)
    model: Any = None  # the trained runtime model, for --save-weights / --plot
    shown_notes: int = 0  # notes already echoed while the run went on

    @property
    def verdict(self) -> str | None:
        if self.inconclusive is not None:
            return "inconclusive"
        if self.learns is None:
            return None
        return "learns" if self.learns else "does not learn"

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model_name,
            "input_shape": list(self.input_shape),
            "compile": self.compile_reason,
            "data": self.data_source,
            "forward_output_shape": list(self.forward_shape) if self.forward_shape else None,
            "history": self.history,
            "checks": self.checks,
            "verdict": self.verdict,
            "reasons": [self.inconclusive] if self.inconclusive else self.reasons,
            "notes": self.notes,
        }


def resolve_input_shape(
    model: ModelIR, shapes: ModelShapes, override: tuple[int, ...] | None
) -> tuple[int, ...]:
    if override is not None:
        return override
    dims = shapes.input_shape[1:] if shapes.input_shape is not None else None
    if dims is not None and all(d is not None for d in dims):
        return tuple(int(d) for d in dims)  # type: ignore[arg-type]
    if (
        dims is not None
        and len(dims) >= 2
        and dims[0] is None
        and all(d is not None for d in dims[1:])
    ):
        # a variable-length sequence (of vectors, or of frames for ConvLSTM)
        return (DEFAULT_TIMESTEPS, *(int(d) for d in dims[1:]))  # type: ignore[arg-type]
    known = "unknown" if shapes.input_shape is None else format_shape(shapes.input_shape)
    raise RunError(
        f"the model's input shape is {known} statically: give it with --input-shape "
        "(e.g. --input-shape 28,28,1)",
        usage=True,
    )


# When the file leaves the input shape to its data (``input_dim=x.shape[1]`` of a CSV, a model
# built by ``fit`` on a dataset), the run assumes one, says so, and uses the first the model
# accepts: the rank (features; steps x features; an image; frames of images), then the size.
ASSUMED_SIZES = (32, 64, 128, 224)
_RANKS = ((None,), (None, None), (None, None, None), (None, None, None, None))


def assumed_input_shapes(shapes: ModelShapes) -> list[tuple[int, ...]]:
    """Input shapes to try, in order, for a model whose input shape is not fully known
    statically: its known axes kept, an unknown channel axis of an image (rank >= 3) given 3
    channels, the other unknown axes each size of :data:`ASSUMED_SIZES` in turn."""
    known = shapes.input_shape[1:] if shapes.input_shape is not None else None
    templates = [tuple(known)] if known is not None else list(_RANKS)
    out: list[tuple[int, ...]] = []
    for dims in templates:
        for size in ASSUMED_SIZES:
            last = len(dims) - 1
            filled = tuple(
                int(d) if d is not None else (3 if i == last and last >= 2 else size)
                for i, d in enumerate(dims)
            )
            if filled not in out:
                out.append(filled)
    return out


def load_data(
    path: str, input_shape: tuple[int, ...], limit: float = math.inf
) -> dict[str, numpy.ndarray]:
    """The arrays of an ``.npz``, after checking its members' uncompressed sizes against
    ``limit`` bytes (a small zip can expand to gb)."""
    import zipfile

    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise RunError(f"{path}: cannot read ({exc.strerror or exc})", usage=True) from None
    if magic != b"PK\x03\x04":  # an .npz is a zip archive
        raise RunError(f"{path}: not a valid .npz file (save it with numpy.savez)", usage=True)
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RunError(f"{path}: not a valid .npz file ({exc})", usage=True) from None
    if expanded > limit:
        raise RunError(
            f"{path}: expands to {gb(expanded)}, over the memory limit of {gb(limit)} "
            "(raise it with --memory-limit GB)",
            usage=True,
        )
    try:
        with numpy.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except ValueError as exc:
        if "allow_pickle" in str(exc) or "bject arrays" in str(exc):
            raise RunError(
                f"{path}: holds object arrays, which are not loaded (allow_pickle=False); "
                "save plain numeric arrays",
                usage=True,
            ) from None
        raise RunError(f"{path}: not a valid .npz file ({exc})", usage=True) from None
    except (OSError, EOFError, KeyError) as exc:
        raise RunError(f"{path}: not a valid .npz file ({exc})", usage=True) from None
    except Exception as exc:  # zipfile.BadZipFile and friends: a truncated archive
        raise RunError(f"{path}: not a valid .npz file ({exc})", usage=True) from None
    for key in ("x", "y"):
        if key not in arrays:
            raise RunError(f"{path}: missing array {key!r} (found: {sorted(arrays)})", usage=True)
    if ("x_val" in arrays) != ("y_val" in arrays):
        raise RunError(f"{path}: give both x_val and y_val, or neither", usage=True)
    for key, arr in arrays.items():
        if arr.dtype == object or not (
            numpy.issubdtype(arr.dtype, numpy.number) or arr.dtype == bool
        ):
            raise RunError(f"{path}: array {key!r} is not numeric ({arr.dtype})", usage=True)
    for xk, yk in (("x", "y"), ("x_val", "y_val")):
        if xk not in arrays:
            continue
        x, y = arrays[xk], arrays[yk]
        if tuple(x.shape[1:]) != tuple(input_shape):
            raise RunError(
                f"{path}: {xk} has samples of shape {tuple(x.shape[1:])}, the model takes "
                f"{tuple(input_shape)}",
                usage=True,
            )
        if len(x) != len(y):
            raise RunError(f"{path}: {xk} has {len(x)} samples but {yk} has {len(y)}", usage=True)
        if len(x) == 0:
            raise RunError(f"{path}: {xk} has no samples", usage=True)
    return arrays


def run_model(analysis: Analysis, options: RunOptions) -> RunResult:
    """Build the chosen model in the runtime, run a forward pass and, with ``train``, the
    experiment on the file's task. Raises :class:`RunError` when it cannot be built or run."""
    try:
        result = _run_model(analysis, options)
    except NotImplementedError as exc:
        raise RunError(f"seqlint.runtime cannot run this model: {exc}") from None
    except MemoryError:
        raise RunError(
            "out of memory: lower --batch-size or --input-shape, or raise --memory-limit",
            usage=True,
        ) from None
    for note in result.notes[result.shown_notes :]:  # learned during training
        _echo(options, f"Note: {note}\n")
    return result


def _echo(options: RunOptions, text: str) -> None:
    if options.echo is not None:
        options.echo(text)


def build_runtime(
    model: ModelIR,
    shapes: ModelShapes,
    input_shape: tuple[int, ...],
    options: RunOptions,
    seed: int,
    notes: list[str],
    adapt_on: numpy.ndarray | None = None,
) -> tuple[list[tuple[LayerCall, Any, ModelIR]], Any]:
    """The runtime model with initial weights drawn from ``seed``, frozen as the file says.
    ``adapt_on``: inputs the file's ``adapt()`` learns from before the model is built (a
    vocabulary or a number of bins can size the next layer's input)."""
    from seqlint.runtime import Input, Sequential, set_random_seed

    set_random_seed(seed)
    built = runtime_layers(model, shapes.start, notes)
    if not built:
        raise RunError("the model has no layers")
    if adapt_on is not None:
        adapt_layers(built, adapt_on)
    layers = [layer for _, layer, _ in built]
    check_memory(layers, input_shape, options, 2 if not options.train else N_TRAIN + N_VAL)
    batch = static_batch_size(model, layers)
    try:
        rt = Sequential(
            [Input(shape=input_shape, batch_size=batch), *layers],
            dtype=options.dtype,
            device=options.device,
        )
    except (ValueError, TypeError, NotImplementedError) as exc:
        raise RunError(f"the model cannot be built on input {input_shape}: {exc}") from None
    except RuntimeError as exc:  # e.g. CuPy missing for --device gpu
        raise RunError(str(exc), usage=True) from None
    notes += apply_trainable(built, model, rt)
    return built, rt


def _built_and_probed(
    model: ModelIR,
    shapes: ModelShapes,
    input_shape: tuple[int, ...],
    options: RunOptions,
    notes: list[str],
    rng: numpy.random.Generator,
) -> tuple[Any, Any, numpy.ndarray]:
    """The runtime model on ``input_shape`` and its output on two samples."""
    tried: list[str] = []
    text = text_input(model)
    corpus = adapt_corpus(model, text, input_shape, options.seed)
    built, rt = build_runtime(model, shapes, input_shape, options, options.seed, tried, corpus)
    vocab = embedding_vocab(model)
    batch = rt.input_shape[0]  # a stateful RNN's fixed batch size, else None
    n_probe = batch or 2
    probe = (
        corpus[:n_probe]
        if text is not None and corpus is not None
        else rng.integers(1, vocab, size=(n_probe, *input_shape))
        if vocab is not None
        else rng.normal(size=(n_probe, *input_shape)).astype(options.dtype)
    )
    try:
        out = rt.predict(probe, verbose=0)
    except (ValueError, TypeError, ArithmeticError, NotImplementedError) as exc:
        raise RunError(f"the forward pass fails on input {input_shape}: {exc}") from None
    notes += tried
    return built, rt, out


def _run_model(analysis: Analysis, options: RunOptions) -> RunResult:
    notes: list[str] = []
    model, shapes = select_model(analysis, options.model, options.locate)
    rng = numpy.random.default_rng(options.seed)
    try:
        input_shape = resolve_input_shape(model, shapes, options.input_shape)
    except RunError as unknown:
        first: RunError | None = None
        # a text model reads one string per sample (Keras builds it on the data's shape)
        assumed = [(1,)] if text_input(model) is not None else assumed_input_shapes(shapes)
        for tried in assumed:
            try:
                built, rt, out = _built_and_probed(model, shapes, tried, options, notes, rng)
            except RunError as exc:
                if exc.usage:
                    raise
                first = first or exc
                continue
            input_shape = tried
            notes.insert(
                0,
                f"the file does not give the input shape statically: the run assumes "
                f"{format_shape((None, *tried))}, the first the model accepts (give the real "
                "one with --input-shape)",
            )
            break
        else:
            if first is None:
                raise unknown from None
            raise RunError(f"{unknown.message}; on the assumed one: {first.message}") from None
    else:
        built, rt, out = _built_and_probed(model, shapes, input_shape, options, notes, rng)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        rt.summary()
    result = RunResult(
        model_name=model.variable or model.name or "sequential",
        input_shape=(None, *input_shape),
        compile_reason="",
        data_source="",
        summary=buffer.getvalue(),
        forward_shape=tuple(out.shape),
        notes=notes,
    )
    _echo(options, result.summary)
    assert result.forward_shape is not None  # set just above
    _echo(options, f"Forward pass: {list(result.input_shape)} -> {list(result.forward_shape)}\n")
    for note in notes:
        _echo(options, f"Note: {note}\n")
    result.shown_notes = len(notes)
    if not numpy.all(numpy.isfinite(out)):
        result.learns = False
        result.reasons.append("the forward pass produces NaN/Inf")
        return result
    if not options.train:
        return result
    choice = choose_compile(model, shapes)
    result.compile_reason = choice.reason
    output_shape = tuple(rt.output_shape)
    if None in output_shape[1:] and text_input(model) is not None:
        # text without output_sequence_length: as long as the run's strings (the probe's)
        output_shape = (None, *out.shape[1:])
    task = read_task(model, input_shape, output_shape, choice.loss_kind, options.batch_size)
    batch = rt.input_shape[0]  # a stateful RNN's fixed batch size, else None
    if batch is not None:  # every batch of a stateful model has its fixed size
        trained = options.batch_size or fit_batch_size(model)
        if trained is not None and trained != batch:
            raise RunError(
                "If an RNN is stateful, the batch size of the input sequences must be the same "
                f"as the batch size of the initial state. - Expected batch size: {batch} - "
                f"Received batch size: {trained} (the batch size of fit())"
            )
        task.batch_size = batch
        task.n_train = max(batch, task.n_train // batch * batch)
        task.n_val = max(batch, task.n_val // batch * batch)
        task.sources.append(f"batch_size={batch}, the stateful model's fixed batch size")
    text = text_input(model)
    if text is not None:
        task.text = text
        task.sources.append(f"text of {text.source}")
    if options.data:
        arrays = load_data(options.data, input_shape, memory_limit(options))
        x, y = arrays["x"], arrays["y"]
        if "x_val" in arrays:
            xv, yv = arrays["x_val"], arrays["y_val"]
        else:  # hold out the last fifth to judge learning on samples it did not train on
            cut = max(1, len(x) * 4 // 5)
            x, y, xv, yv = (
                x[:cut],
                y[:cut],
                x[cut:] if cut < len(x) else x,
                y[cut:] if cut < len(y) else y,
            )
        if batch is not None:  # a stateful model runs on whole batches of its fixed size
            x, y = x[: len(x) // batch * batch], y[: len(y) // batch * batch]
            xv, yv = xv[: len(xv) // batch * batch], yv[: len(yv) // batch * batch]
            if not len(x) or not len(xv):
                raise RunError(
                    f"--data has fewer samples than the stateful model's batch size {batch}",
                    usage=True,
                )
        task.n_train, task.n_val = len(x), len(xv)
        task.batch_size = batch or min(options.batch_size or 32, len(x))
        task.per_step = len(output_shape) > 2
        result.data_source = f"{options.data}: {len(x)} training and {len(xv)} held-out samples"
    else:
        x, y, xv, yv = synthesize(task, output_shape, rng, options.dtype)
        if choice.loss_kind in ("sparse", "categorical", "binary"):
            how = f"{task.n_classes} classes, one input prototype per class plus noise"
        elif task.autoencoder:
            how = "the inputs themselves (fit(x, x))"
        else:
            how = "a smooth random function of latent factors that shape the inputs"
        per = "per position" if task.per_step and not task.autoencoder else "per sample"
        result.data_source = (
            f"synthetic, {task.n_train} training + {task.n_val} held-out samples of "
            f"{list((None, *input_shape))}; targets {per}: {how}"
        )
        if task.sources:
            result.data_source += f" ({'; '.join(task.sources)})"
    _echo(options, f"Compile: {result.compile_reason}\nData: {result.data_source}\n")
    max_epochs = options.epochs or epoch_limit(task.file_epochs)
    result.checks["max_epochs"] = max_epochs
    result.checks["batch_size"] = task.batch_size
    fit = model.fit_call
    fit_x = None if fit is None or fit.opaque else fit.arg(0, "x")
    if text is not None or first_layer_adapted(model):
        # what the file's adapt() learns, from the training inputs, before the model is built
        built, rt = build_runtime(model, shapes, input_shape, options, options.seed, [], x)
    result.notes += adapt_layers(built, x, fit_x, options.seed)
    causes = precheck(model, built, rt, task, output_shape, x, embedding_vocab(model, False))
    if causes:
        result.learns = False
        result.reasons.extend(causes)
        return result
    found = output_activation(shapes)
    relu_head = found is not None and found[0] in ("relu", "relu6")
    start = probe_start(rt, built, choice, options, x, y, task.batch_size, relu_head)
    tries = 1
    while not start.healthy and tries < INIT_TRIES:
        # Keras draws a fresh initialisation on every run: a start that is dead by chance
        # (a ReLU head at 0 for every sample) is a risk to report, not the model's verdict
        seed = options.seed + INIT_SEED_STEP * tries
        tries += 1
        again_built, again = build_runtime(model, shapes, input_shape, options, seed, [])
        adapt_layers(again_built, x, fit_x, options.seed)
        retry = probe_start(again, again_built, choice, options, x, y, task.batch_size, relu_head)
        if retry.healthy:
            result.notes.append(
                f"with --seed {options.seed} {start.problem} at initialisation; Keras can "
                f"start like that too (a risk, not a verdict): trained from the initial "
                f"weights of seed {seed} instead"
            )
            built, rt, start = again_built, again, retry
            result.checks["init_seed"] = seed
    start.tries = tries
    dead, initial_loss = start.dead, start.initial_loss
    result.checks["all_layers_get_gradient"] = dead is None
    result.checks["initial_loss"] = initial_loss
    rt.compile(
        optimizer=make_optimizer(choice, options.learning_rate),
        loss=fresh_loss(choice),
        metrics=list(choice.metrics),
    )
    try:
        with numpy.errstate(all="ignore"):  # NaN and overflow are findings, not warnings
            outcome = train(
                rt,
                task,
                (x, y, xv, yv),
                choice.from_logits,
                max_epochs,
                options.time_budget,
                options.verbose,
                early_stop=options.epochs is None,  # --epochs N trains N epochs
            )
    except (ValueError, TypeError) as exc:
        raise RunError(f"the data does not fit the model and loss: {exc}") from None
    result.history = outcome.history
    result.checks.update(outcome.checks)
    losses = outcome.history.get("loss", [])
    final = losses[-1] if losses else initial_loss
    result.checks["final_loss"] = final
    result.model = rt
    if outcome.inconclusive is not None:
        result.inconclusive = outcome.inconclusive
        return result
    result.learns = outcome.learns
    if dead is not None and outcome.learns:
        result.notes.append(f"{dead} received no gradient on the first batch")
    if not outcome.learns:
        result.reasons.extend(diagnose(shapes, choice, outcome, start, final, yv, options))
        if task.labels_shuffled and not options.data:
            result.reasons.insert(
                0,
                "the file shuffles its inputs or its labels alone (np.random.shuffle / "
                "permutation), so the labels no longer belong to the inputs",
            )
    return result
