"""The run's compile settings: the file's ``compile()``, or a choice from the output layer."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from seqlint.extract.values import ListVal, Ref
from seqlint.infer import ModelShapes
from seqlint.ir import ModelIR, ObjectCall
from seqlint.rules.common import compiled_loss, output_activation
from seqlint.runcheck.build import RunError, _Unreadable, plain

# ---- compile settings ----------------------------------------------------------------------


@dataclass
class CompileChoice:
    optimizer: Any
    loss: Any
    metrics: list[Any]
    reason: str
    loss_kind: str  # binary | categorical | sparse | regression | other
    from_logits: bool = False


def _object(value: Any, dropped: list[str] | None = None) -> Any:
    """A string or a Keras optimizer/loss/metric constructor call as a runtime identifier.
    With ``dropped``, keyword arguments that cannot be read (a hyper-parameter search's
    ``learning_rate=hp.Choice(...)``) are left to Keras's defaults and named there."""
    if isinstance(value, str):
        return value
    if isinstance(value, ObjectCall) and not value.opaque:
        config: dict[str, Any] = {}
        try:
            args = [plain(v) for v in value.args]
            for k, v in value.kwargs.items():
                try:
                    config[k] = plain(v)
                except _Unreadable:
                    if dropped is None:
                        raise
                    dropped.append(
                        f"{value.short_name}({k}=...) not known statically: default used"
                    )
        except _Unreadable:
            raise RunError(f"{value.short_name}(...) has arguments seqlint cannot read") from None
        return value.short_name, args, config
    if isinstance(value, Ref) and value.qualname.startswith(_FUNCTION_MODULES):
        # ``loss=losses.binary_crossentropy``, ``metrics=[metrics.binary_accuracy]``: Keras
        # takes the function itself, which the runtime resolves by its name
        name = value.qualname.rpartition(".")[2]
        if name[:1].islower():
            return name
    raise RunError("a compile() argument could not be read statically")


_FUNCTION_MODULES = ("keras.losses.", "keras.metrics.")


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


def _keras3_optimizer(ident: Any) -> tuple[Any, str]:
    """A Keras 2 optimizer call as ``run --force`` runs it, and what that changed: ``lr=`` is
    read as ``learning_rate=`` (what the removed-api fix writes; Keras 3 rejects ``lr=``), and
    ``decay=`` is ignored, as Keras 3 ignores it."""
    if not isinstance(ident, tuple):
        return ident, ""
    name, args, config = ident
    said = []
    if "lr" in config and "learning_rate" not in config:
        config = {("learning_rate" if k == "lr" else k): v for k, v in config.items()}
        said.append(f"{name}(lr=...) read as learning_rate= (Keras 3 rejects lr=)")
    if config.get("decay") is not None:
        said.append(f"{name}(decay=...) ignored, as Keras 3 ignores it")
    return (name, args, config), "".join(f"; {s}" for s in said)


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
            unread: list[str] = []
            opt_ident, keras2 = _keras3_optimizer(_object(opt_value, unread))
            keras2 += "".join(f"; {u}" for u in unread)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # decay=: said in the reason
                optimizer = _instantiate(rt_optimizers, opt_ident)
            metrics_value = call.kwargs.get("metrics", call.args[3] if len(call.args) > 3 else None)
            metrics: list[Any] = []
            if isinstance(metrics_value, ListVal | tuple):
                items = metrics_value.items if isinstance(metrics_value, ListVal) else metrics_value
                metrics = [_instantiate(rt_metrics, _object(m)) for m in items]
            return CompileChoice(
                optimizer,
                loss,
                metrics,
                f"from the file's compile() at line {call.loc.line}" + keras2,
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


def make_optimizer(choice: CompileChoice, learning_rate: float | None) -> Any:
    from seqlint.runtime import optimizers as rt_optimizers

    opt = choice.optimizer
    if isinstance(opt, str):
        opt = rt_optimizers.get(opt)
    else:
        opt = opt.__class__.from_config(opt.get_config())
    if learning_rate is not None:
        opt.learning_rate = learning_rate
    return opt


def fresh_loss(choice: CompileChoice) -> Any:
    loss = choice.loss
    if isinstance(loss, str):
        return loss
    return loss.__class__.from_config(loss.get_config()) if hasattr(loss, "from_config") else loss
