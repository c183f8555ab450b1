"""Recurrent layers: SimpleRNN, LSTM, GRU (both ``reset_after`` modes).

Inputs ``(batch, time, features)``, zero initial state. The input projection of all time steps
is one matmul; only the recurrent matmul runs per step (time-major internally). Backward is
back-propagation through time, with the recurrent-kernel gradient as one matmul at the end.

* ``go_backwards=True`` processes the reversed sequence and returns it in processing order;
  ``return_sequences=False`` returns the last processed step.
* LSTM gates ``i, f, c, o``; GRU gates ``z, r, h`` with ``h = z * h_prev + (1 - z) * hh``.
* ``dropout`` (training only) multiplies the inputs by one inverted-dropout mask per sequence.
  ``recurrent_dropout`` masks the state fed to the recurrent matmul for SimpleRNN. For LSTM and
  GRU, Keras 3 switches to ``implementation=1`` when ``recurrent_dropout > 0`` and then draws one
  input mask and one state mask *per gate*: the LSTM does the same (each gate's slice of the
  kernels sees its own masked copy of the input and of the state), and so does the GRU.
* ``stateful=True`` starts each batch from the previous batch's final states (the gradient
  stops at the batch boundary, as in Keras) until :meth:`reset_states`. As in Keras the batch
  size is then fixed: the model's input must declare it (``Input(batch_shape=...)``,
  ``batch_size=``) or, built on its first batch, takes that batch's size; a batch of another
  size is refused with Keras's message.
* A mask (``Embedding(mask_zero=True)``, ``Masking``) makes a masked step keep the previous
  state and output, as Keras does; the output carries the mask on with ``return_sequences``.
* ``return_state=True`` makes the layer return several tensors (output and states). Keras 3
  then fails on the next layer of a Sequential model ("expects 1 input(s), but it received 3
  input tensors"), and so does the runtime, with the same words; as the last layer it would
  give the model several outputs, which the runtime refuses by name.
"""

from __future__ import annotations

from typing import Any, ClassVar

from seqlint.layers import recurrent as recurrent_defs
from seqlint.layers.base import Shape
from seqlint.runtime import activations, initializers
from seqlint.runtime.core import Variable
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel


