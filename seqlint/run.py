"""``seqlint run``: build an extracted model in :mod:`seqlint.runtime` and prove it learns.

Nothing of the user's file is executed: the model is rebuilt from the ModelIR that ``check``
extracted, every argument a plain value seqlint read statically.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy

from seqlint.analysis import Analysis
from seqlint.extract.values import ListVal, Ref
from seqlint.identifiers import bad_identifier
from seqlint.infer import ModelShapes, format_shape
from seqlint.ir import InputDecl, LayerCall, ModelIR, ObjectCall, TensorCall
from seqlint.layers.base import UNKNOWN, LayerSpec
from seqlint.rules.common import compiled_loss, output_activation

# Arguments that only shape training (not the forward computation). When seqlint cannot read
# them (``kernel_regularizer=l2(1e-4)`` built by a helper), the layer keeps Keras's default.
_OPTIONAL_ARGS = frozenset(
    {
        "kernel_initializer",
        "bias_initializer",
        "recurrent_initializer",
        "embeddings_initializer",
        "depthwise_initializer",
        "pointwise_initializer",
        "gamma_initializer",
        "beta_initializer",
        "moving_mean_initializer",
        "moving_variance_initializer",
        "alpha_initializer",
        "kernel_regularizer",
        "bias_regularizer",
        "recurrent_regularizer",
        "activity_regularizer",
        "embeddings_regularizer",
        "depthwise_regularizer",
        "pointwise_regularizer",
        "gamma_regularizer",
        "beta_regularizer",
        "alpha_regularizer",
        "kernel_constraint",
        "bias_constraint",
        "recurrent_constraint",
        "embeddings_constraint",
        "depthwise_constraint",
        "pointwise_constraint",
        "gamma_constraint",
        "beta_constraint",
        "alpha_constraint",
        "name",
        "dtype",
        "trainable",
        "seed",
        "input_length",
        "mask_zero",
        "input_shape",
        "input_dim",
        "batch_input_shape",
    }
)


DEFAULT_TIMESTEPS = 16  # for inputs declared as (None, features)


class RunError(Exception):
    """The model cannot be run: ``message`` says what is missing. ``usage`` marks user errors
    (exit 2) as opposed to models seqlint cannot build (exit 1)."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


# ---- choosing a model ----------------------------------------------------------------------


def describe_model(model: ModelIR) -> str:
    name = model.variable or model.name or "sequential"
    return f"{name} (line {model.loc.line}, {len(model.entries)} layers)"


def select_model(analysis: Analysis, wanted: str | None) -> tuple[ModelIR, ModelShapes]:
    """The model ``--model NAME|LINE`` names; without it the only one, or the only one the
    file compiles or fits. Ambiguity is a usage error that lists the candidates."""
    models = [(m, s) for m, s in analysis.models() if not m.nested or wanted is not None]
    if not models:
        raise RunError("no Keras Sequential model found in this file", usage=True)
    if wanted is not None:
        for m, s in models:
            if wanted in (m.variable, m.name) or (wanted.isdigit() and int(wanted) == m.loc.line):
                return m, s
        listing = "; ".join(describe_model(m) for m, _ in models)
        raise RunError(f"no model named {wanted!r}; models in this file: {listing}", usage=True)
    if len(models) == 1:
        return models[0]
    trained = [(m, s) for m, s in models if m.calls_named("compile", "fit")]
    if len(trained) == 1:
        return trained[0]
    listing = "; ".join(describe_model(m) for m, _ in models)
    raise RunError(
        f"this file has {len(models)} models, choose one with --model NAME|LINE: {listing}",
        usage=True,
    )


# ---- from IR values to runtime arguments ---------------------------------------------------


class _Unreadable(Exception):
    pass


def plain(value: Any) -> Any:
    """An IR value as the plain Python value a runtime constructor takes."""
    if value is UNKNOWN:
        raise _Unreadable
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, ListVal):
        return [plain(v) for v in value.items]
    if isinstance(value, Ref):
        name = value.activation_name
        if name is not None:
            return name
        raise _Unreadable
    if isinstance(value, (LayerCall, LayerSpec)):
        return build_layer(value if isinstance(value, LayerCall) else None)
    raise _Unreadable


