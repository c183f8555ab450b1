"""``Lambda``: the bodies the checker understands, evaluated with their gradient.

The runtime never calls the user's function. It reads the ``lambda`` expression instead (an
``ast.Lambda``, an object whose ``node`` is one, as the checker gives it, or a Python lambda whose
source can be read) and evaluates a small language over NumPy, keeping each step's
vector-Jacobian product for ``backward``:

* the argument, number literals, ``+ - * / **`` (a literal exponent), unary ``-``;
* elementwise functions by their last name (``tf.math.exp``, ``ops.sqrt``, ``K.abs``...):
  ``exp log sqrt square abs tanh sigmoid relu sin cos negative log1p expm1 softplus``;
* reductions ``mean sum max min`` (also ``reduce_*``) with a literal ``axis`` and ``keepdims``;
* ``expand_dims(t, axis)``, ``squeeze(t, axis)``, ``l2_normalize(t, axis)``;
* indexing with literal integers, slices and ``...`` (``t[:, -1, :]``).

Anything else is refused with ``NotImplementedError`` when the layer is built.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

import numpy

from seqlint.layers import core as core_defs
from seqlint.runtime.layers.base import Array, RuntimeLayer, kernel

Vjp = Callable[[Array], Array]  # upstream gradient -> gradient wrt the layer input (or None)

_UNARY: dict[str, tuple[Callable[[Any], Any], Callable[[Any, Any], Any]]] = {
    # name: (f(x), df/dx given (x, y))
    "exp": (numpy.exp, lambda x, y: y),
    "log": (numpy.log, lambda x, y: 1.0 / x),
    "sqrt": (numpy.sqrt, lambda x, y: 0.5 / y),
    "square": (numpy.square, lambda x, y: 2.0 * x),
    "abs": (numpy.abs, lambda x, y: numpy.sign(x)),
    "tanh": (numpy.tanh, lambda x, y: 1.0 - y * y),
    "sigmoid": (lambda x: 1.0 / (1.0 + numpy.exp(-x)), lambda x, y: y * (1.0 - y)),
    "relu": (lambda x: numpy.maximum(x, 0), lambda x, y: (x > 0).astype(x.dtype)),
    "sin": (numpy.sin, lambda x, y: numpy.cos(x)),
    "cos": (numpy.cos, lambda x, y: -numpy.sin(x)),
    "negative": (numpy.negative, lambda x, y: -numpy.ones_like(x)),
    "log1p": (numpy.log1p, lambda x, y: 1.0 / (1.0 + x)),
    "expm1": (numpy.expm1, lambda x, y: y + 1.0),
    "softplus": (lambda x: numpy.logaddexp(0, x), lambda x, y: 1.0 / (1.0 + numpy.exp(-x))),
}
_REDUCE = {"mean", "sum", "max", "min"}


def lambda_node(function: Any) -> ast.Lambda:
    """The ``ast.Lambda`` of a Lambda layer's ``function`` argument."""
    node = getattr(function, "node", function)
    if isinstance(node, ast.Lambda):
        return node
    if callable(function) and getattr(function, "__name__", "") == "<lambda>":
        try:
            source = textwrap.dedent(inspect.getsource(function))
        except (OSError, TypeError):
            source = ""
        found = []
        try:
            found = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Lambda)]
        except SyntaxError:
            found = []
        if len(found) == 1:
            return found[0]
    raise NotImplementedError(
        "Lambda: only a `lambda` expression can be evaluated (the runtime never calls the "
        "user's function)"
    )


def _unbroadcast(g: Array, shape: tuple[int, ...]) -> Array:
    """Sum ``g`` down to ``shape`` (the inverse of NumPy broadcasting)."""
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for i, d in enumerate(shape):
        if d == 1 and g.shape[i] != 1:
            g = g.sum(axis=i, keepdims=True)
    return g