class _RNN(RuntimeLayer):
    gates: ClassVar[int] = 1
    supports_masking = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = int(self.get("units"))
        self.act = activations.get(self.get("activation"))
        self.rec_act = activations.get(self.get("recurrent_activation", "sigmoid"))
        # output plus one state per cell state (LSTM: h and c): what Keras returns
        states = int(getattr(self.definition, "states", 1))
        self.returned_tensors = 1 + states * bool(self.get("return_state"))
        self.stateful = bool(self.get("stateful"))
        self.states: list[Array] | None = None  # the last batch's final states (stateful)
        self.return_sequences = bool(self.get("return_sequences"))
        self.go_backwards = bool(self.get("go_backwards"))
        self.dropout = float(self.get("dropout") or 0.0)
        self.recurrent_dropout = float(self.get("recurrent_dropout") or 0.0)
        self.kernel: Variable | None = None
        self.recurrent_kernel: Variable | None = None
        self.bias: Variable | None = None
        self._cache: dict[str, Any] = {}

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        """The first returned tensor's shape (``return_state`` adds the states after it)."""
        shape = tuple(input_shape)
        if self.returned_tensors == 1 or len(shape) != 3:
            return super().compute_output_shape(shape)  # the definition's rule and errors
        if self.return_sequences:
            return (shape[0], shape[1], self.units)
        return (shape[0], self.units)

    # ---- states ----------------------------------------------------------------------------

    def __call__(self, x: Array, training: bool = False) -> Array:
        if not self.built and self.static_batch is None:
            self.static_batch = len(x)  # called on a tensor: its batch size is static
        return super().__call__(x, training=training)

    def reset_states(self) -> None:
        """Start the next batch from zero states again (``layer.reset_states()`` in Keras)."""
        self.states = None

    def _initial_state(self, k: int, n: int, dtype: Any) -> Array:
        """Zeros, or for a stateful layer the ``k``-th final state of the previous batch."""
        if self.stateful and self.static_batch is not None and n != self.static_batch:
            raise ValueError(
                "If an RNN is stateful, the batch size of the input sequences must be the same "
                f"as the batch size of the initial state. - Expected batch size: "
                f"{self.static_batch} - Received batch size: {n}"
            )
        if self.states is None:
            return self.xp.zeros((n, self.units), dtype=dtype)
        return self.states[k].astype(dtype, copy=False)

    def compute_mask(self, x: Array, mask: Array) -> Array:
        return mask if self.return_sequences else None

    def _step_mask(self, dtype: Any) -> Array:
        """The input mask time-major as ``(time, batch, 1)`` floats in processing order."""
        if self.mask is None:
            return None
        m = self.xp.asarray(self.mask)
        if self.go_backwards:
            m = m[:, ::-1]
        return self.xp.ascontiguousarray(m.T)[:, :, None].astype(dtype)

    def _keep_states(self, *states: Array) -> None:
        if self.stateful:
            self.states = [s.copy() for s in states]

    # ---- weights ---------------------------------------------------------------------------

    def _bias_initializer(self) -> Any:
        return self.get("bias_initializer")

    def build(self, input_shape: Shape) -> None:
        if input_shape[-1] is None:
            raise ValueError(f"{self.class_name} needs a known feature dimension")
        if self.stateful and self.static_batch is None:
            raise ValueError(
                "When using `stateful=True` in a RNN, the batch size must be static. Found "
                f"dynamic batch size: sequence.shape={tuple(input_shape)}"
            )
        # kernel (features, gates * units), recurrent_kernel (units, gates * units), bias
        self.build_weights(input_shape, {"bias": self._bias_initializer()})

    def _input_bias(self) -> Array:
        return None if self.bias is None else self.bias.value

    # ---- forward / backward ------------------------------------------------------------------

    def _per_gate(self) -> bool:
        """Whether Keras draws one dropout mask per gate (LSTM/GRU with ``implementation=1``,
        which ``recurrent_dropout`` forces)."""
        if self.class_name == "SimpleRNN":
            return False
        return self.get("implementation") == 1 or self.recurrent_dropout != 0.0

    def _gate_cols(self) -> list[slice]:
        u = self.units
        return [slice(g * u, (g + 1) * u) for g in range(self.gates)]

    def _recurrent_in(self, h: Array, r: Array, rmask: Array) -> Array:
        """``h U``, or with per-gate recurrent dropout ``(h * m_g) U_g`` for each gate."""
        if rmask is None:
            return h @ r
        return self.xp.concatenate(
            [(h * rmask[g]) @ r[:, c] for g, c in enumerate(self._gate_cols())], axis=1
        )

    def _recurrent_back(self, dz: Array, r: Array, rmask: Array) -> Array:
        """The state's gradient through :meth:`_recurrent_in`."""
        if rmask is None:
            return dz @ r.T
        return sum((dz[:, c] @ r[:, c].T) * rmask[g] for g, c in enumerate(self._gate_cols()))

    def forward(self, x: Array, training: bool = False) -> Array:
        assert self.kernel is not None
        xp = self.xp
        x = self.cast_input(x)
        if self.go_backwards:
            x = x[:, ::-1]
        n, t, f = x.shape
        xt = xp.ascontiguousarray(x.transpose(1, 0, 2))
        mask = None
        per_gate = training and self._per_gate()
        gates, u = self.gates, self.units
        if training and 0.0 < self.dropout < 1.0:
            mask = self.dropout_mask((gates, n, f) if per_gate else (n, f), self.dropout)
        if mask is not None and per_gate:
            # one input mask per gate: flat is (gates, t * n, f)
            flat = (xt[None] * mask[:, None]).reshape(gates, t * n, f)
            k = self.kernel.value
            blocks = [flat[g] @ k[:, g * u : (g + 1) * u] for g in range(gates)]
            proj = xp.concatenate(blocks, axis=1).reshape(t, n, -1)
        else:
            if mask is not None:
                xt = xt * mask
            flat = xt.reshape(t * n, f)
            proj = (flat @ self.kernel.value).reshape(t, n, -1)
        bias = self._input_bias()
        if bias is not None:
            proj = proj + bias
        rmask = None
        if training and 0.0 < self.recurrent_dropout < 1.0:
            if self.class_name == "SimpleRNN":
                rmask = self.dropout_mask((n, u), self.recurrent_dropout)
            elif per_gate:
                rmask = self.dropout_mask((gates, n, u), self.recurrent_dropout)
        steps = self._step_mask(proj.dtype)
        hs = self._run(proj, rmask, steps)
        self._cache.update(
            {"flat": flat, "mask": mask, "rmask": rmask, "shape": (n, t, f), "steps": steps}
        )
        if self.return_sequences:
            return hs.transpose(1, 0, 2)
        return hs[-1]

    def backward(self, dy: Array) -> Array:
        assert self.kernel is not None
        xp = self.xp
        n, t, f = self._cache["shape"]
        if self.return_sequences:
            dh = xp.ascontiguousarray(dy.transpose(1, 0, 2))
        else:
            dh = xp.zeros((t, n, self.units), dtype=dy.dtype)
            dh[-1] = dy
        dproj = self._back(dh)
        d2 = dproj.reshape(t * n, -1)
        flat, mask = self._cache["flat"], self._cache["mask"]
        u, k = self.units, self.kernel.value
        if flat.ndim == 3:  # per-gate input masks
            cols = [slice(g * u, (g + 1) * u) for g in range(self.gates)]
            self.set_grad(
                self.kernel,
                lambda: xp.concatenate([flat[g].T @ d2[:, c] for g, c in enumerate(cols)], axis=1),
            )
        else:
            self.set_grad(self.kernel, lambda: flat.T @ d2)
        self._bias_grad(dproj)
        if not self.input_grad_needed:
            return None
        if flat.ndim == 3:
            dxt = sum((d2[:, c] @ k[:, c].T).reshape(t, n, f) * mask[g] for g, c in enumerate(cols))
        else:
            dxt = (d2 @ k.T).reshape(t, n, f)
            if mask is not None:
                dxt = dxt * mask
        dx = dxt.transpose(1, 0, 2)
        if self.go_backwards:
            dx = dx[:, ::-1]
        return dx

    def _bias_grad(self, dproj: Array) -> None:
        self.set_grad(self.bias, lambda: dproj.sum(axis=(0, 1)))

    def _recurrent_grad(self, hprev: Array, dpre: Array) -> None:
        t, n, u = hprev.shape
        rmask = self._cache.get("rmask") if self.gates > 1 else None
        if rmask is None:
            self.set_grad(
                self.recurrent_kernel,
                lambda: hprev.reshape(t * n, u).T @ dpre.reshape(t * n, -1),
            )
            return
        d2 = dpre.reshape(t * n, -1)
        self.set_grad(
            self.recurrent_kernel,
            lambda: self.xp.concatenate(
                [
                    (hprev * rmask[g]).reshape(t * n, u).T @ d2[:, c]
                    for g, c in enumerate(self._gate_cols())
                ],
                axis=1,
            ),
        )

    def _run(self, proj: Array, rmask: Array, steps: Array) -> Array:
        """The states of all steps, time-major; ``steps`` (or ``None``) is the step mask."""
        raise NotImplementedError

    def _back(self, dh: Array) -> Array:
        raise NotImplementedError


