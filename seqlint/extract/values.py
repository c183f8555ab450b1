"""Abstract values of the extractor's small interpreter.

Python constants (int, float, str, bool, None, tuple) stand for themselves. Lists are
:class:`ListVal` so ``append`` can mutate them. Anything the interpreter cannot know is
:data:`UNKNOWN`. The IR types (:class:`LayerCall`, :class:`ModelIR`, :class:`ArrayInfo`, ...) are
values too.
"""

from __future__ import annotations

import ast
from typing import Any

from seqlint.extract.names import activation_name, canonical


class Ref:
    """A name from outside the file (a module, class or function), canonicalised; equal to
    any other Ref to the same name. (Plain classes here: a dataclass costs ~0.3 ms at every
    start-up.)"""

    __slots__ = ("qualname",)

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname

    def __eq__(self, other: object) -> bool:
        return type(other) is Ref and other.qualname == self.qualname

    def __hash__(self) -> int:
        return hash((self.qualname,))

    def __repr__(self) -> str:
        return f"Ref(qualname={self.qualname!r})"

    def attr(self, name: str) -> Ref:
        key = (self.qualname, name)
        found = _ATTRS.get(key)
        if found is None:
            if len(_ATTRS) > 50_000:
                _ATTRS.clear()
            found = _ATTRS[key] = Ref(canonical(f"{self.qualname}.{name}"))
        return found

    @property
    def activation_name(self) -> str | None:
        return activation_name(self.qualname)


# (qualname, attribute) -> the Ref it reaches: canonicalising is the costly part of a lookup
_ATTRS: dict[tuple[str, str], Ref] = {}


class ListVal:
    """A list (mutable, so ``append`` changes it where it is referenced)."""

    __slots__ = ("items", "level")

    def __init__(self, items: list[Any], level: int = 0) -> None:
        self.items = items
        self.level = level  # taint level where it was created: deeper appends are uncertain


class Maybe:
    """A list item that may or may not be there (appended under an unknown condition)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class DictVal:
    """A dict with constant keys. ``complete`` is False once something stored keys that are
    not known (``d[unknown] = v``, ``d.update(...)``): ``items`` then holds only some of its
    keys, so its length, its iteration and a missing key's ``get`` are unknown."""

    __slots__ = ("complete", "items")

    def __init__(self, items: dict[Any, Any], complete: bool = True) -> None:
        self.items = items
        self.complete = complete

    def forget(self) -> None:
        """Its keys are no longer all known (those it still lacks read as unknown)."""
        self.items.clear()
        self.complete = False


class PandasFrame:
    """A pandas DataFrame (or, with ``series``, a Series: one column) read from a file. Its
    rows are unknown; its column count is known only after a column selection the code spells
    out (``df.iloc[:, 1:3]``, ``df[["a", "b"]]``), and forgotten when the frame is changed in
    place. ``.values`` / ``.to_numpy()`` are arrays of two axes (a Series: one)."""

    __slots__ = ("columns", "series")

    def __init__(self, columns: int | None = None, series: bool = False) -> None:
        self.columns = columns
        self.series = series


class PandasIndexer:
    """``df.iloc``: indexing it selects rows and columns by position."""

    __slots__ = ("frame",)

    def __init__(self, frame: PandasFrame) -> None:
        self.frame = frame


class Estimator:
    """A scikit-learn preprocessing object (``StandardScaler()``, ``LabelEncoder()``);
    ``receiver`` names what its methods are registered under."""

    __slots__ = ("receiver",)

    def __init__(self, receiver: str) -> None:
        self.receiver = receiver


class BoundMethod:
    """``obj.method`` before it is called (``model.add``, ``layers.append``, ``x.reshape``)."""

    __slots__ = ("obj", "name")

    def __init__(self, obj: Any, name: str) -> None:
        self.obj = obj
        self.name = name


class PartialVal:
    """``functools.partial(layers.Conv2D, kernel_size=3)``: calling it calls ``func`` with
    these arguments first, as functools does (later keyword arguments win)."""

    __slots__ = ("func", "args", "kwargs", "opaque")

    def __init__(
        self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any], opaque: bool = False
    ) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.opaque = opaque


class FuncVal:
    """A function defined in the file; calling it interprets its body."""

    __slots__ = ("node", "scope", "defaults", "called", "is_method", "qualname", "owner")

    def __init__(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
        scope: Any,  # the Scope it was defined in
        defaults: dict[str, Any] | None = None,
        is_method: bool = False,
    ) -> None:
        self.node = node
        self.scope = scope
        self.defaults = {} if defaults is None else defaults
        self.called = False
        self.is_method = is_method
        self.qualname = ""
        self.owner: Any = None  # the ClassVal of a plain method