# Arguments the runtime does not simulate but that do not decide whether a model can learn:
# they are dropped with a note. mask_zero only matters when inputs contain the padding id 0,
# which synthetic token data never does.
_DROPPABLE = {"recurrent_dropout": "recurrent dropout", "mask_zero": "masking of token 0"}

NOTES: list[str] = []


def build_layer(call: LayerCall | None) -> Any:
    from seqlint.runtime import layers as rt_layers

    if call is None:
        raise RunError("a wrapped layer could not be read statically")
    cls = None if call.custom else rt_layers.get(call.class_name)
    if cls is None:
        what = "a custom layer" if call.custom else "a layer seqlint.runtime does not implement"
        raise RunError(f"{call.class_name} (line {call.loc.line}) is {what}")
    if call.opaque:
        raise RunError(
            f"{call.class_name} (line {call.loc.line}) takes *args/**kwargs seqlint cannot read"
        )
    definition = call.definition
    names = [p.name for p in definition.params if not p.keyword_only] if definition else []
    kwargs: dict[str, Any] = {}
    for index, value in enumerate(call.args):
        key = names[index] if index < len(names) else f"#{index}"
        try:
            kwargs[key] = plain(value)
        except _Unreadable:
            raise RunError(
                f"{call.class_name} (line {call.loc.line}): argument {key} is not known statically"
            ) from None
    for key, value in call.kwargs.items():
        try:
            kwargs[key] = plain(value)
        except _Unreadable:
            if key in _OPTIONAL_ARGS:
                continue
            raise RunError(
                f"{call.class_name} (line {call.loc.line}): {key}= is not known statically"
            ) from None
    for key, value in kwargs.items():
        if bad_identifier(key, value):
            raise RunError(
                f"{call.class_name} (line {call.loc.line}): Keras does not know {key}={value!r}"
            )
    own = {p.name for p in definition.params} if definition else set()
    for key in ("input_shape", "input_dim", "batch_input_shape"):
        if key not in own:
            kwargs.pop(key, None)  # the runtime model gets its input explicitly
    for key, what in _DROPPABLE.items():
        if kwargs.get(key) not in (None, False, 0, 0.0):
            kwargs.pop(key)
            NOTES.append(f"{call.class_name} (line {call.loc.line}): {what} is not simulated")
    try:
        return cls(**kwargs)
    except NotImplementedError as exc:
        raise RunError(f"{call.class_name} (line {call.loc.line}): {exc}") from None
    except (TypeError, ValueError) as exc:
        raise RunError(f"{call.class_name} (line {call.loc.line}): {exc}") from None


def runtime_layers(model: ModelIR, start: int) -> list[Any]:
    out: list[Any] = []
    for entry in model.entries[start:]:
        item = entry.item
        if isinstance(item, LayerCall):
            out.append(build_layer(item))
        elif isinstance(item, ModelIR):
            from seqlint.infer import declared_input

            _, _, inner_start = declared_input(item)
            out.extend(runtime_layers(item, inner_start))  # a nested Sequential is its layers
        elif isinstance(item, InputDecl):
            continue
        elif isinstance(item, TensorCall):
            raise RunError(f"line {entry.loc.line} adds a tensor, not a layer")
        else:
            raise RunError(f"the layer at line {entry.loc.line} could not be read statically")
    return out


# ---- compile settings ----------------------------------------------------------------------


@dataclass
class CompileChoice:
    optimizer: Any
    loss: Any
    metrics: list[Any]
    reason: str
    loss_kind: str  # binary | categorical | sparse | regression | other
    from_logits: bool = False


def _object(value: Any) -> Any:
    """A string or a Keras optimizer/loss/metric constructor call as a runtime identifier."""
    if isinstance(value, str):
        return value
    if isinstance(value, ObjectCall) and not value.opaque:
        try:
            config = {k: plain(v) for k, v in value.kwargs.items()}
            args = [plain(v) for v in value.args]
        except _Unreadable:
            raise RunError(f"{value.short_name}(...) has arguments seqlint cannot read") from None
        return value.short_name, args, config
    raise RunError("a compile() argument could not be read statically")