@kernel(recurrent_defs.SimpleRNN)
class SimpleRNN(_RNN):
    """``h = act(x W + h U + b)``."""

    gates = 1

    def _run(self, proj: Array, rmask: Array, steps: Array) -> Array:
        assert self.recurrent_kernel is not None
        xp = self.xp
        t, n, u = proj.shape
        r = self.recurrent_kernel.value
        h = self._initial_state(0, n, proj.dtype)
        hs = xp.empty_like(proj)
        cell = hs if steps is None else xp.empty_like(proj)  # the cell's own outputs
        zs = xp.empty_like(proj)
        hprev = xp.empty_like(proj)
        for i in range(t):
            hp = h if rmask is None else h * rmask
            hprev[i] = hp
            z = proj[i] + hp @ r
            zs[i] = z
            cell[i] = self.act(z)
            h = cell[i] if steps is None else steps[i] * cell[i] + (1 - steps[i]) * h
            hs[i] = h
        self._cache = {"zs": zs, "hs": cell, "hprev": hprev}
        self._keep_states(h)
        return hs

    def _back(self, dh: Array) -> Array:
        assert self.recurrent_kernel is not None
        c = self._cache
        zs, hs, rmask, steps = c["zs"], c["hs"], c["rmask"], c["steps"]
        r = self.recurrent_kernel.value
        dproj = self.xp.empty_like(zs)
        carry = None
        for i in range(zs.shape[0] - 1, -1, -1):
            g = dh[i] if carry is None else dh[i] + carry
            dz = self.act.vjp(zs[i], hs[i], g if steps is None else g * steps[i])
            dproj[i] = dz
            carry = dz @ r.T
            if rmask is not None:
                carry = carry * rmask
            if steps is not None:  # a masked step passes the state's gradient on
                carry = carry + g * (1 - steps[i])
        self._recurrent_grad(c["hprev"], dproj)
        return dproj


