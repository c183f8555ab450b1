"""Keras 3 optimizers: SGD, Adam, AdamW, Adamax, Nadam, RMSprop, Adagrad, Adadelta.

An optimizer updates :class:`~seqlint.runtime.core.Variable` values in place. Its state is a list
of variables in Keras's ``optimizer.variables`` order (``iteration``, ``learning_rate`` unless a
schedule is used, then the slots in creation order), so it can be compared with Keras slot by slot.

Each step follows Keras: clip the gradients (``clipnorm`` per tensor, ``global_clipnorm``,
``clipvalue``), apply decoupled weight decay ``w -= w * wd * lr``, run the update, then increment
``iterations``. The learning rate of a step is the schedule evaluated at ``iterations`` before the
increment. Constants that Keras passes through ``ops.cast(python_float, dtype)`` (momentum, the
betas in bias corrections, weight decay, ...) are float32-rounded, see ``golden/README.md``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy

from seqlint.runtime import schedules
from seqlint.runtime.backend import get_array_module
from seqlint.runtime.core import IndexedSlices, Variable
from seqlint.runtime.schedules import LearningRateSchedule

_floatx = "float32"


def _cast(value: float, dtype: Any) -> Any:
    """``ops.cast(python_float, dtype)`` in Keras/TF: the float goes through float32 first."""
    return numpy.dtype(dtype).type(numpy.float32(value))


class Grad:
    """One variable's gradient as an update step sees it: :attr:`dense` for the linear terms,
    :meth:`square` and :meth:`abs` with Keras's slice-by-slice semantics for
    :class:`~seqlint.runtime.core.IndexedSlices` (``ops.square`` of IndexedSlices squares each
    slice before the duplicates are summed)."""

    def __init__(self, grad: Any) -> None:
        self.sparse = grad if isinstance(grad, IndexedSlices) else None
        self.dense = grad.to_dense() if self.sparse is not None else grad

    def square(self) -> Any:
        if self.sparse is not None:
            return self.sparse.with_values(self.sparse.values * self.sparse.values).to_dense()
        return self.dense * self.dense

    def abs(self) -> Any:
        if self.sparse is not None:
            xp = get_array_module(self.sparse.values)
            return self.sparse.with_values(xp.abs(self.sparse.values)).to_dense()
        return get_array_module(self.dense).abs(self.dense)


def _sum_of_squares(g: Any) -> Any:
    v = g.values if isinstance(g, IndexedSlices) else g
    return (v * v).sum()


def _scale(g: Any, factor: Any) -> Any:
    if isinstance(g, IndexedSlices):
        return g.with_values(g.values * factor)
    return g * factor


class Optimizer:
    """Base class: subclasses create their slots in :meth:`build` and implement
    :meth:`update_step` for one variable."""

    default_name = "optimizer"

    def __init__(
        self,
        learning_rate: Any = 0.001,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs.pop("decay", None) is not None:  # as Keras 3: a warning, then ignored
            warnings.warn(
                "Argument `decay` is no longer supported and will be ignored.", stacklevel=2
            )
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if sum(x is not None for x in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        if use_ema:
            raise NotImplementedError("use_ema=True is not supported by seqlint.runtime")
        if gradient_accumulation_steps:
            raise NotImplementedError(
                "gradient_accumulation_steps is not supported by seqlint.runtime"
            )
        self.name = name or self.default_name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        # Keras multiplies the loss by the factor and divides the gradients by it: an identity
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if isinstance(learning_rate, dict):
            learning_rate = schedules.get(learning_rate)
        self._schedule: LearningRateSchedule | Callable[[], Any] | None = None
        self._initial_lr: float = 0.0
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._schedule = learning_rate
        else:
            self._initial_lr = float(learning_rate)
        self.iterations = Variable(numpy.zeros((), numpy.int64), "iteration", trainable=False)
        self._lr_var: Variable | None = None
        self._slots: list[Variable] = []
        self._index: dict[int, int] = {}
        self._exclude_vars: set[int] = set()
        self._exclude_pattern: re.Pattern[str] | None = None
        self.built = False

    # ---- learning rate -----------------------------------------------------------------------

    @property
    def learning_rate(self) -> Any:
        """The learning rate in effect for the next step."""
        if isinstance(self._schedule, LearningRateSchedule):
            return self._schedule(int(self.iterations.value))
        if self._schedule is not None:
            return self._schedule()
        if self._lr_var is not None:
            return self._lr_var.value[()]
        return self._initial_lr

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        if isinstance(value, LearningRateSchedule):
            if self.built and self._schedule is None:
                raise TypeError(
                    "This optimizer was created with a float learning rate; it cannot be "
                    "replaced by a schedule after the optimizer is built"
                )
            self._schedule = value
            return
        if isinstance(self._schedule, LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not settable."
            )
        self._schedule = None
        self._initial_lr = float(value)
        if self._lr_var is not None:
            self._lr_var.value[...] = value

    # ---- state -----------------------------------------------------------------------------

    @property
    def variables(self) -> list[Variable]:
        """Keras order: ``iteration``, ``learning_rate`` (no schedule), then the slots."""
        out = [self.iterations]
        if self._lr_var is not None:
            out.append(self._lr_var)
        return out + list(self._slots)

    def build(self, var_list: Sequence[Variable]) -> None:
        """Create the optimizer state for ``var_list``; subclasses add their slots after this."""
        dtype = var_list[0].value.dtype if var_list else numpy.dtype(_floatx)
        if self._schedule is None:  # scalar state stays on the host (NumPy), also with CuPy
            self._lr_var = Variable(
                numpy.asarray(self._initial_lr, dtype=dtype), "learning_rate", trainable=False
            )
        self._index = {id(v): i for i, v in enumerate(var_list)}
        self._var_list = list(var_list)
        self.built = True

    def add_slots(self, var_list: Sequence[Variable], names: Sequence[str]) -> list[list[Variable]]:
        """Zero slots named ``<variable>_<name>``, created variable by variable (Keras's
        ``add_optimizer_variables``): ``result[k][i]`` is slot ``names[k]`` of variable ``i``."""
        out: list[list[Variable]] = [[] for _ in names]
        for var in var_list:
            base = var.name.replace("/", "_")
            for k, name in enumerate(names):
                xp = get_array_module(var.value)
                slot = Variable(xp.zeros_like(var.value), f"{base}_{name}", trainable=False)
                self._slots.append(slot)
                out[k].append(slot)
        return out

    def exclude_from_weight_decay(
        self, var_list: Iterable[Variable] | None = None, var_names: Iterable[str] | None = None
    ) -> None:
        """Keras's semantics: only before the optimizer is built; each call replaces the
        previous exclusions; ``var_names`` are regular expressions searched in the variable's
        ``name`` (``"kernel"``, not the ``"dense/kernel"`` path)."""
        if self.built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configured before the optimizer is "
                "built."
            )
        self._exclude_vars = {id(v) for v in var_list or ()}
        names = sorted(set(var_names or ()))
        self._exclude_pattern = re.compile("|".join(names)) if names else None

    def _use_weight_decay(self, var: Variable) -> bool:
        if id(var) in self._exclude_vars:
            return False
        short = var.name.rsplit("/", 1)[-1]
        return self._exclude_pattern is None or self._exclude_pattern.search(short) is None

    # ---- the step --------------------------------------------------------------------------

    def _clip_gradients(self, grads: list[Any]) -> list[Any]:
        if self.clipnorm and self.clipnorm > 0:
            out = []
            for g in grads:
                xp = get_array_module(g.values if isinstance(g, IndexedSlices) else g)
                norm = xp.sqrt(_sum_of_squares(g))
                out.append(_scale(g, self.clipnorm / xp.maximum(norm, self.clipnorm)))
            return out
        if self.global_clipnorm and self.global_clipnorm > 0:
            norm = numpy.sqrt(sum(float(_sum_of_squares(g)) for g in grads))
            c = self.global_clipnorm
            with numpy.errstate(divide="ignore", invalid="ignore"):
                scale = c * numpy.minimum(1.0 / norm, 1.0 / c) + (norm - norm)
            return [_scale(g, g.dtype.type(scale)) for g in grads]
        if self.clipvalue and self.clipvalue > 0:
            v = self.clipvalue
            out = []
            for g in grads:
                if isinstance(g, IndexedSlices):  # tf.clip_by_value clips slice by slice
                    out.append(g.with_values(get_array_module(g.values).clip(g.values, -v, v)))
                else:
                    out.append(get_array_module(g).clip(g, -v, v))
            return out
        return grads

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Variable]]) -> None:
        """Keras's ``apply_gradients([(grad, variable), ...])``."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def apply(self, grads: Sequence[Any], variables: Sequence[Variable]) -> None:
        """One optimizer step; ``None`` gradients are skipped (like Keras)."""
        if not self.built:
            self.build(list(variables))
        pairs = [(g, v) for g, v in zip(grads, variables, strict=True) if g is not None]
        if not pairs:
            return
        gs = [self._as_grad(g, v) for g, v in pairs]
        vs = [v for _, v in pairs]
        gs = self._clip_gradients(gs)
        lr = self.learning_rate
        if self.weight_decay:
            for var in vs:
                if self._use_weight_decay(var):
                    dtype = var.value.dtype
                    var.value -= var.value * _cast(self.weight_decay, dtype) * dtype.type(lr)
        self._update_all(gs, vs, lr)
        self.iterations.value[...] = self.iterations.value + 1

    @staticmethod
    def _as_grad(g: Any, var: Variable) -> Any:
        xp = get_array_module(var.value)
        if isinstance(g, IndexedSlices):
            values = xp.asarray(g.values, dtype=var.value.dtype)
            values = values.reshape((-1, *var.shape[1:]))
            return IndexedSlices(values, xp.asarray(g.indices).reshape(-1), var.shape)
        g = xp.asarray(g, dtype=var.value.dtype)
        if tuple(g.shape) != var.shape:
            raise ValueError(
                f"gradient of shape {tuple(g.shape)} for variable {var.name!r} of shape {var.shape}"
            )
        return g

    def _update_all(self, grads: list[Any], variables: list[Variable], lr: Any) -> None:
        for g, var in zip(grads, variables, strict=True):
            if id(var) not in self._index:
                raise KeyError(
                    f"variable {var.name!r} was not part of the optimizer's build; "
                    "optimizers track one fixed list of variables"
                )
            self.update_step(Grad(g), var, var.value.dtype.type(lr), self._index[id(var)])

    def update_step(self, grad: Grad, var: Variable, lr: Any, index: int) -> None:
        """Update ``var`` in place from ``grad`` (``grad.dense``, ``grad.square()``...)."""
        raise NotImplementedError

    def step_count(self, dtype: Any, offset: int = 1) -> Any:
        """``ops.cast(self.iterations + offset, dtype)``."""
        return numpy.dtype(dtype).type(int(self.iterations.value) + offset)

    # ---- configuration ---------------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        lr: Any
        if isinstance(self._schedule, LearningRateSchedule):
            lr = {
                "class_name": type(self._schedule).__name__,
                "config": self._schedule.get_config(),
            }
        else:
            lr = float(self.learning_rate)
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Optimizer:
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            config["learning_rate"] = schedules.get(lr)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class SGD(Optimizer):
    default_name = "SGD"

    def __init__(
        self,
        learning_rate: Any = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not isinstance(momentum, (int, float)) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, var_list: Sequence[Variable]) -> None:
        super().build(var_list)
        self._momentums: list[Variable] = []
        if self.momentum != 0:
            (self._momentums,) = self.add_slots(var_list, ["momentum"])

    def update_step(self, grad: Grad, var: Variable, lr: Any, index: int) -> None:
        w = var.value
        g = grad.dense
        if self.momentum != 0:
            m = self._momentums[index].value
            mom = _cast(self.momentum, w.dtype)
            m[...] = m * mom - g * lr
            if self.nesterov:
                w += m * mom - g * lr
            else:
                w += m
        else:
            w -= g * lr

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    default_name = "adam"

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list: Sequence[Variable]) -> None:
        super().build(var_list)
        self._momentums, self._velocities = self.add_slots(var_list, ["momentum", "velocity"])
        self._velocity_hats: list[Variable] = []
        if self.amsgrad:
            (self._velocity_hats,) = self.add_slots(var_list, ["velocity_hat"])

    def update_step(self, grad: Grad, var: Variable, lr: Any, index: int) -> None:
        xp = get_array_module(var.value)
        w = var.value
        t = self.step_count(w.dtype)
        b1_power = _cast(self.beta_1, w.dtype) ** t
        b2_power = _cast(self.beta_2, w.dtype) ** t
        m = self._momentums[index].value
        v = self._velocities[index].value
        alpha = lr * xp.sqrt(1 - b2_power) / (1 - b1_power)
        # Keras's formulas, operation for operation, in two scratch arrays: fresh temporaries
        # for every step cost more than the arithmetic on a large kernel
        step = grad.dense - m
        step *= 1 - self.beta_1
        m += step
        step = (
            grad.square()
            if grad.sparse is not None
            else xp.multiply(grad.dense, grad.dense, out=step)
        )
        step -= v
        step *= 1 - self.beta_2
        v += step
        if self.amsgrad:
            v_hat = self._velocity_hats[index].value
            xp.maximum(v_hat, v, out=v_hat)
            v = v_hat
        denominator = xp.sqrt(v)
        denominator += self.epsilon
        xp.multiply(m, alpha, out=step)
        step /= denominator
        w -= step

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