def _instantiate(module: Any, ident: Any) -> Any:
    if isinstance(ident, str):
        if ident.lower() in ("accuracy", "acc"):
            return ident  # resolved from the data's shapes at the first batch, like Keras
        try:
            module.get(ident)  # resolve now: a typo is reported here, not mid-training
        except (ValueError, TypeError, KeyError) as exc:
            raise RunError(str(exc)) from None
        return ident
    if isinstance(ident, tuple):
        name, args, config = ident
        cls = getattr(module, name, None)
        if cls is None:
            raise RunError(f"{name} is not available in seqlint.runtime")
        try:
            return cls(*args, **config)
        except (TypeError, ValueError, NotImplementedError) as exc:
            raise RunError(f"{name}: {exc}") from None
    return ident


def choose_compile(model: ModelIR, shapes: ModelShapes) -> CompileChoice:
    from seqlint.runtime import losses as rt_losses
    from seqlint.runtime import metrics as rt_metrics
    from seqlint.runtime import optimizers as rt_optimizers

    call = model.compile_call
    info = compiled_loss(model)
    if call is not None and not call.opaque and info is not None:
        try:
            loss = _instantiate(rt_losses, _object(call.arg(1, "loss")))
            opt_value = call.arg(0, "optimizer", "rmsprop")
            optimizer = _instantiate(rt_optimizers, _object(opt_value))
            metrics_value = call.kwargs.get("metrics", call.args[3] if len(call.args) > 3 else None)
            metrics: list[Any] = []
            if isinstance(metrics_value, ListVal | tuple):
                items = metrics_value.items if isinstance(metrics_value, ListVal) else metrics_value
                metrics = [_instantiate(rt_metrics, _object(m)) for m in items]
            return CompileChoice(
                optimizer,
                loss,
                metrics,
                f"from the file's compile() at line {call.loc.line}",
                info.kind,
                bool(info.from_logits),
            )
        except RunError as exc:
            raise RunError(f"compile() at line {call.loc.line}: {exc.message}") from None
        else:  # pragma: no cover - returned above
            fallback = ""
    else:
        fallback = "the file does not compile the model statically; "
    found = output_activation(shapes)
    units = shapes.output_shape[-1] if shapes.output_shape else None
    act = found[0] if found else None
    if act == "softmax":
        return CompileChoice(
            "adam",
            "categorical_crossentropy",
            ["accuracy"],
            fallback + "softmax output: categorical_crossentropy with Adam",
            "categorical",
        )
    if act == "sigmoid" and units == 1:
        return CompileChoice(
            "adam",
            "binary_crossentropy",
            ["accuracy"],
            fallback + "one sigmoid unit: binary_crossentropy with Adam",
            "binary",
        )
    return CompileChoice(
        "adam", "mse", [], fallback + f"{act or 'unknown'} output: mse with Adam", "regression"
    )


# ---- data ----------------------------------------------------------------------------------


def _first_embedding_vocab(model: ModelIR) -> int | None:
    for entry in model.entries:
        item = entry.item
        if isinstance(item, InputDecl):
            continue
        if isinstance(item, LayerCall) and item.class_name == "Embedding" and item.bound:
            vocab = item.bound.values.get("input_dim")
            return vocab if isinstance(vocab, int) else None
        return None
    return None