@kernel(recurrent_defs.LSTM)
class LSTM(_RNN):
    """Kernel ``(in, 4u)``, recurrent kernel ``(u, 4u)``, bias ``(4u,)``; gates i, f, c, o:
    ``c = f * c + i * act(zc)``, ``h = o * act(c)``."""

    gates = 4

    def _bias_initializer(self) -> Any:
        base = initializers.get(self.get("bias_initializer"))
        if not self.get("unit_forget_bias"):
            return base
        u = self.units

        def init(shape: tuple[int, ...], dtype: Any, xp: Any, rng: Any) -> Array:
            return xp.concatenate(
                [
                    base((u,), dtype, xp, rng),
                    xp.ones((u,), dtype=dtype),
                    base((2 * u,), dtype, xp, rng),
                ]
            )

        return init

    def _run(self, proj: Array, rmask: Array, steps: Array) -> Array:
        assert self.recurrent_kernel is not None
        xp = self.xp
        t, n, _ = proj.shape
        u = self.units
        r = self.recurrent_kernel.value
        h = self._initial_state(0, n, proj.dtype)
        c = self._initial_state(1, n, proj.dtype)
        zs = xp.empty_like(proj)
        acts = xp.empty_like(proj)
        cs = xp.empty((t, n, u), dtype=proj.dtype)  # the cell state each step starts from
        cnew = xp.empty((t, n, u), dtype=proj.dtype)  # the cell's new cell state
        tcs = xp.empty((t, n, u), dtype=proj.dtype)
        hs = xp.empty((t, n, u), dtype=proj.dtype)
        hprev = xp.empty((t, n, u), dtype=proj.dtype)
        ra, act = self.rec_act, self.act
        for k in range(t):
            hprev[k] = h
            z = proj[k] + self._recurrent_in(h, r, rmask)
            zs[k] = z
            i = ra(z[:, :u])
            f = ra(z[:, u : 2 * u])
            g = act(z[:, 2 * u : 3 * u])
            o = ra(z[:, 3 * u :])
            acts[k, :, :u], acts[k, :, u : 2 * u] = i, f
            acts[k, :, 2 * u : 3 * u], acts[k, :, 3 * u :] = g, o
            cs[k] = c
            c_cell = f * c + i * g
            tc = act(c_cell)
            h_cell = o * tc
            if steps is None:
                c, h = c_cell, h_cell
            else:
                m = steps[k]
                c, h = m * c_cell + (1 - m) * c, m * h_cell + (1 - m) * h
            cnew[k], tcs[k], hs[k] = c_cell, tc, h
        self._cache = {
            "zs": zs,
            "acts": acts,
            "cs": cs,
            "cnew": cnew,
            "tcs": tcs,
            "hprev": hprev,
        }
        self._keep_states(h, c)
        return hs

    def _back(self, dh: Array) -> Array:
        assert self.recurrent_kernel is not None
        xp = self.xp
        cache = self._cache
        zs, acts, cs, tcs = cache["zs"], cache["acts"], cache["cs"], cache["tcs"]
        cnew, steps = cache["cnew"], cache["steps"]
        u = self.units
        r = self.recurrent_kernel.value
        ra, act = self.rec_act, self.act
        dproj = xp.empty_like(zs)
        dh_next: Array | None = None
        dc_next: Array | None = None
        for k in range(zs.shape[0] - 1, -1, -1):
            g_all = dh[k] if dh_next is None else dh[k] + dh_next
            m = None if steps is None else steps[k]
            g_h = g_all if m is None else g_all * m
            z, a = zs[k], acts[k]
            i, f, g, o = a[:, :u], a[:, u : 2 * u], a[:, 2 * u : 3 * u], a[:, 3 * u :]
            dc = act.vjp(cnew[k], tcs[k], g_h * o)
            if dc_next is not None:
                dc = dc + (dc_next if m is None else dc_next * m)
            dz = dproj[k]
            dz[:, :u] = ra.vjp(z[:, :u], i, dc * g)
            dz[:, u : 2 * u] = ra.vjp(z[:, u : 2 * u], f, dc * cs[k])
            dz[:, 2 * u : 3 * u] = act.vjp(z[:, 2 * u : 3 * u], g, dc * i)
            dz[:, 3 * u :] = ra.vjp(z[:, 3 * u :], o, g_h * tcs[k])
            dc_in = dc_next
            dc_next = dc * f
            dh_next = self._recurrent_back(dz, r, cache.get("rmask"))
            if m is not None:  # a masked step passes the states' gradients on
                dh_next = dh_next + g_all * (1 - m)
                if dc_in is not None:
                    dc_next = dc_next + dc_in * (1 - m)
        self._recurrent_grad(cache["hprev"], dproj)
        return dproj