class AdamW(Adam):
    default_name = "adamw"

    def __init__(
        self,
        learning_rate: Any = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        **kwargs: Any,
    ) -> None:
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: None")
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=weight_decay,
            **kwargs,
        )


class Adamax(Optimizer):
    default_name = "adamax"

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list: Sequence[Variable]) -> None:
        super().build(var_list)
        self._m, self._u = self.add_slots(var_list, ["momentum", "norm"])

    def update_step(self, grad: Grad, var: Variable, lr: Any, index: int) -> None:
        xp = get_array_module(var.value)
        w = var.value
        t = self.step_count(w.dtype)
        b1_power = _cast(self.beta_1, w.dtype) ** t
        m = self._m[index].value
        u = self._u[index].value
        m += (grad.dense - m) * (1 - self.beta_1)
        u[...] = xp.maximum(self.beta_2 * u, grad.abs())
        w -= (lr * m) / ((1 - b1_power) * (u + self.epsilon))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


class Nadam(Optimizer):
    default_name = "nadam"

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list: Sequence[Variable]) -> None:
        super().build(var_list)
        self._momentums, self._velocities = self.add_slots(var_list, ["momentum", "velocity"])
        dtype = var_list[0].value.dtype if var_list else numpy.dtype(_floatx)
        self._u_product = Variable(numpy.ones((), dtype=dtype), "variable", trainable=False)
        self._slots.append(self._u_product)

    def _update_all(self, grads: list[Any], variables: list[Variable], lr: Any) -> None:
        up = self._u_product.value
        t = self.step_count(up.dtype)
        up[...] = up * self.beta_1 * (1.0 - 0.5 * numpy.power(0.96, t))
        super()._update_all(grads, variables, lr)

    def update_step(self, grad: Grad, var: Variable, lr: Any, index: int) -> None:
        xp = get_array_module(var.value)
        w = var.value
        dt = w.dtype
        t = self.step_count(dt)
        t1 = self.step_count(dt, 2)
        decay = _cast(0.96, dt)
        b1 = _cast(self.beta_1, dt)
        b2 = _cast(self.beta_2, dt)
        u_t = b1 * (1.0 - 0.5 * decay**t)
        u_t1 = b1 * (1.0 - 0.5 * decay**t1)
        up_t = dt.type(self._u_product.value)
        up_t1 = up_t * u_t1
        b2_power = b2**t
        m = self._momentums[index].value
        v = self._velocities[index].value
        m += (grad.dense - m) * (1 - b1)
        v += (grad.square() - v) * (1 - b2)
        m_hat = u_t1 * m / (1 - up_t1) + (1 - u_t) * grad.dense / (1 - up_t)
        v_hat = v / (1 - b2_power)
        w -= (m_hat * lr) / (xp.sqrt(v_hat) + self.epsilon)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