def synthetic_data(
    rt_model: Any,
    input_shape: tuple[int, ...],
    choice: CompileChoice,
    vocab: int | None,
    rng: numpy.random.Generator,
    n: int,
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Inputs of the model's shape with targets that carry a learnable signal.

    One label per sample (the usual classifier): each class gets its own input *prototype*
    (a random pattern, or for token inputs a preferred part of the vocabulary) and samples are
    noisy copies of it, so any sensible architecture can separate them. Otherwise (regression,
    per-position outputs) the targets come from a fixed random *teacher*: the same
    architecture with other weights, learnable by construction.
    """
    out_shape = tuple(rt_model.output_shape[1:])
    kind = choice.loss_kind
    k = out_shape[-1] if out_shape else 1
    per_sample = len(out_shape) == 1
    if per_sample and kind in ("categorical", "sparse", "binary"):
        n_classes = 2 if kind == "binary" else max(int(k), 2)
        labels = numpy.arange(n) % n_classes
        rng.shuffle(labels)
        x = _prototype_inputs(input_shape, labels, n_classes, vocab, rng, rt_model.dtype)
        if kind == "sparse":
            return x, labels
        if kind == "categorical":
            return x, numpy.eye(n_classes, dtype=rt_model.dtype)[labels]
        y = labels.astype(rt_model.dtype).reshape(n, 1)
        return x, numpy.repeat(y, k, axis=1) if k > 1 else y
    if vocab is not None:
        x = rng.integers(1, vocab, size=(n, *input_shape))  # 0 is the usual padding id
    else:
        x = rng.normal(size=(n, *input_shape)).astype(rt_model.dtype)
    student = [w.copy() for w in rt_model.get_weights()]
    teacher = []
    for w in student:
        if w.ndim >= 1 and w.size > 1 and numpy.issubdtype(w.dtype, numpy.floating):
            scale = float(numpy.std(w)) or 0.1
            teacher.append(rng.normal(scale=scale * 1.5, size=w.shape).astype(w.dtype))
        else:
            teacher.append(w)
    rt_model.set_weights(teacher)
    out = numpy.asarray(rt_model.predict(x, verbose=0), dtype=numpy.float64)
    rt_model.set_weights(student)
    if kind in ("categorical", "sparse"):
        scores = numpy.log(numpy.clip(out, 1e-12, None)) if not choice.from_logits else out
        scores = scores - scores.reshape(-1, k).mean(axis=0)  # balance the classes
        labels = scores.argmax(axis=-1)
        if kind == "sparse":
            return x, labels
        return x, numpy.eye(k, dtype=rt_model.dtype)[labels]
    if kind == "binary":
        return x, (out > numpy.median(out)).astype(rt_model.dtype)
    centred = out - out.mean(axis=0)
    return x, (centred / (centred.std() or 1.0)).astype(rt_model.dtype)


def _prototype_inputs(
    input_shape: tuple[int, ...],
    labels: numpy.ndarray,
    n_classes: int,
    vocab: int | None,
    rng: numpy.random.Generator,
    dtype: Any,
) -> numpy.ndarray:
    n = len(labels)
    if vocab is not None:
        # each class draws most of its tokens from its own slice of the vocabulary
        width = max(1, (vocab - 1) // n_classes)
        own = 1 + labels.reshape(n, *([1] * len(input_shape))) * width
        tokens = own + rng.integers(0, width, size=(n, *input_shape))
        noise = rng.integers(1, vocab, size=(n, *input_shape))
        keep = rng.random((n, *input_shape)) < 0.7
        return numpy.where(keep, numpy.minimum(tokens, vocab - 1), noise)
    # a random pattern per class, plus a per-class offset that survives global pooling
    prototypes = rng.normal(size=(n_classes, *input_shape))
    prototypes += rng.normal(size=(n_classes,) + (1,) * len(input_shape))
    x = prototypes[labels] + 0.5 * rng.normal(size=(n, *input_shape))
    return x.astype(dtype)


def _synthetic_size(
    rt: Any,
    input_shape: tuple[int, ...],
    vocab: int | None,
    rng: numpy.random.Generator,
    options: RunOptions,
) -> int:
    batch = options.batch_size or 32
    probe = (
        rng.integers(1, vocab, size=(batch, *input_shape))
        if vocab is not None
        else rng.normal(size=(batch, *input_shape)).astype(options.dtype)
    )
    rt.predict(probe, batch_size=batch, verbose=0)  # warm-up
    start = time.perf_counter()
    rt.predict(probe, batch_size=batch, verbose=0)
    step = 3.0 * max(time.perf_counter() - start, 1e-5)  # a training step ~ 3 forward passes
    steps = options.time_budget * FIT_SHARE / step
    return int(min(256, max(64, steps * batch / 12)))


FIT_SHARE = 0.6  # of the time budget; the small-batch overfit gets OVERFIT_SHARE
OVERFIT_SHARE = 0.25


def trivial_loss(choice: CompileChoice, y: numpy.ndarray) -> float | None:
    """The loss of the best constant prediction: what learning must beat."""
    if choice.loss_kind == "sparse":
        counts = numpy.bincount(y.reshape(-1).astype(int))
        p = counts[counts > 0] / counts.sum()
        return float(-(p * numpy.log(p)).sum())
    if choice.loss_kind == "categorical":
        p = y.reshape(-1, y.shape[-1]).mean(axis=0)
        p = p[p > 0]
        return float(-(p * numpy.log(p)).sum())
    if choice.loss_kind == "binary":
        p = float(y.mean())
        if p in (0.0, 1.0):
            return 0.0
        return float(-(p * math.log(p) + (1 - p) * math.log(1 - p)))
    name = choice.loss if isinstance(choice.loss, str) else type(choice.loss).__name__
    if name.lower() in ("mse", "mean_squared_error", "meansquarederror"):
        return float(((y - y.mean(axis=0)) ** 2).mean())
    if name.lower() in ("mae", "mean_absolute_error", "meanabsoluteerror"):
        return float(numpy.abs(y - numpy.median(y, axis=0)).mean())
    return None


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
    time_budget: float = 12.0  # seconds of training before the verdict is drawn


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

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model_name,
            "input_shape": list(self.input_shape),
            "compile": self.compile_reason,
            "data": self.data_source,
            "forward_output_shape": list(self.forward_shape) if self.forward_shape else None,
            "history": self.history,
            "checks": self.checks,
            "verdict": None
            if self.learns is None
            else ("learns" if self.learns else "does not learn"),
            "reasons": self.reasons,
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
    if dims is not None and len(dims) == 2 and dims[0] is None and dims[1] is not None:
        return (DEFAULT_TIMESTEPS, int(dims[1]))  # a variable-length sequence
    known = "unknown" if shapes.input_shape is None else format_shape(shapes.input_shape)
    raise RunError(
        f"the model's input shape is {known} statically: give it with --input-shape "
        "(e.g. --input-shape 28,28,1)",
        usage=True,
    )


def load_data(path: str, input_shape: tuple[int, ...]) -> dict[str, numpy.ndarray]:
    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise RunError(f"{path}: cannot read ({exc.strerror or exc})", usage=True) from None
    if magic != b"PK\x03\x04":  # an .npz is a zip archive
        raise RunError(f"{path}: not a valid .npz file (save it with numpy.savez)", usage=True)
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
    return arrays


def gradient_check(rt_model: Any, x: numpy.ndarray, y: numpy.ndarray) -> str | None:
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
            dead = layer.name
            break
    rt_model.set_weights(weights)
    return dead


def _dense(grad: Any) -> Any:
    to_dense = getattr(grad, "to_dense", None)
    return numpy.asarray(to_dense() if to_dense else grad)


def _make_optimizer(choice: CompileChoice, learning_rate: float | None) -> Any:
    from seqlint.runtime import optimizers as rt_optimizers

    opt = choice.optimizer
    if isinstance(opt, str):
        opt = rt_optimizers.get(opt)
    else:
        opt = opt.__class__.from_config(opt.get_config())
    if learning_rate is not None:
        opt.learning_rate = learning_rate
    return opt


def _fresh_loss(choice: CompileChoice) -> Any:
    loss = choice.loss
    if isinstance(loss, str):
        return loss
    return loss.__class__.from_config(loss.get_config()) if hasattr(loss, "from_config") else loss


class _TimeBudget:
    """Stops ``fit`` once the time budget is spent (the verdict uses what was reached)."""

    def __init__(self, seconds: float) -> None:
        from seqlint.runtime.callbacks import Callback

        budget = seconds

        class Stop(Callback):
            def on_train_begin(self, logs: Any = None) -> None:
                self.start = time.perf_counter()

            def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
                if time.perf_counter() - self.start > budget:
                    self.model.stop_training = True

        self.callback = Stop()


def run_model(analysis: Analysis, options: RunOptions) -> RunResult:
    """Build the chosen model in the runtime, run a forward pass and, with ``train``, the
    learning checks. Raises :class:`RunError` when the model cannot be built or run."""
    try:
        return _run_model(analysis, options)
    except NotImplementedError as exc:
        raise RunError(f"seqlint.runtime cannot run this model: {exc}") from None


def _run_model(analysis: Analysis, options: RunOptions) -> RunResult:
    from seqlint.runtime import Input, Sequential, set_random_seed

    NOTES.clear()
    model, shapes = select_model(analysis, options.model)
    input_shape = resolve_input_shape(model, shapes, options.input_shape)
    set_random_seed(options.seed)
    rng = numpy.random.default_rng(options.seed)
    layers = runtime_layers(model, shapes.start)
    if not layers:
        raise RunError("the model has no layers")
    try:
        rt = Sequential(
            [Input(shape=input_shape), *layers], dtype=options.dtype, device=options.device
        )
    except (ValueError, TypeError, NotImplementedError) as exc:
        raise RunError(f"the model cannot be built on input {input_shape}: {exc}") from None
    except RuntimeError as exc:  # e.g. CuPy missing for --device gpu
        raise RunError(str(exc), usage=True) from None
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        rt.summary()
    vocab = _first_embedding_vocab(model)
    probe = (
        rng.integers(0, vocab, size=(2, *input_shape))
        if vocab is not None
        else rng.normal(size=(2, *input_shape)).astype(options.dtype)
    )
    try:
        out = rt.predict(probe, verbose=0)
    except (ValueError, TypeError, ArithmeticError, NotImplementedError) as exc:
        raise RunError(f"the forward pass fails on input {input_shape}: {exc}") from None
    result = RunResult(
        model_name=model.variable or model.name or "sequential",
        input_shape=(None, *input_shape),
        compile_reason="",
        data_source="",
        summary=buffer.getvalue(),
        forward_shape=tuple(out.shape),
        notes=list(NOTES),
    )
    if options.data and any("token 0" in n for n in NOTES):
        raise RunError(
            "mask_zero=True is not supported with --data (seqlint.runtime has no masking)",
            usage=True,
        )
    if not numpy.all(numpy.isfinite(out)):
        result.learns = False
        result.reasons.append("the forward pass produces NaN/Inf")
        return result
    if not options.train:
        return result
    choice = choose_compile(model, shapes)
    result.compile_reason = choice.reason
    # data
    if options.data:
        arrays = load_data(options.data, input_shape)
        x, y = arrays["x"], arrays["y"]
        validation = (arrays["x_val"], arrays["y_val"]) if "x_val" in arrays else None
        result.data_source = options.data
        prototypes = True  # real labels: accuracy must beat the majority class too
    else:
        # few samples, many steps: what is checked is that the model can fit a learnable
        # signal in seconds, not that it generalises; slow models get fewer samples so that
        # they still see each one a dozen times within the budget
        n = _synthetic_size(rt, input_shape, vocab, rng, options)
        x, y = synthetic_data(rt, input_shape, choice, vocab, rng, n)
        validation = None
        out_rank = len(rt.output_shape) if rt.output_shape is not None else 0
        prototypes = out_rank == 2 and choice.loss_kind != "regression"
        how = "class prototypes plus noise" if prototypes else "a random teacher network"
        result.data_source = f"synthetic: {n} samples, targets from {how}"
    batch_size = options.batch_size or 32
    # 1. every trainable layer gets a gradient
    rt.compile(
        optimizer=_make_optimizer(choice, options.learning_rate),
        loss=_fresh_loss(choice),
        metrics=list(choice.metrics),
    )
    initial_weights = rt.get_weights()
    try:
        dead = gradient_check(rt, x[:batch_size], y[:batch_size])
    except (ValueError, TypeError) as exc:
        raise RunError(f"the data does not fit the model and loss: {exc}") from None
    result.checks["all_layers_get_gradient"] = dead is None
    if dead is not None:
        result.reasons.append(f"layer {dead} received no gradient")
    # 2. training
    rt.set_weights(initial_weights)
    rt.compile(
        optimizer=_make_optimizer(choice, options.learning_rate),
        loss=_fresh_loss(choice),
        metrics=list(choice.metrics),
    )
    initial_loss = _loss_of(rt.evaluate(x, y, batch_size=batch_size, verbose=0))
    # without --epochs, train until the time budget is spent (at most 200 epochs)
    epochs = options.epochs or 200
    history = rt.fit(
        x,
        y,
        batch_size=batch_size,
        epochs=epochs,
        verbose=options.verbose,
        validation_data=validation,
        shuffle=True,
        callbacks=[] if options.epochs else [_TimeBudget(options.time_budget * FIT_SHARE).callback],
    )
    result.history = {k: [float(v) for v in vs] for k, vs in history.history.items()}
    losses = result.history.get("loss", [])
    bad_epoch = next((i for i, v in enumerate(losses) if not math.isfinite(v)), None)
    final_loss = _loss_of(rt.evaluate(x, y, batch_size=batch_size, verbose=0))
    baseline = trivial_loss(choice, y)
    trained_weights = rt.get_weights()
    result.checks.update(
        {
            "initial_loss": initial_loss,
            "final_loss": final_loss,
            "trivial_loss": baseline,
            "epochs": len(losses),
        }
    )
    if bad_epoch is not None:
        result.reasons.append(f"NaN in epoch {bad_epoch + 1}")
    elif not math.isfinite(final_loss):
        result.reasons.append("the loss is NaN/Inf after training")
    else:
        # thresholds are lenient on purpose: a model that cannot learn stays flat (or sits
        # at the majority class); a slow learner must not be called broken
        fell = final_loss <= 0.85 * initial_loss
        beats = baseline is None or baseline <= 0 or final_loss < 0.95 * baseline
        result.checks["loss_fell"] = fell
        result.checks["beats_trivial_prediction"] = beats
        if not fell:
            result.reasons.append(
                f"loss did not fall: {initial_loss:.4g} -> {final_loss:.4g} "
                f"over {len(losses)} epochs"
            )
        elif not beats:
            result.reasons.append(
                f"loss {final_loss:.4g} is not below the trivial prediction's {baseline:.4g}"
            )
    accuracy = _accuracy_check(result.history, choice, y) if prototypes else None
    if accuracy is not None:
        result.reasons.append(accuracy)
    # 3. overfitting a small batch: a question about the architecture and the loss, so it
    # uses Adam at 1e-3 whatever the file's optimizer (a tiny learning rate says nothing here)
    from seqlint.runtime.optimizers import Adam

    rt.set_weights(initial_weights)
    rt.compile(optimizer=Adam(learning_rate=1e-3), loss=_fresh_loss(choice), metrics=[])
    small_x, small_y = x[:16], y[:16]
    first = _loss_of(rt.evaluate(small_x, small_y, verbose=0))
    deadline = time.perf_counter() + options.time_budget * OVERFIT_SHARE
    last = first
    for step in range(1000):
        last = _loss_of(rt.train_on_batch(small_x, small_y))
        if not math.isfinite(last) or last <= 0.05 * first:
            break
        if step >= 30 and time.perf_counter() > deadline:
            break  # 30 steps are always taken, so a slow machine gets the same verdict
    last = _loss_of(rt.evaluate(small_x, small_y, verbose=0))
    overfits = math.isfinite(last) and last <= 0.8 * first
    result.checks["overfits_small_batch"] = overfits
    result.checks["small_batch_loss"] = [first, last]
    if not overfits and not result.reasons:
        result.reasons.append(f"cannot overfit 16 samples: loss {first:.4g} -> {last:.4g}")
    rt.set_weights(trained_weights)
    result.learns = not result.reasons
    result._model = rt  # type: ignore[attr-defined]  # for --save-weights / --plot
    return result


def _accuracy_check(
    history: dict[str, list[float]], choice: CompileChoice, y: numpy.ndarray
) -> str | None:
    """A falling loss is not enough when predictions stay constant (softmax over one unit
    still lowers the fused loss): the accuracy must beat always answering the majority class."""
    key = next((k for k in history if k.endswith("accuracy") and not k.startswith("val_")), None)
    if (
        key is None
        or not history[key]
        or choice.loss_kind not in ("sparse", "categorical", "binary")
    ):
        return None
    if choice.loss_kind == "categorical":
        labels = y.reshape(-1, y.shape[-1]).argmax(axis=-1)
    else:
        labels = numpy.rint(y.reshape(-1)).astype(int)
    majority = float(numpy.bincount(labels).max() / labels.size)
    final = history[key][-1]
    if final < majority + 0.2 * (1.0 - majority) - 1e-9:
        return (
            f"{key} {final:.3f} is no better than always predicting the majority class "
            f"({majority:.3f})"
        )
    return None


def _loss_of(value: Any) -> float:
    if isinstance(value, (list, tuple)):
        value = value[0]
    if isinstance(value, dict):
        value = value.get("loss", next(iter(value.values())))
    return float(value)
