"""``seqlint run``: build an extracted model in :mod:`seqlint.runtime` and prove it learns.

Nothing of the user's file is executed: the model is rebuilt from the ModelIR that ``check``
extracted, every argument a plain value seqlint read statically.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
from collections.abc import Callable
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
from seqlint.runcheck.task import (
    MAX_EPOCHS,
    N_TRAIN,
    N_VAL,
    Task,
    embedding_vocab,
    read_task,
    synthesize,
)
from seqlint.runcheck.verdict import Outcome, Score, describe_failure, output_range_cause, train

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


def plain(value: Any, notes: list[str] | None = None) -> Any:
    """An IR value as the plain Python value a runtime constructor takes (notes on what the
    runtime leaves out go to ``notes``)."""
    if value is UNKNOWN:
        raise _Unreadable
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, tuple):
        return tuple(plain(v, notes) for v in value)
    if isinstance(value, ListVal):
        return [plain(v, notes) for v in value.items]
    if isinstance(value, Ref):
        name = value.activation_name
        if name is not None:
            return name
        raise _Unreadable
    if isinstance(value, (LayerCall, LayerSpec)):
        return build_layer(value if isinstance(value, LayerCall) else None, notes)
    if isinstance(value, ObjectCall) and not value.opaque:
        return _keras_object(value, notes)
    raise _Unreadable


def _keras_object(call: ObjectCall, notes: list[str] | None) -> Any:
    """``keras.initializers.Constant(-100.0)`` and friends as runtime objects, resolved only
    through the runtime's tables of public Keras class names."""
    from seqlint.runtime import constraints, initializers, regularizers

    tables = {
        "keras.initializers.": initializers._BY_NAME,
        "keras.regularizers.": regularizers._BY_NAME,
        "keras.constraints.": constraints._CLASSES,
    }
    table = next((t for prefix, t in tables.items() if call.qualname.startswith(prefix)), None)
    cls = table.get(call.short_name) if table is not None else None
    if cls is None:
        raise _Unreadable
    args = [plain(v, notes) for v in call.args]
    kwargs = {k: plain(v, notes) for k, v in call.kwargs.items()}
    try:
        return cls(*args, **kwargs)
    except (TypeError, ValueError):
        raise _Unreadable from None


# Arguments the runtime does not simulate but that do not decide whether a model can learn:
# they are dropped with a note. mask_zero only matters when inputs contain the padding id 0,
# which synthetic token data never does.
_DROPPABLE = {"recurrent_dropout": "recurrent dropout", "mask_zero": "masking of token 0"}


def build_layer(call: LayerCall | None, notes: list[str] | None = None) -> Any:
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
            kwargs[key] = plain(value, notes)
        except _Unreadable:
            raise RunError(
                f"{call.class_name} (line {call.loc.line}): argument {key} is not known statically"
            ) from None
    for key, value in call.kwargs.items():
        try:
            kwargs[key] = plain(value, notes)
        except _Unreadable:
            if key in _OPTIONAL_ARGS:
                if notes is not None:
                    notes.append(
                        f"{call.class_name} (line {call.loc.line}): {key}= is not known "
                        "statically; Keras's default is used"
                    )
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
            if notes is not None:
                notes.append(f"{call.class_name} (line {call.loc.line}): {what} is not simulated")
    try:
        return cls(**kwargs)
    except NotImplementedError as exc:
        raise RunError(f"{call.class_name} (line {call.loc.line}): {exc}") from None
    except (TypeError, ValueError) as exc:
        raise RunError(f"{call.class_name} (line {call.loc.line}): {exc}") from None


def runtime_layers(
    model: ModelIR, start: int, notes: list[str]
) -> list[tuple[LayerCall, Any, ModelIR]]:
    """(the call, its runtime layer, the model that holds it) in order; a nested Sequential
    contributes its layers."""
    out: list[tuple[LayerCall, Any, ModelIR]] = []
    for entry in model.entries[start:]:
        item = entry.item
        if isinstance(item, LayerCall):
            out.append((item, build_layer(item, notes), model))
        elif isinstance(item, ModelIR):
            from seqlint.infer import declared_input

            _, _, inner_start = declared_input(item)
            out.extend(runtime_layers(item, inner_start, notes))
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
        # only the public Keras class names of the runtime's table: a file never reaches
        # dunders or other attributes of seqlint's modules (``optimizers.__delattr__("Adam")``)
        cls = module._CLASSES.get(name)
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
    if dims is not None and len(dims) == 2 and dims[0] is None and dims[1] is not None:
        return (DEFAULT_TIMESTEPS, int(dims[1]))  # a variable-length sequence
    known = "unknown" if shapes.input_shape is None else format_shape(shapes.input_shape)
    raise RunError(
        f"the model's input shape is {known} statically: give it with --input-shape "
        "(e.g. --input-shape 28,28,1)",
        usage=True,
    )