class RMSprop(Optimizer):
    default_name = "rmsprop"

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list: Sequence[Variable]) -> None:
        super().build(var_list)
        (self._velocities,) = self.add_slots(var_list, ["velocity"])
        self._momentums: list[Variable] = []
        if self.momentum > 0:
            (self._momentums,) = self.add_slots(var_list, ["momentum"])
        self._average_gradients: list[Variable] = []
        if self.centered:
            (self._average_gradients,) = self.add_slots(var_list, ["average_gradient"])

    def update_step(self, grad: Grad, var: Variable, lr: Any, index: int) -> None:
        xp = get_array_module(var.value)
        w = var.value
        rho = self.rho
        v = self._velocities[index].value
        g = grad.dense
        v[...] = rho * v + (1 - rho) * grad.square()
        if self.centered:
            a = self._average_gradients[index].value
            a[...] = rho * a + (1 - rho) * g
            denominator = v - a * a + self.epsilon
        else:
            denominator = v + self.epsilon
        increment = (lr * g) / xp.sqrt(denominator)
        if self.momentum > 0:
            mom = self._momentums[index].value
            mom[...] = self.momentum * mom + increment
            w -= mom
        else:
            w -= increment

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }


class Adagrad(Optimizer):
    default_name = "adagrad"

    def __init__(
        self,
        learning_rate: Any = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list: Sequence[Variable]) -> None:
        super().build(var_list)
        (self._accumulators,) = self.add_slots(var_list, ["accumulator"])
        for acc in self._accumulators:
            acc.value[...] = _cast(self.initial_accumulator_value, acc.value.dtype)

    def update_step(self, grad: Grad, var: Variable, lr: Any, index: int) -> None:
        xp = get_array_module(var.value)
        acc = self._accumulators[index].value
        acc += grad.square()
        var.value -= (lr * grad.dense) / xp.sqrt(acc + self.epsilon)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }


class Adadelta(Optimizer):
    default_name = "adadelta"

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.95,
        epsilon: float = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list: Sequence[Variable]) -> None:
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_slots(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    def update_step(self, grad: Grad, var: Variable, lr: Any, index: int) -> None:
        xp = get_array_module(var.value)
        rho = self.rho
        eg = self._accumulated_grads[index].value
        ed = self._accumulated_delta_vars[index].value
        eg[...] = rho * eg + (1 - rho) * grad.square()
        ratio = xp.sqrt(ed + self.epsilon)
        scale = xp.sqrt(eg + self.epsilon)
        delta = -(ratio * grad.dense) / scale
        # for IndexedSlices, Keras squares the delta slice by slice before summing duplicates
        sparse = grad.sparse is not None
        delta_sq = (ratio / scale) ** 2 * grad.square() if sparse else delta * delta
        ed[...] = rho * ed + (1 - rho) * delta_sq
        var.value += lr * delta

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


_CLASSES: dict[str, type[Optimizer]] = {
    cls.__name__: cls for cls in (SGD, Adam, AdamW, Adamax, Nadam, RMSprop, Adagrad, Adadelta)
}


def get(identifier: Any) -> Optimizer:
    """An optimizer from an instance, a name (``"adam"``, ``"SGD"``) or a config dict
    ``{"class"|"class_name": ..., "config"|"kwargs": {...}}``."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    if isinstance(identifier, str):
        for name, cls in _CLASSES.items():
            if name.lower() == identifier.lower():
                return cls()
    if isinstance(identifier, dict):
        wanted = str(identifier.get("class", identifier.get("class_name"))).lower()
        cls_ = next((c for n, c in _CLASSES.items() if n.lower() == wanted), None)
        if cls_ is not None:
            config = identifier.get("config", identifier.get("kwargs")) or {}
            return cls_.from_config(config)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")