@kernel(recurrent_defs.GRU)
class GRU(_RNN):
    """Kernel ``(in, 3u)``, recurrent kernel ``(u, 3u)``; gates z, r, h.

    ``reset_after=True``: bias ``(2, 3u)`` = [input; recurrent],
    ``hh = act(x Wh + b_in + r * (h Uh + b_rec))``; ``reset_after=False``: bias ``(3u,)``,
    ``hh = act(x Wh + b + (r * h) Uh)``.
    """

    gates = 3

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reset_after = bool(self.get("reset_after", True))

    def _input_bias(self) -> Array:
        if self.bias is None:
            return None
        return self.bias.value[0] if self.reset_after else self.bias.value

    def _bias_grad(self, dproj: Array) -> None:
        if self.bias is None:
            return
        if not self.reset_after:
            super()._bias_grad(dproj)
            return
        dinner = self._cache["dinner"]
        self.set_grad(
            self.bias,
            lambda: self.xp.stack([dproj.sum(axis=(0, 1)), dinner.sum(axis=(0, 1))]),
        )

    def _run(self, proj: Array, rmask: Array, steps: Array) -> Array:
        assert self.recurrent_kernel is not None
        xp = self.xp
        t, n, _ = proj.shape
        u = self.units
        r_all = self.recurrent_kernel.value
        rec_bias = self.bias.value[1] if (self.bias is not None and self.reset_after) else None
        h = self._initial_state(0, n, proj.dtype)
        hs = xp.empty((t, n, u), dtype=proj.dtype)
        hprev = xp.empty((t, n, u), dtype=proj.dtype)
        zr_pre = xp.empty((t, n, 2 * u), dtype=proj.dtype)
        zr = xp.empty((t, n, 2 * u), dtype=proj.dtype)
        h_pre = xp.empty((t, n, u), dtype=proj.dtype)
        hh_all = xp.empty((t, n, u), dtype=proj.dtype)
        inner_h = xp.empty((t, n, u), dtype=proj.dtype)  # h Uh + b_rec, or r * h
        ra, act = self.rec_act, self.act
        for k in range(t):
            hprev[k] = h
            if self.reset_after:
                inner = self._recurrent_in(h, r_all, rmask)
                if rec_bias is not None:
                    inner = inner + rec_bias
            elif rmask is None:
                inner = h @ r_all[:, : 2 * u]
            else:  # per-gate recurrent dropout
                inner = xp.concatenate(
                    [(h * rmask[0]) @ r_all[:, :u], (h * rmask[1]) @ r_all[:, u : 2 * u]], axis=1
                )
            pre = proj[k, :, : 2 * u] + inner[:, : 2 * u]
            gates = ra(pre)
            z, r = gates[:, :u], gates[:, u:]
            if self.reset_after:
                inner_h[k] = inner[:, 2 * u :]
                a = proj[k, :, 2 * u :] + r * inner[:, 2 * u :]
            else:
                rh = r * (h if rmask is None else h * rmask[2])
                inner_h[k] = rh
                a = proj[k, :, 2 * u :] + rh @ r_all[:, 2 * u :]
            hh = act(a)
            h_cell = z * h + (1 - z) * hh
            h = h_cell if steps is None else steps[k] * h_cell + (1 - steps[k]) * h
            zr_pre[k], zr[k], h_pre[k], hh_all[k], hs[k] = pre, gates, a, hh, h
        self._cache = {
            "hprev": hprev,
            "zr_pre": zr_pre,
            "zr": zr,
            "h_pre": h_pre,
            "hh": hh_all,
            "inner_h": inner_h,
        }
        self._keep_states(h)
        return hs

    def _back(self, dh: Array) -> Array:
        assert self.recurrent_kernel is not None
        xp = self.xp
        c = self._cache
        hprev, zr_pre, zr, h_pre, hh_all, inner_h = (
            c["hprev"],
            c["zr_pre"],
            c["zr"],
            c["h_pre"],
            c["hh"],
            c["inner_h"],
        )
        t, n, u = hprev.shape
        r_all = self.recurrent_kernel.value
        ra, act = self.rec_act, self.act
        steps, rmask = c["steps"], c.get("rmask")
        dproj = xp.empty((t, n, 3 * u), dtype=dh.dtype)
        dinner = xp.empty((t, n, 3 * u), dtype=dh.dtype)  # gradient wrt h @ R (+ b_rec) parts
        carry = None
        for k in range(t - 1, -1, -1):
            g_all = dh[k] if carry is None else dh[k] + carry
            g = g_all if steps is None else g_all * steps[k]
            z, r = zr[k, :, :u], zr[k, :, u:]
            hh, hp = hh_all[k], hprev[k]
            dz = g * (hp - hh)
            dhh = g * (1 - z)
            dprev = g * z
            da = act.vjp(h_pre[k], hh, dhh)
            dproj[k, :, 2 * u :] = da
            if self.reset_after:
                dr = da * inner_h[k]
                dinner[k, :, 2 * u :] = da * r
            else:
                drh = da @ r_all[:, 2 * u :].T
                dinner[k, :, 2 * u :] = da  # wrt (r*h) @ Uh: kernel grad uses r*h
                if rmask is None:
                    dr = drh * hp
                    dprev = dprev + drh * r
                else:
                    dr = drh * hp * rmask[2]
                    dprev = dprev + drh * r * rmask[2]
            dzr = ra.vjp(zr_pre[k], zr[k], xp.concatenate([dz, dr], axis=1))
            dproj[k, :, : 2 * u] = dzr
            dinner[k, :, : 2 * u] = dzr
            if self.reset_after:
                carry = dprev + self._recurrent_back(dinner[k], r_all, rmask)
            elif rmask is None:
                carry = dprev + dzr @ r_all[:, : 2 * u].T
            else:
                carry = (
                    dprev
                    + (dzr[:, :u] @ r_all[:, :u].T) * rmask[0]
                    + (dzr[:, u:] @ r_all[:, u : 2 * u].T) * rmask[1]
                )
            if steps is not None:  # a masked step passes the state's gradient on
                carry = carry + g_all * (1 - steps[k])
        if self.reset_after:
            self._recurrent_grad(hprev, dinner)
        else:
            tn = t * n

            def grad() -> Array:
                if rmask is None:
                    zr_part = hprev.reshape(tn, u).T @ dinner[:, :, : 2 * u].reshape(tn, 2 * u)
                else:
                    zr_part = xp.concatenate(
                        [
                            (hprev * rmask[g]).reshape(tn, u).T
                            @ dinner[:, :, g * u : (g + 1) * u].reshape(tn, u)
                            for g in range(2)
                        ],
                        axis=1,
                    )
                h_part = inner_h.reshape(tn, u).T @ dinner[:, :, 2 * u :].reshape(tn, u)
                return xp.concatenate([zr_part, h_part], axis=1)

            self.set_grad(self.recurrent_kernel, grad)
        self._cache["dinner"] = dinner
        return dproj