class LambdaVal:
    """A ``lambda`` expression: calling it is unknown, except where a handler applies it to
    values (``ds.map(lambda x, y: (x, tf.one_hot(y, 10)))``), in the scope it was made in."""

    __slots__ = ("node", "scope")

    def __init__(self, node: ast.Lambda, scope: Any = None) -> None:
        self.node = node
        self.scope = scope

    def _param(self, strict: bool) -> str | None:
        """The name of the lambda's single plain parameter (None when it has others)."""
        params = self.node.args
        if len(params.args) != 1 or params.posonlyargs or params.kwonlyargs:
            return None
        if strict and (params.vararg is not None or params.kwarg is not None):
            return None
        return params.args[0].arg

    @property
    def elementwise(self) -> bool:
        """``lambda x: x / 255.0``, ``lambda t: tf.math.exp(t) - 1``: a one-argument lambda that
        maps each element on its own, so ``Lambda(f)`` keeps the input shape."""
        param = self._param(strict=True)
        return param is not None and _elementwise(self.node.body, param)

    @property
    def reduction(self) -> tuple[int, bool] | None:
        """``(axis, keepdims)`` for ``lambda t: ops.mean(t, axis=1)`` (``tf.reduce_sum(t, 1)``,
        ``ops.max(t, axis=-1, keepdims=True)``...): a reduction over one literal axis of an
        elementwise expression of the argument."""
        param = self._param(strict=False)
        if param is None:
            return None
        body = self.node.body
        if not isinstance(body, ast.Call) or not isinstance(body.func, ast.Attribute):
            return None
        if body.func.attr not in _REDUCTIONS or not body.args:
            return None
        first = body.args[0]
        if isinstance(first, ast.Starred) or not _elementwise(first, param):
            return None
        axis: int | None = None
        keepdims = False
        positional = ("axis", "keepdims")
        named: list[tuple[str | None, ast.expr]] = []
        for i, arg in enumerate(body.args[1:]):
            if isinstance(arg, ast.Starred) or i >= len(positional):
                return None
            named.append((positional[i], arg))
        named += [(kw.arg, kw.value) for kw in body.keywords]
        for key, value in named:
            if key == "axis":
                axis = _int_literal(value)
                if axis is None:
                    return None
            elif key == "keepdims" and isinstance(value, ast.Constant):
                if not isinstance(value.value, bool):
                    return None
                keepdims = value.value
            else:
                return None
        return None if axis is None else (axis, keepdims)


# Reductions over an axis, as keras.ops / tf / tf.math / numpy spell them.
_REDUCTIONS = frozenset(
    {"mean", "sum", "max", "min", "prod", "std", "var", "logsumexp"}
    | {f"reduce_{name}" for name in ("mean", "sum", "max", "min", "prod", "std", "variance")}
)


def _int_literal(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    return None


class ClassVal:
    """A class defined in the file. ``kind``: "layer" (subclasses a Keras layer), "model"
    (subclasses keras.Model/Sequential) or "plain"."""

    __slots__ = ("name", "kind", "methods", "attrs", "plain_instances", "instances")

    def __init__(self, name: str, kind: str) -> None:
        self.name = name
        self.kind = kind
        self.methods: dict[str, FuncVal] = {}
        # class-level ``NAME = value`` assignments no method rebinds on ``self``
        self.attrs: dict[str, Any] = {}
        # whether instances see ``attrs`` as they are: not for dataclasses, NamedTuples and
        # other decorated classes or bases that turn class attributes into constructor fields
        self.plain_instances = True
        self.instances: list[Any] = []  # Instance objects made of it


class Builtin:
    """A Python builtin (``range``, ``len``...), called through its handler."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return type(other) is Builtin and other.name == self.name

    def __hash__(self) -> int:
        return hash((self.name,))

    def __repr__(self) -> str:
        return f"Builtin(name={self.name!r})"


class Instance:
    """An object of a class defined in the file, with the attributes its methods set
    (``self.model = Sequential(...)`` in ``__init__``, read back in ``train``)."""

    __slots__ = ("cls", "attrs", "level")

    def __init__(self, cls: ClassVal, level: int = 0) -> None:
        self.cls = cls
        self.attrs: dict[str, Any] = {}
        self.level = level  # taint level it was created at: deeper attribute writes are unsure


# Functions (by last name) that act on each element on their own, as tf.math / keras.ops /
# numpy spell them.
_ELEMENTWISE_FUNCS = frozenset(
    {
        "abs", "exp", "expm1", "log", "log1p", "sqrt", "rsqrt", "square", "sign", "tanh",
        "sigmoid", "relu", "relu6", "elu", "selu", "softplus", "softsign", "gelu", "silu",
        "swish", "sin", "cos", "negative", "reciprocal", "floor", "ceil", "round",
    }
)  # fmt: skip


def _elementwise(node: ast.expr, param: str) -> bool:
    if isinstance(node, ast.Name):
        return node.id == param
    if isinstance(node, ast.Constant):
        return type(node.value) in (int, float)
    if isinstance(node, ast.UnaryOp):
        return _elementwise(node.operand, param)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.MatMult):
            return False
        # at least one side is the tensor; constants broadcast
        return (
            _elementwise(node.left, param)
            and _elementwise(node.right, param)
            and (_uses(node.left, param) or _uses(node.right, param))
        )
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else None
        return (
            name in _ELEMENTWISE_FUNCS
            and len(node.args) == 1
            and not node.keywords
            and not isinstance(node.args[0], ast.Starred)
            and _elementwise(node.args[0], param)
        )
    return False


def _uses(node: ast.expr, param: str) -> bool:
    if isinstance(node, ast.Name):
        return node.id == param
    if isinstance(node, ast.UnaryOp):
        return _uses(node.operand, param)
    if isinstance(node, ast.BinOp):
        return _uses(node.left, param) or _uses(node.right, param)
    if isinstance(node, ast.Call):
        values = [a.value if isinstance(a, ast.Starred) else a for a in node.args]
        return any(_uses(v, param) for v in [*values, *(k.value for k in node.keywords)])
    return False