def load_data(
    path: str, input_shape: tuple[int, ...], limit: float = math.inf
) -> dict[str, numpy.ndarray]:
    """The arrays of an ``.npz``, after checking its members' uncompressed sizes against
    ``limit`` bytes (a small zip can expand to gigabytes)."""
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
            f"{path}: expands to {_gb(expanded)}, over the memory limit of {_gb(limit)} "
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


def memory_limit(options: RunOptions) -> float:
    """The bytes a run may use: ``--memory-limit``, else half the machine's RAM."""
    if options.memory_limit is not None:
        return options.memory_limit
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        total = 8 * 2**30
    return total / 2


def estimate_memory(layers: list[Any], input_shape: tuple[int, ...], batch: int, itemsize: int):
    """(bytes, what) for weights, their gradients and two optimizer slots, plus one batch of
    activations and their gradients; None when a shape cannot be computed up front."""
    shape: tuple[Any, ...] = (None, *input_shape)
    params = 0
    activations = math.prod(input_shape)
    for layer in layers:
        try:
            counted = layer.definition.count_params(layer.args, shape)
            shape = tuple(layer.compute_output_shape(shape))
        except Exception:  # noqa: BLE001 - the build reports the real error
            return None
        params += sum(c for c in counted if c)
        activations += math.prod(d for d in shape[1:] if d is not None)
    weight_bytes = 4 * params * itemsize
    activation_bytes = 2 * batch * activations * itemsize
    return weight_bytes + activation_bytes, (
        f"{params:,} parameters (with gradients and optimizer slots {_gb(weight_bytes)}) and "
        f"activations of a batch of {batch} ({_gb(activation_bytes)})"
    )


def _gb(n: float) -> str:
    return f"{n / 2**30:.3g} GB" if n >= 2**30 else f"{n / 2**20:.3g} MB"


def check_memory(
    layers: list[Any], input_shape: tuple[int, ...], options: RunOptions, samples: int
) -> None:
    itemsize = numpy.dtype(options.dtype).itemsize
    limit = memory_limit(options)
    data_bytes = samples * math.prod(input_shape) * itemsize
    if data_bytes > limit:
        raise RunError(
            f"{samples} samples of shape {input_shape} need {_gb(data_bytes)}, over the memory "
            f"limit of {_gb(limit)} (raise it with --memory-limit GB)",
            usage=True,
        )
    batch = min(options.batch_size or 32, samples)  # a batch never exceeds the data
    found = estimate_memory(layers, input_shape, batch, itemsize)
    if found is not None and found[0] + data_bytes > limit:
        raise RunError(
            f"the run would need about {_gb(found[0] + data_bytes)}: {found[1]}; that is over "
            f"the memory limit of {_gb(limit)} (raise it with --memory-limit GB, or use a "
            "smaller --batch-size / --input-shape)",
            usage=True,
        )


def apply_trainable(
    built: list[tuple[LayerCall, Any, ModelIR]], top: ModelIR, rt: Any
) -> list[str]:
    """Freeze what the file freezes before its compile(): ``layer.trainable = False``
    (also through ``model.layers`` loops), ``base.trainable = False`` on a nested model, and
    the ``trainable=`` argument. Returns notes on settings the run cannot follow."""
    notes: list[str] = []
    compile_call = top.compile_call
    before = compile_call.loc.line if compile_call is not None else math.inf
    frozen_models: dict[int, Any] = {}
    for model in {id(m): m for _, _, m in built}.values():
        for call in model.calls_named("trainable="):
            value = call.args[0] if call.args else UNKNOWN
            if call.loc.line > before:
                notes.append(
                    f"line {call.loc.line}: trainable is set after compile() and Keras only "
                    "uses it once compile() runs again"
                )
            elif call.uncertain or not isinstance(value, bool):
                notes.append(f"line {call.loc.line}: trainable = ... is not followed")
            else:
                frozen_models[id(model)] = value
    for call in top.calls_named("trainable="):
        value = call.args[0] if call.args else UNKNOWN
        if not call.uncertain and isinstance(value, bool) and call.loc.line < before:
            rt.trainable = value
    for call, layer, model in built:
        if model is not top and id(model) in frozen_models:
            layer.trainable = frozen_models[id(model)]
        for value, loc, uncertain in call.trainable_sets:
            if uncertain or not isinstance(value, bool):
                notes.append(f"line {loc.line}: {call.class_name}.trainable = ... is not followed")
            elif loc.line > before:
                notes.append(
                    f"line {loc.line}: {call.class_name}.trainable is set after compile() "
                    "and Keras only uses it once compile() runs again"
                )
            else:
                layer.trainable = value
    return notes


def frozen_lines(built: list[tuple[LayerCall, Any, ModelIR]], top: ModelIR) -> list[int]:
    lines = [
        loc.line for call, _, _ in built for value, loc, _ in call.trainable_sets if value is False
    ]
    lines += [c.loc.line for _, _, m in built for c in m.calls_named("trainable=")]
    lines += [c.loc.line for c in top.calls_named("trainable=")]
    lines += [call.loc.line for call, _, _ in built if call.kwargs.get("trainable") is False]
    return sorted(set(lines))