def _literal(node: ast.expr) -> Any:
    """A literal int, float, bool, tuple of them, or ``None`` (raises otherwise)."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise NotImplementedError(f"Lambda: {ast.unparse(node)!r} is not a literal") from None


def _index(node: ast.expr) -> Any:
    if isinstance(node, ast.Slice):
        parts = [None if p is None else _literal(p) for p in (node.lower, node.upper, node.step)]
        return slice(*parts)
    if isinstance(node, ast.Tuple):
        return tuple(_index(e) for e in node.elts)
    if isinstance(node, ast.Constant) and node.value is Ellipsis:
        return Ellipsis
    value = _literal(node)
    if type(value) is not int:
        raise NotImplementedError(f"Lambda: index {ast.unparse(node)!r}")
    return value


class _Evaluator:
    """Evaluates one body on one input, returning its value and vector-Jacobian product."""

    def __init__(self, param: str, x: Array) -> None:
        self.param, self.x = param, x

    def ev(self, node: ast.expr) -> tuple[Any, Vjp | None]:
        method = getattr(self, f"ev_{type(node).__name__}", None)
        if method is None:
            raise NotImplementedError(f"Lambda: {ast.unparse(node)!r} is not supported")
        return method(node)

    def ev_Name(self, node: ast.Name) -> tuple[Any, Vjp | None]:  # noqa: N802
        if node.id != self.param:
            raise NotImplementedError(f"Lambda: the name {node.id!r} is not known at run time")
        return self.x, lambda g: g

    def ev_Constant(self, node: ast.Constant) -> tuple[Any, Vjp | None]:  # noqa: N802
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise NotImplementedError(f"Lambda: the constant {node.value!r}")
        return node.value, None

    def ev_UnaryOp(self, node: ast.UnaryOp) -> tuple[Any, Vjp | None]:  # noqa: N802
        value, vjp = self.ev(node.operand)
        if isinstance(node.op, ast.UAdd):
            return value, vjp
        if isinstance(node.op, ast.USub):
            return -value, None if vjp is None else (lambda g: vjp(-g))
        raise NotImplementedError(f"Lambda: {ast.unparse(node)!r}")

    def ev_BinOp(self, node: ast.BinOp) -> tuple[Any, Vjp | None]:  # noqa: N802
        a, va = self.ev(node.left)
        b, vb = self.ev(node.right)
        sa, sb = numpy.shape(a), numpy.shape(b)
        op = node.op
        if isinstance(op, ast.Pow):
            if vb is not None:
                raise NotImplementedError("Lambda: an exponent that depends on the input")
            y = a**b
            da, db = (lambda g: g * b * a ** (b - 1)), None
        elif isinstance(op, ast.Add):
            y, da, db = a + b, (lambda g: g), (lambda g: g)
        elif isinstance(op, ast.Sub):
            y, da, db = a - b, (lambda g: g), (lambda g: -g)
        elif isinstance(op, ast.Mult):
            y, da, db = a * b, (lambda g: g * b), (lambda g: g * a)
        elif isinstance(op, ast.Div):
            y, da, db = a / b, (lambda g: g / b), (lambda g: -g * a / (b * b))
        else:
            raise NotImplementedError(f"Lambda: the operator in {ast.unparse(node)!r}")
        if va is None and vb is None:
            return y, None

        def vjp(g: Array) -> Array:
            out = None
            if va is not None:
                out = va(_unbroadcast(da(g), sa))
            if vb is not None and db is not None:
                gb = vb(_unbroadcast(db(g), sb))
                out = gb if out is None else out + gb
            return out

        return y, vjp

    def ev_Subscript(self, node: ast.Subscript) -> tuple[Any, Vjp | None]:  # noqa: N802
        value, vjp = self.ev(node.value)
        index = _index(node.slice)
        y = value[index]
        if vjp is None:
            return y, None
        shape, dtype = numpy.shape(value), value.dtype

        def back(g: Array) -> Array:
            full = numpy.zeros(shape, dtype=dtype)
            full[index] = g
            return vjp(full)

        return y, back

    def _keywords(self, node: ast.Call, names: tuple[str, ...]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for i, arg in enumerate(node.args[1:]):
            if i >= len(names):
                raise NotImplementedError(f"Lambda: {ast.unparse(node)!r}")
            values[names[i]] = _literal(arg)
        for kw in node.keywords:
            if kw.arg not in names:
                raise NotImplementedError(f"Lambda: {kw.arg}= in {ast.unparse(node)!r}")
            values[kw.arg] = _literal(kw.value)
        return values

    def ev_Call(self, node: ast.Call) -> tuple[Any, Vjp | None]:  # noqa: N802
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if not node.args or isinstance(node.args[0], ast.Starred) or name is None:
            raise NotImplementedError(f"Lambda: {ast.unparse(node)!r} is not supported")
        x, vjp = self.ev(node.args[0])
        x = numpy.asarray(x)
        if name in _UNARY:
            if len(node.args) > 1 or node.keywords:
                raise NotImplementedError(f"Lambda: {ast.unparse(node)!r}")
            f, df = _UNARY[name]
            y = f(x)
            return y, None if vjp is None else (lambda g: vjp(g * df(x, y)))
        base = name.removeprefix("reduce_")
        if base in _REDUCE:
            kw = self._keywords(node, ("axis", "keepdims"))
            return self._reduce(base, x, vjp, kw.get("axis"), bool(kw.get("keepdims", False)))
        if name == "expand_dims":
            axis = self._keywords(node, ("axis",)).get("axis", 0)
            return numpy.expand_dims(x, axis), None if vjp is None else (
                lambda g: vjp(numpy.squeeze(g, axis))
            )
        if name == "squeeze":
            axis = self._keywords(node, ("axis",)).get("axis")
            shape = x.shape
            return numpy.squeeze(x, axis), None if vjp is None else (
                lambda g: vjp(g.reshape(shape))
            )
        if name == "l2_normalize":
            axis = self._keywords(node, ("axis",)).get("axis")
            return self._l2_normalize(x, vjp, axis)
        raise NotImplementedError(f"Lambda: {name}() is not supported")

    @staticmethod
    def _reduce(
        base: str, x: Array, vjp: Vjp | None, axis: Any, keepdims: bool
    ) -> tuple[Any, Vjp | None]:
        axes = tuple(range(x.ndim)) if axis is None else axis
        axes = (axes,) if isinstance(axes, int) else tuple(axes)
        axes = tuple(a % x.ndim for a in axes)
        y = getattr(numpy, base)(x, axis=axes, keepdims=True)
        out = y if keepdims else numpy.squeeze(y, axes)
        if vjp is None:
            return out, None
        count = int(numpy.prod([x.shape[a] for a in axes]))

        def back(g: Array) -> Array:
            g = g if keepdims else numpy.expand_dims(g, axes)
            if base == "sum":
                return vjp(numpy.broadcast_to(g, x.shape).astype(x.dtype))
            if base == "mean":
                return vjp(numpy.broadcast_to(g / count, x.shape).astype(x.dtype))
            hit = (x == y).astype(x.dtype)  # ties share the gradient, as TF's
            return vjp(hit * g / hit.sum(axis=axes, keepdims=True))

        return out, back

    @staticmethod
    def _l2_normalize(x: Array, vjp: Vjp | None, axis: Any) -> tuple[Any, Vjp | None]:
        """``x / sqrt(max(sum(x ** 2, axis), 1e-12))``, as ``tf.math.l2_normalize``."""
        sq = (x * x).sum(axis=axis, keepdims=True)
        big = sq > 1e-12
        inv = 1.0 / numpy.sqrt(numpy.maximum(sq, 1e-12))
        y = x * inv
        if vjp is None:
            return y, None

        def back(g: Array) -> Array:
            dot = (g * x).sum(axis=axis, keepdims=True)
            return vjp(g * inv - x * dot * inv**3 * big)

        return y, back


@kernel(core_defs.Lambda)
class Lambda(RuntimeLayer):
    """A ``lambda`` body evaluated by the small language of the module doc; its
    ``output_shape`` argument, when given, must agree with the result."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.get("arguments"):
            raise NotImplementedError("Lambda: arguments= is not supported")
        if self.get("mask") is not None:
            raise NotImplementedError("Lambda: mask= is not supported")
        node = lambda_node(self.get("function"))
        params = node.args
        if len(params.args) != 1 or params.posonlyargs or params.kwonlyargs or params.vararg:
            raise NotImplementedError("Lambda: only a one-argument lambda is supported")
        self._param, self._body = params.args[0].arg, node.body
        self._vjp: Vjp | None = None

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The definition's shape when it knows one, else the body's on a probe input."""
        try:
            return super().compute_output_shape(input_shape)
        except ValueError:
            if any(d is None for d in input_shape[1:]):
                raise
        probe = numpy.zeros((1, *input_shape[1:]), dtype=self.dtype)
        y = numpy.asarray(_Evaluator(self._param, probe).ev(self._body)[0])
        if y.ndim == 0 or y.shape[0] != 1:
            raise NotImplementedError("Lambda: a body that reduces over the batch axis")
        return (input_shape[0], *y.shape[1:])

    def forward(self, x: Array, training: bool = False) -> Array:
        x = self.backend.to_numpy(self.cast_input(x))  # the evaluator computes on the host
        with numpy.errstate(divide="ignore", invalid="ignore"):
            y, self._vjp = _Evaluator(self._param, x).ev(self._body)
        y = numpy.asarray(y)
        self._in_shape = x.shape
        if y.shape[:1] != x.shape[:1]:
            raise NotImplementedError("Lambda: a body that changes the batch axis")
        return self.xp.asarray(y.astype(self.dtype, copy=False))

    def backward(self, dy: Array) -> Array:
        if self._vjp is None:  # the body does not depend on its input
            return self.xp.zeros(self._in_shape, dtype=dy.dtype)
        return self.xp.asarray(self._vjp(self.backend.to_numpy(dy)))
