"""Functions and classes of the analysed file: what ``def`` and ``class`` make, and how a
call's arguments bind to a function's parameters (as CPython binds them; parameters of a
function nobody calls are unknown, except defaults other than the placeholder ``None``)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from seqlint.extract.names import classify
from seqlint.extract.scope import Scope
from seqlint.extract.values import ClassVal, DictVal, FuncVal, Ref
from seqlint.layers.base import UNKNOWN

Evaluate = Callable[[ast.expr, Scope], Any]


def function(
    node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope, method: bool, ev: Evaluate
) -> FuncVal:
    """The function ``def`` makes, its defaults evaluated where it is defined."""
    defaults: dict[str, Any] = {}
    params = node.args
    positional = [*params.posonlyargs, *params.args]
    for p, default in zip(
        positional[len(positional) - len(params.defaults) :], params.defaults, strict=True
    ):
        defaults[p.arg] = ev(default, scope)
    for p, kw_default in zip(params.kwonlyargs, params.kw_defaults, strict=False):
        if kw_default is not None:
            defaults[p.arg] = ev(kw_default, scope)
    fn = FuncVal(node=node, scope=scope, defaults=defaults, is_method=method)
    fn.qualname = node.name
    return fn


def klass(
    node: ast.ClassDef,
    scope: Scope,
    ev: Evaluate,
    define: Callable[..., FuncVal],
) -> ClassVal:
    """The class ``class`` makes: a Keras layer or model subclass (by its bases), or a plain
    class with its methods and the class attributes no method rebinds on ``self``."""
    cls = ClassVal(name=node.name, kind=_kind(node, scope, ev))
    body = Scope(parent=scope, module=scope.module)  # what the class body binds
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            fn = define(stmt, scope, method=True)
            fn.owner = cls
            cls.methods[stmt.name] = fn
        elif (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            body.assign(stmt.targets[0].id, ev(stmt.value, body))
        elif (
            isinstance(stmt, ast.AnnAssign)
            and stmt.value is not None
            and isinstance(stmt.target, ast.Name)
        ):
            body.assign(stmt.target.id, ev(stmt.value, body))
    if body.vars:
        rebound = _self_attributes_set(node)
        cls.attrs = {k: v for k, v in body.vars.items() if k not in rebound}
        cls.plain_instances = not (node.decorator_list or node.keywords) and all(
            (isinstance(b, ast.Name) and b.id == "object") or isinstance(ev(b, scope), ClassVal)
            for b in node.bases
        )
    return cls


def _kind(node: ast.ClassDef, scope: Scope, ev: Evaluate) -> str:
    """ "layer" or "model" for a subclass of a Keras layer or model, else "plain"."""
    kind = "plain"
    for base in node.bases:
        value = ev(base, scope)
        if isinstance(value, Ref):
            k = classify(value.qualname).kind
            if k in ("layer", "layer_base"):
                kind = "layer"
            elif k in ("sequential", "model_base"):
                kind = "model"
        elif isinstance(value, ClassVal) and value.kind != "plain":
            kind = value.kind
    return kind


def bind(
    fn: FuncVal, args: tuple[Any, ...], kwargs: dict[str, Any], opaque: bool, uncalled: bool
) -> Scope:
    """The local scope of a call of ``fn``: its parameters bound to the arguments. With
    ``opaque`` arguments (``*xs`` of unknown content) or for a function nobody calls, what
    is not passed is unknown; a default of ``None`` there is a placeholder, unknown too."""
    assert not isinstance(fn.node, ast.Lambda)
    local = Scope(parent=fn.scope, module=fn.scope.module)
    params = fn.node.args
    positional = [*params.posonlyargs, *params.args]
    rest = list(args)
    for p in positional:
        name = p.arg
        if rest:
            local.vars[name] = rest.pop(0)
        elif name in kwargs:
            local.vars[name] = kwargs[name]
        elif uncalled or opaque:
            default = fn.defaults.get(name, UNKNOWN)
            local.vars[name] = UNKNOWN if (default is None or opaque) else default
        else:
            local.vars[name] = fn.defaults.get(name, UNKNOWN)
    for p in params.kwonlyargs:
        name = p.arg
        if name in kwargs:
            local.vars[name] = kwargs[name]
        else:
            default = fn.defaults.get(name, UNKNOWN)
            local.vars[name] = UNKNOWN if (uncalled and default is None) else default
    if params.vararg is not None:
        local.vars[params.vararg.arg] = tuple(rest) if not opaque else UNKNOWN
    if params.kwarg is not None:
        names = {p.arg for p in (*positional, *params.kwonlyargs)}
        extra = {k: v for k, v in kwargs.items() if k not in names}
        local.vars[params.kwarg.arg] = DictVal(extra) if not opaque else UNKNOWN
    return local


def is_generator(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether ``def`` makes a generator function (a ``yield`` in its own body, not in a
    nested function or lambda)."""
    pending: list[ast.AST] = list(node.body)
    answer = False
    while pending and not answer:
        sub = pending.pop()
        if isinstance(sub, (ast.Yield, ast.YieldFrom)):
            answer = True
        elif not isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            pending.extend(ast.iter_child_nodes(sub))
    return answer


def decorated(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> bool:
    """A decorated function (``@staticmethod``, ``@property``, ``@tf.function``...): its
    first parameter may not be ``self``."""
    return not isinstance(node, ast.Lambda) and bool(node.decorator_list)


def _self_attributes_set(node: ast.ClassDef) -> set[str]:
    """Names the class's methods assign as attributes of anything (``self.lr = ...``): a
    class attribute of that name may be shadowed on the instance."""
    found: set[str] = set()
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Assign):
                    for target in sub.targets:
                        _note_attributes(target, found)
                elif isinstance(sub, (ast.AugAssign, ast.AnnAssign)):
                    _note_attributes(sub.target, found)
    return found


def _note_attributes(target: ast.expr, found: set[str]) -> None:
    if isinstance(target, (ast.Tuple, ast.List)):
        for sub in target.elts:
            _note_attributes(sub, found)
    elif isinstance(target, ast.Attribute):
        found.add(target.attr)