def run_model(analysis: Analysis, options: RunOptions) -> RunResult:
    """Build the chosen model in the runtime, run a forward pass and, with ``train``, the
    experiment on the file's task. Raises :class:`RunError` when it cannot be built or run."""
    try:
        return _run_model(analysis, options)
    except NotImplementedError as exc:
        raise RunError(f"seqlint.runtime cannot run this model: {exc}") from None
    except MemoryError:
        raise RunError(
            "out of memory: lower --batch-size or --input-shape, or raise --memory-limit",
            usage=True,
        ) from None


def _echo(options: RunOptions, text: str) -> None:
    if options.echo is not None:
        options.echo(text)


def _run_model(analysis: Analysis, options: RunOptions) -> RunResult:
    from seqlint.runtime import Input, Sequential, set_random_seed

    notes: list[str] = []
    model, shapes = select_model(analysis, options.model)
    input_shape = resolve_input_shape(model, shapes, options.input_shape)
    set_random_seed(options.seed)
    rng = numpy.random.default_rng(options.seed)
    built = runtime_layers(model, shapes.start, notes)
    if not built:
        raise RunError("the model has no layers")
    layers = [layer for _, layer, _ in built]
    check_memory(layers, input_shape, options, 2 if not options.train else N_TRAIN + N_VAL)
    try:
        rt = Sequential(
            [Input(shape=input_shape), *layers], dtype=options.dtype, device=options.device
        )
    except (ValueError, TypeError, NotImplementedError) as exc:
        raise RunError(f"the model cannot be built on input {input_shape}: {exc}") from None
    except RuntimeError as exc:  # e.g. CuPy missing for --device gpu
        raise RunError(str(exc), usage=True) from None
    notes += apply_trainable(built, model, rt)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        rt.summary()
    vocab = embedding_vocab(model)
    probe = (
        rng.integers(1, vocab, size=(2, *input_shape))
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
        notes=notes,
    )
    _echo(options, result.summary)
    _echo(options, f"Forward pass: {list(result.input_shape)} -> {list(result.forward_shape)}\n")
    for note in notes:
        _echo(options, f"Note: {note}\n")
    if options.data and any("token 0" in n for n in notes):
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
    output_shape = tuple(rt.output_shape)
    task = read_task(model, input_shape, output_shape, choice.loss_kind, options.batch_size)
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
        task.n_train, task.n_val = len(x), len(xv)
        task.batch_size = min(options.batch_size or 32, len(x))
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
    max_epochs = options.epochs or MAX_EPOCHS
    result.checks["max_epochs"] = max_epochs
    result.checks["batch_size"] = task.batch_size
    causes = precheck(model, built, rt, task, output_shape, x, vocab)
    if causes:
        result.learns = False
        result.reasons.extend(causes)
        return result
    rt.compile(
        optimizer=_make_optimizer(choice, options.learning_rate),
        loss=_fresh_loss(choice),
        metrics=list(choice.metrics),
    )
    initial_weights = rt.get_weights()
    try:
        with numpy.errstate(all="ignore"):
            dead = gradient_check(rt, x[: task.batch_size], y[: task.batch_size])
            rt.set_weights(initial_weights)
            initial_loss = _loss_of(rt.evaluate(x, y, batch_size=task.batch_size, verbose=0))
            silent = not numpy.any(rt.predict(x, batch_size=task.batch_size, verbose=0))
    except (ValueError, TypeError) as exc:
        raise RunError(f"the data does not fit the model and loss: {exc}") from None
    result.checks["all_layers_get_gradient"] = dead is None
    if dead is not None:  # named by the file's line: runtime names count up per process
        call = next((c for c, layer, _ in built if layer is dead), None)
        dead = f"{dead.class_name}" + (f" (line {call.loc.line})" if call is not None else "")
    result.checks["initial_loss"] = initial_loss
    rt.compile(
        optimizer=_make_optimizer(choice, options.learning_rate),
        loss=_fresh_loss(choice),
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
        result.reasons.extend(
            diagnose(shapes, choice, outcome, initial_loss, final, dead, yv, options, silent)
        )
        if task.labels_shuffled and not options.data:
            result.reasons.insert(
                0,
                "the file shuffles its inputs or its labels alone (np.random.shuffle / "
                "permutation), so the labels no longer belong to the inputs",
            )
    return result


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
    initial: float,
    final: float,
    dead: str | None,
    yv: numpy.ndarray,
    options: RunOptions,
    silent: bool = False,
) -> list[str]:
    """Why a model that trained did not learn, most specific cause first. ``silent``: the
    untrained model outputs 0 for every training sample."""
    causes: list[str] = []
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
    if silent and found is not None and found[0] in ("relu", "relu6"):
        causes.append(
            "the ReLU output is 0 for every sample from the start (dead at initialisation), "
            "so no gradient reaches any layer; a linear output avoids it (with this --seed "
            f"{options.seed}; others may train)"
        )
    elif dead is not None:
        causes.append(f"{dead} never receives a gradient")
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
