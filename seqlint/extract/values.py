"""Abstract values of the extractor's small interpreter.

Python constants (int, float, str, bool, None, tuple) stand for themselves. Lists are
:class:`ListVal` so ``append`` can mutate them. Anything the interpreter cannot know is
:data:`UNKNOWN`. The IR types (:class:`LayerCall`, :class:`ModelIR`, :class:`ArrayInfo`, ...) are
values too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from seqlint.extract.names import activation_name, canonical


@dataclass(frozen=True)
class Ref:
    """A name from outside the file (a module, class or function), canonicalised."""

    qualname: str

    def attr(self, name: str) -> Ref:
        return Ref(canonical(f"{self.qualname}.{name}"))

    @property
    def activation_name(self) -> str | None:
        return activation_name(self.qualname)


@dataclass(eq=False)
class ListVal:
    items: list[Any]
    level: int = 0  # taint level where it was created: deeper appends are uncertain


@dataclass(eq=False)
class DictVal:
    items: dict[Any, Any]


@dataclass(eq=False)
class BoundMethod:
    """``obj.method`` before it is called (``model.add``, ``layers.append``, ``x.reshape``)."""

    obj: Any
    name: str


@dataclass(eq=False)
class FuncVal:
    """A function defined in the file; calling it interprets its body."""

    node: cst.FunctionDef | cst.Lambda
    scope: Any  # the Scope it was defined in
    defaults: dict[str, Any] = field(default_factory=dict)
    called: bool = False
    is_method: bool = False
    qualname: str = ""
    owner: Any = None  # the ClassVal of a plain method


@dataclass(eq=False)
class LambdaVal:
    """A ``lambda`` expression (not interpreted when called: its value is unknown)."""

    node: cst.Lambda

    @property
    def elementwise(self) -> bool:
        """``lambda x: x / 255.0``, ``lambda t: tf.math.exp(t) - 1``: a one-argument lambda that
        maps each element on its own, so ``Lambda(f)`` keeps the input shape."""
        node = self.node
        params = node.params
        if (
            len(params.params) != 1
            or params.posonly_params
            or params.kwonly_params
            or not isinstance(params.star_arg, cst.MaybeSentinel)
            or params.star_kwarg is not None
        ):
            return False
        return _elementwise(node.body, params.params[0].name.value)

    @property
    def reduction(self) -> tuple[int, bool] | None:
        """``(axis, keepdims)`` for ``lambda t: ops.mean(t, axis=1)`` (``tf.reduce_sum(t, 1)``,
        ``ops.max(t, axis=-1, keepdims=True)``...): a reduction over one literal axis of an
        elementwise expression of the argument."""
        node = self.node
        params = node.params
        if len(params.params) != 1 or params.kwonly_params or params.posonly_params:
            return None
        body = node.body
        if not isinstance(body, cst.Call) or not isinstance(body.func, cst.Attribute):
            return None
        if body.func.attr.value not in _REDUCTIONS or not body.args:
            return None
        first = body.args[0]
        if (
            first.keyword is not None
            or first.star
            or not _elementwise(first.value, params.params[0].name.value)
        ):
            return None
        axis: int | None = None
        keepdims = False
        positional = ("axis", "keepdims")
        for i, arg in enumerate(body.args[1:]):
            if arg.star:
                return None
            if arg.keyword is not None:
                key = arg.keyword.value
            elif i < len(positional):
                key = positional[i]
            else:
                return None
            if key == "axis":
                axis = _int_literal(arg.value)
                if axis is None:
                    return None
            elif key == "keepdims" and isinstance(arg.value, cst.Name):
                if arg.value.value not in ("True", "False"):
                    return None
                keepdims = arg.value.value == "True"
            else:
                return None
        return None if axis is None else (axis, keepdims)


# Reductions over an axis, as keras.ops / tf / tf.math / numpy spell them.
_REDUCTIONS = frozenset(
    {"mean", "sum", "max", "min", "prod", "std", "var", "logsumexp"}
    | {f"reduce_{name}" for name in ("mean", "sum", "max", "min", "prod", "std", "variance")}
)


def _int_literal(node: cst.BaseExpression) -> int | None:
    if isinstance(node, cst.Integer):
        return int(node.value)
    if (
        isinstance(node, cst.UnaryOperation)
        and isinstance(node.operator, cst.Minus)
        and isinstance(node.expression, cst.Integer)
    ):
        return -int(node.expression.value)
    return None


@dataclass(eq=False)
class ClassVal:
    """A class defined in the file. ``kind``: "layer" (subclasses a Keras layer), "model"
    (subclasses keras.Model/Sequential) or "plain"."""

    name: str
    kind: str
    methods: dict[str, FuncVal] = field(default_factory=dict)
    # class-level ``NAME = value`` assignments no method rebinds on ``self``
    attrs: dict[str, Any] = field(default_factory=dict)
    # whether instances see ``attrs`` as they are: not for dataclasses, NamedTuples and other
    # decorated classes or bases that turn class attributes into constructor fields
    plain_instances: bool = True
    instances: list[Any] = field(default_factory=list)  # Instance objects made of it


@dataclass(frozen=True)
class Builtin:
    name: str


@dataclass(eq=False)
class Instance:
    """An object of a class defined in the file, with the attributes its methods set
    (``self.model = Sequential(...)`` in ``__init__``, read back in ``train``)."""

    cls: ClassVal
    attrs: dict[str, Any] = field(default_factory=dict)
    level: int = 0  # taint level it was created at: deeper attribute writes are uncertain


# Functions (by last name) that act on each element on their own, as tf.math / keras.ops /
# numpy spell them.
_ELEMENTWISE_FUNCS = frozenset(
    {
        "abs", "exp", "expm1", "log", "log1p", "sqrt", "rsqrt", "square", "sign", "tanh",
        "sigmoid", "relu", "relu6", "elu", "selu", "softplus", "softsign", "gelu", "silu",
        "swish", "sin", "cos", "negative", "reciprocal", "floor", "ceil", "round",
    }
)  # fmt: skip


def _elementwise(node: cst.BaseExpression, param: str) -> bool:
    if isinstance(node, cst.Name):
        return node.value == param
    if isinstance(node, (cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.UnaryOperation):
        return _elementwise(node.expression, param)
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.MatrixMultiply):
            return False
        # at least one side is the tensor; constants broadcast
        return (
            _elementwise(node.left, param)
            and _elementwise(node.right, param)
            and (_uses(node.left, param) or _uses(node.right, param))
        )
    if isinstance(node, cst.Call):
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else None
        return (
            name in _ELEMENTWISE_FUNCS
            and len(node.args) == 1
            and node.args[0].keyword is None
            and not node.args[0].star
            and _elementwise(node.args[0].value, param)
        )
    return False


def _uses(node: cst.BaseExpression, param: str) -> bool:
    if isinstance(node, cst.Name):
        return node.value == param
    if isinstance(node, cst.UnaryOperation):
        return _uses(node.expression, param)
    if isinstance(node, cst.BinaryOperation):
        return _uses(node.left, param) or _uses(node.right, param)
    if isinstance(node, cst.Call):
        return any(_uses(a.value, param) for a in node.args)
    return False
