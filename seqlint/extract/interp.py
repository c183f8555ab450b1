"""A small abstract interpreter over libcst that finds Sequential models without running code.

It walks a module in source order, keeping an environment of abstract values: constants,
references to imported names, layer calls, models, arrays. Functions are interpreted when called
(with the values passed) and, if never called, once with their parameters unknown. Loops over
known iterables are unrolled; branches whose condition is unknown are both followed and what they
change is marked uncertain. Nothing of the user's code is imported or executed.
"""

from __future__ import annotations

import ast
import contextlib
import itertools
import os
from collections.abc import Sequence
from typing import Any

import libcst as cst
from libcst.helpers import get_full_name_for_node

from seqlint.extract import data
from seqlint.extract.names import canonical, classify
from seqlint.extract.positions import Locator
from seqlint.extract.values import (
    Builtin,
    ClassVal,
    DictVal,
    FuncVal,
    Instance,
    LambdaVal,
    ListVal,
    Ref,
)
from seqlint.ir import (
    ArrayInfo,
    Call,
    Entry,
    FileIR,
    ImportInfo,
    InputDecl,
    LayerCall,
    Loc,
    ModelIR,
    ObjectCall,
    TensorCall,
)
from seqlint.layers import get_layer
from seqlint.layers.base import UNKNOWN

MISSING: Any = object()
MAX_STEPS = 200_000
MAX_DEPTH = 12
MAX_UNROLL = 512


class _KerasSelf:
    """``self`` in the methods of a Keras Layer/Model subclass: a Sequential stored on it is a
    sub-model its ``call`` applies to tensors (``self.encoder = Sequential([...])``)."""


KERAS_SELF = _KerasSelf()

_BUILTINS = frozenset(
    {
        "range",
        "len",
        "int",
        "float",
        "str",
        "tuple",
        "list",
        "min",
        "max",
        "abs",
        "round",
        "sum",
        "enumerate",
        "zip",
        "reversed",
        "sorted",
        "print",
        "dict",
        "bool",
        "isinstance",
        "super",
    }
)
_HARMLESS_PREFIXES = ("keras.", "numpy.", "tensorflow.", "matplotlib.", "sklearn.", "pandas.")
_MODEL_METHODS_RECORDED = frozenset(
    {
        "compile",
        "fit",
        "fit_generator",
        "evaluate",
        "evaluate_generator",
        "predict",
        "predict_generator",
        "predict_classes",
        "predict_proba",
        "predict_on_batch",
        "train_on_batch",
        "test_on_batch",
        "build",
        "summary",
        "save",
        "save_weights",
        "load_weights",
    }
)


class Budget(Exception):
    """The step budget ran out: stop interpreting, keep what was found."""


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class Scope:
    def __init__(self, parent: Scope | None = None, module: Scope | None = None) -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.module = module or self
        self.globals: set[str] = set()

    @property
    def is_module(self) -> bool:
        return self.module is self

    def lookup(self, name: str) -> Any:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            scope = scope.parent
        return MISSING

    def assign(self, name: str, value: Any) -> None:
        target = self.module if name in self.globals else self
        target.vars[name] = value


class Frame:
    """Per-call state: whether a return happened under an unknown condition."""

    def __init__(self, taint: int = 0) -> None:
        self.uncertain_return = False
        self.taint = taint  # the caller's: a call made in an unsure loop still returns surely


class Interpreter:
    def __init__(self, module: cst.Module, locator: Locator) -> None:
        self.module = module
        self.locator = locator
        self.file = FileIR()
        self.scope = Scope()
        self.taint = 0
        self.guard = 0  # depth of ``try`` bodies (with handlers) being executed
        self.steps = 0
        self.depth = 0
        self.functions: list[FuncVal] = []
        self.star_modules: list[str] = []
        self._binding = itertools.count()
        self.frame = Frame()
        # id(a ``*x`` element node) -> (how many items it spread the last time it was
        # evaluated, where they were written when known)
        self.spreads: dict[int, tuple[int, list[Loc] | None]] = {}
        # id(a list) -> (the list, its items' ids then, where each item was written)
        self.list_locs: dict[int, tuple[ListVal, tuple[int, ...], list[Loc]]] = {}

    # ---- entry point -----------------------------------------------------------------------

    def run(self) -> FileIR:
        try:
            self.exec_block(self.module.body, self.scope)
            self.scope.vars.setdefault("__name__", "__main__")
            # Functions nobody called still build models worth checking: run them with their
            # parameters unknown (defaults kept, except None which is usually a placeholder).
            # Methods nobody called run on an instance of their class (the file's own, or one
            # made by running ``__init__``), so ``self.model`` is the model ``__init__`` built;
            # their calls' order is unknown (taint 1), so order rules leave them alone.
            for fn in list(self.functions):
                if fn.called:
                    continue
                if fn.owner is None or _decorated(fn.node):
                    self.call_function(fn, (), {}, uncalled=True)
                    continue
                if fn.owner.kind != "plain":
                    self.call_function(fn, (KERAS_SELF,), {}, uncalled=True, bound_taint=0)
                    continue
                instance = self.instance_of(fn.owner)
                if not fn.called:  # (instance_of may just have run it: ``__init__``)
                    self.call_function(fn, (instance,), {}, uncalled=True, bound_taint=1)
        except (Budget, RecursionError, _Return, _Break, _Continue):
            # (a return/break outside any function or loop: libcst parses it, CPython's
            # compiler refuses the file, e.g. a notebook function body split over cells)
            for m in self.file.models:
                m.uncertain = True
        except MemoryError:
            raise  # an analysis that did not finish must fail loudly, never look clean
        except Exception:
            # Real-world code reaches corners we did not foresee; a linter must not crash on
            # it. What was found so far is kept, marked uncertain so no rule guesses from it.
            if os.environ.get("SEQLINT_STRICT"):
                raise
            for m in self.file.models:
                m.uncertain = True
        return self.file

    def instance_of(self, cls: ClassVal) -> Instance:
        """The last instance the file made of ``cls``, else a new one ``__init__`` has run on."""
        if cls.instances:
            return cls.instances[-1]
        instance = Instance(cls, level=0)
        cls.instances.append(instance)
        init = cls.methods.get("__init__")
        if init is not None and not init.called and not _decorated(init.node):
            init.called = True
            self.call_function(init, (instance,), {}, uncalled=True, bound_taint=0)
        return instance

    # ---- helpers ---------------------------------------------------------------------------

    def loc(self, node: cst.CSTNode) -> Loc:
        return self.locator.loc(node)

    @property
    def guarded(self) -> bool:
        """Whether what runs now may not run, or may fail on purpose (a ``try`` body)."""
        return self.taint > 0 or self.guard > 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise Budget

    def new_model(self, loc: Loc) -> ModelIR:
        model = ModelIR(loc=loc, taint_level=self.taint)
        self.file.models.append(model)
        return model

    # ---- statements ------------------------------------------------------------------------

    def exec_block(self, stmts: Sequence[cst.CSTNode], scope: Scope) -> None:
        for stmt in stmts:
            self.exec_stmt(stmt, scope)

    def exec_body(self, body: cst.BaseSuite, scope: Scope) -> None:
        self.exec_block(body.body, scope)

    def exec_stmt(self, stmt: cst.CSTNode, scope: Scope) -> None:
        self.tick()
        if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in stmt.body:
                self.exec_small(small, scope)
        elif isinstance(stmt, cst.If):
            self.exec_if(stmt, scope)
        elif isinstance(stmt, cst.For):
            self.exec_for(stmt, scope)
        elif isinstance(stmt, cst.While):
            self.exec_uncertain([stmt.body], scope, loop=True)
            if stmt.orelse is not None:
                self.exec_uncertain([stmt.orelse.body], scope)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            self.exec_try(stmt, scope)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                value = self.ev(item.item, scope)
                if item.asname is not None:
                    self.assign(item.asname.name, UNKNOWN if value is MISSING else UNKNOWN, scope)
            self.exec_body(stmt.body, scope)
        elif isinstance(stmt, cst.FunctionDef):
            self.define_function(stmt, scope)
        elif isinstance(stmt, cst.ClassDef):
            self.define_class(stmt, scope)
        elif isinstance(stmt, cst.Match):
            self.exec_uncertain([case.body for case in stmt.cases], scope)

    def exec_small(self, node: cst.CSTNode, scope: Scope) -> None:
        if isinstance(node, cst.Expr):
            self.ev(node.value, scope)
        elif isinstance(node, cst.Assign):
            value = self.ev(node.value, scope)
            for target in node.targets:
                self.assign(target.target, value, scope)
        elif isinstance(node, cst.AnnAssign):
            if node.value is not None:
                self.assign(node.target, self.ev(node.value, scope), scope)
        elif isinstance(node, cst.AugAssign):
            current = self.ev(node.target, scope)
            value = self.ev(node.value, scope)
            op = _BINOPS.get(type(node.operator).__name__.replace("Assign", ""))
            result = self.binop(op, current, value) if op else UNKNOWN
            if isinstance(current, ListVal) and op == "+":
                items = self.iterate(value)
                if items is None or self.taint > current.level:
                    current.items.append(_Maybe(UNKNOWN))
                else:
                    current.items.extend(items)
                result = current
            self.assign(node.target, result, scope)
        elif isinstance(node, cst.Import):
            self.exec_import(node, scope)
        elif isinstance(node, cst.ImportFrom):
            self.exec_import_from(node, scope)
        elif isinstance(node, cst.Return):
            value = self.ev(node.value, scope) if node.value is not None else None
            if self.taint > self.frame.taint:
                self.frame.uncertain_return = True
            raise _Return(value)
        elif isinstance(node, cst.Break):
            raise _Break
        elif isinstance(node, cst.Continue):
            raise _Continue
        elif isinstance(node, cst.Global):
            scope.globals.update(n.name.value for n in node.names)
        elif isinstance(node, cst.Del):
            self.delete(node.target, scope)

    def delete(self, target: cst.BaseExpression, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            scope.vars.pop(target.value, None)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                self.delete(el.value, scope)
        elif isinstance(target, cst.Subscript):
            base = self.ev(target.value, scope)
            if isinstance(base, ModelIR):
                base.uncertain = True

    def exec_import(self, node: cst.Import, scope: Scope) -> None:
        for alias in node.names:
            full = get_full_name_for_node(alias.name) or ""
            self.file.imports.append(
                ImportInfo(canonical(full), (), self.loc(node), raw=full, guarded=self.guarded)
            )
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                scope.assign(alias.asname.name.value, Ref(canonical(full)))
            else:
                top = full.split(".", 1)[0]
                scope.assign(top, Ref(canonical(top)))

    def exec_import_from(self, node: cst.ImportFrom, scope: Scope) -> None:
        raw = ""
        if node.relative:
            module = None
        else:
            raw = (get_full_name_for_node(node.module) or "") if node.module else ""
            module = canonical(raw) if node.module else None
        if isinstance(node.names, cst.ImportStar):
            if module:
                self.star_modules.append(module)
                self.file.imports.append(
                    ImportInfo(module, ("*",), self.loc(node), raw=raw, guarded=self.guarded)
                )
            return
        names = []
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            names.append(name)
            bound = (
                alias.asname.name.value
                if isinstance(alias.asname, cst.AsName) and isinstance(alias.asname.name, cst.Name)
                else name
            )
            value = Ref(canonical(f"{module}.{name}")) if module else UNKNOWN
            scope.assign(bound, value)
        if module:
            self.file.imports.append(
                ImportInfo(module, tuple(names), self.loc(node), raw=raw, guarded=self.guarded)
            )

    def exec_if(self, node: cst.If, scope: Scope) -> None:
        test = self.truth(self.ev(node.test, scope))
        orelse: list[cst.BaseSuite] = []
        if isinstance(node.orelse, cst.Else):
            orelse = [node.orelse.body]
        if test is True:
            self.exec_body(node.body, scope)
        elif test is False:
            if isinstance(node.orelse, cst.If):
                self.exec_if(node.orelse, scope)
            elif orelse:
                self.exec_body(orelse[0], scope)
        else:
            self.exec_branches(node, scope)

    def exec_branches(self, node: cst.If, scope: Scope) -> None:
        """Follow every branch of an if/elif chain whose tests are unknown; merge what they bind."""
        branches: list[list[Any]] = []
        current: cst.If | cst.Else | None = node
        while current is not None:
            if isinstance(current, cst.If):
                branches.append([current.body])
                current = current.orelse
            else:
                branches.append([current.body])
                current = None
        if not isinstance(_last_orelse(node), cst.Else):
            branches.append([])  # the implicit "no branch taken"
        # ``if keras.__version__ ...`` / ``if hasattr(model, "fit_generator")``: the branches are
        # compatibility code for other versions, so what fails in one of them is on purpose
        guard = 1 if _version_test(node) else 0
        self.guard += guard
        try:
            self.exec_alternatives(branches, scope)
        finally:
            self.guard -= guard

    def exec_alternatives(self, branches: list[list[Any]], scope: Scope) -> None:
        before = dict(scope.vars)
        results: list[dict[str, Any]] = []
        self.taint += 1
        try:
            for bodies in branches:
                scope.vars = dict(before)
                try:
                    for body in bodies:
                        self.exec_body(body, scope)
                except (_Break, _Continue, _Return) as signal:
                    if isinstance(signal, _Return):
                        self.frame.uncertain_return = True
                results.append(scope.vars)
        finally:
            self.taint -= 1
        merged: dict[str, Any] = {}
        keys = set().union(*results) if results else set(before)
        for key in keys:
            values = [r.get(key, MISSING) for r in results]
            first = values[0]
            if all(
                v is first or _same_const(v, first) or (isinstance(v, Ref) and v == first)
                for v in values
            ):
                if first is not MISSING:
                    merged[key] = first
            else:
                merged[key] = UNKNOWN
        scope.vars = merged

    def exec_sandboxed(self, bodies: list[cst.BaseSuite], scope: Scope) -> None:
        """Run bodies that only happen on a path we do not follow (``except`` handlers): models
        they build are found, but nothing they bind survives."""
        before = dict(scope.vars)
        self.taint += 1
        try:
            for body in bodies:
                scope.vars = dict(before)
                with contextlib.suppress(_Break, _Continue, _Return):
                    self.exec_body(body, scope)
        finally:
            self.taint -= 1
            scope.vars = before

    def exec_uncertain(self, bodies: list[cst.BaseSuite], scope: Scope, loop: bool = False) -> None:
        """Run bodies once (an unknown loop, a while, a match) and forget what they bind."""
        self.exec_alternatives([[b] for b in bodies] + [[]], scope)

    def exec_for(self, node: cst.For, scope: Scope) -> None:
        iterable = self.ev(node.iter, scope)
        items = self.iterate(iterable)
        if items is None or len(items) > MAX_UNROLL:
            before = dict(scope.vars)
            self.taint += 1
            try:
                self.assign(node.target, UNKNOWN, scope)
                try:
                    self.exec_body(node.body, scope)
                except (_Break, _Continue):
                    pass
                except _Return:
                    self.frame.uncertain_return = True
            finally:
                self.taint -= 1
            for key, value in list(scope.vars.items()):
                if before.get(key, MISSING) is not value:
                    scope.vars[key] = UNKNOWN
            return
        broke = False
        for item in items:
            self.assign(node.target, item, scope)
            try:
                self.exec_body(node.body, scope)
            except _Continue:
                continue
            except _Break:
                broke = True
                break
        if not broke and node.orelse is not None:
            self.exec_body(node.orelse.body, scope)

    def exec_try(self, node: cst.Try | cst.TryStar, scope: Scope) -> None:
        guard = 1 if _may_handle_api_errors(node) else 0
        self.guard += guard
        try:
            self.exec_body(node.body, scope)
        except (_Break, _Continue, _Return):
            raise
        finally:
            self.guard -= guard
        for handler in node.handlers:
            # ``except ImportError: from tensorflow import keras`` style fallbacks: take the
            # imports of a handler only for names the try body did not bind.
            for stmt in handler.body.body:
                if isinstance(stmt, cst.SimpleStatementLine):
                    for small in stmt.body:
                        if isinstance(small, (cst.Import, cst.ImportFrom)):
                            tmp = Scope()
                            self.guard += 1
                            try:
                                self.exec_small(small, tmp)
                            finally:
                                self.guard -= 1
                            for k, v in tmp.vars.items():
                                if scope.lookup(k) is MISSING:
                                    scope.assign(k, v)
        self.exec_sandboxed([handler.body for handler in node.handlers], scope)
        if node.orelse is not None:
            self.exec_body(node.orelse.body, scope)
        if node.finalbody is not None:
            self.exec_body(node.finalbody.body, scope)

    def define_function(self, node: cst.FunctionDef, scope: Scope, method: bool = False) -> FuncVal:
        defaults: dict[str, Any] = {}
        params = node.params
        for p in (*params.posonly_params, *params.params, *params.kwonly_params):
            if p.default is not None:
                defaults[p.name.value] = self.ev(p.default, scope)
        fn = FuncVal(node=node, scope=scope, defaults=defaults, is_method=method)
        fn.qualname = node.name.value
        self.functions.append(fn)
        if not method:
            scope.assign(node.name.value, fn)
        return fn

    def define_class(self, node: cst.ClassDef, scope: Scope) -> None:
        kind = "plain"
        for base in node.bases:
            value = self.ev(base.value, scope)
            if isinstance(value, Ref):
                k = classify(value.qualname).kind
                if k in ("layer", "layer_base"):
                    kind = "layer"
                elif k in ("sequential", "model_base"):
                    kind = "model"
            elif isinstance(value, ClassVal) and value.kind != "plain":
                kind = value.kind
        cls = ClassVal(name=node.name.value, kind=kind)
        body = Scope(parent=scope, module=scope.module)  # what the class body binds
        for stmt in node.body.body:
            if isinstance(stmt, cst.FunctionDef):
                fn = self.define_function(stmt, scope, method=True)
                fn.owner = cls
                cls.methods[stmt.name.value] = fn
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if (
                        isinstance(small, cst.Assign)
                        and len(small.targets) == 1
                        and isinstance(small.targets[0].target, cst.Name)
                    ):
                        body.assign(small.targets[0].target.value, self.ev(small.value, body))
                    elif (
                        isinstance(small, cst.AnnAssign)
                        and small.value is not None
                        and isinstance(small.target, cst.Name)
                    ):
                        body.assign(small.target.value, self.ev(small.value, body))
        if body.vars:
            rebound = _self_attributes_set(node)
            cls.attrs = {k: v for k, v in body.vars.items() if k not in rebound}
            cls.plain_instances = not (node.decorators or node.keywords) and all(
                (isinstance(b.value, cst.Name) and b.value.value == "object")
                or isinstance(self.ev(b.value, scope), ClassVal)
                for b in node.bases
            )
        scope.assign(node.name.value, cls)

    # ---- assignment ------------------------------------------------------------------------

    def assign(self, target: cst.BaseExpression, value: Any, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            name = target.value
            if isinstance(value, ModelIR):
                if value.variable is None:
                    value.variable = name
                if scope.is_module and value.module_binding is None and not self.taint:
                    value.module_binding = next(self._binding)
            scope.assign(name, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            items = self.iterate(value)
            starred = [i for i, e in enumerate(elements) if isinstance(e, cst.StarredElement)]
            if items is not None and not starred and len(items) == len(elements):
                for el, item in zip(elements, items, strict=True):
                    self.assign(el.value, item, scope)
            else:
                for el in elements:
                    self.assign(el.value, UNKNOWN, scope)
        elif isinstance(target, cst.Attribute):
            key = get_full_name_for_node(target)
            if key:
                scope.assign(key, value)
            owner = self.ev(target.value, scope) if isinstance(target.value, cst.Name) else None
            if isinstance(owner, Instance):
                attr = target.attr.value
                if self.taint > owner.level and owner.attrs.get(attr) is not value:
                    owner.attrs[attr] = UNKNOWN  # set under a condition we cannot resolve
                else:
                    owner.attrs[attr] = value
            elif isinstance(owner, ClassVal):
                owner.attrs[target.attr.value] = UNKNOWN  # ``Config.lr = ...`` from outside
            elif owner is KERAS_SELF and isinstance(value, ModelIR):
                value.called_functionally = True
        elif isinstance(target, cst.Subscript):
            base = self.ev(target.value, scope)
            if isinstance(base, DictVal) and len(target.slice) == 1:
                idx = target.slice[0].slice
                if isinstance(idx, cst.Index):
                    key = self.ev(idx.value, scope)
                    if _hashable_const(key):
                        base.items[key] = UNKNOWN if self.taint else value
                        return
                base.items.clear()
            elif isinstance(base, ListVal):
                base.items[:] = [UNKNOWN] * len(base.items)
        elif isinstance(target, cst.StarredElement):
            self.assign(target.value, UNKNOWN, scope)

    # ---- expressions -----------------------------------------------------------------------

    def truth(self, value: Any) -> bool | None:
        if value is UNKNOWN or value is MISSING:
            return None
        if isinstance(value, (bool, int, float, str, tuple, type(None))):
            return bool(value)
        if isinstance(value, ListVal):
            return bool(value.items)
        return None

    def ev(self, node: cst.BaseExpression | None, scope: Scope) -> Any:
        if node is None:
            return None
        self.tick()
        method = getattr(self, "ev_" + type(node).__name__, None)
        if method is None:
            return UNKNOWN
        return method(node, scope)

    def ev_Name(self, node: cst.Name, scope: Scope) -> Any:
        name = node.value
        if name in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[name]
        value = scope.lookup(name)
        if value is not MISSING:
            return value
        if name == "__name__":
            return "__main__"
        if name in _BUILTINS:
            return Builtin(name)
        for module in self.star_modules:
            # ``from keras.layers import *``: resolve names Keras actually exports there
            kind = classify(f"{module}.{name}")
            if kind.kind != "other" and (kind.kind != "layer" or get_layer(name) is not None):
                return Ref(f"{module}.{name}")
        return UNKNOWN

    def ev_Attribute(self, node: cst.Attribute, scope: Scope) -> Any:
        key = get_full_name_for_node(node)
        if key and "." in key:
            stored = scope.lookup(key)
            if stored is not MISSING:
                return stored
        base = self.ev(node.value, scope)
        attr = node.attr.value
        return self.get_attr(base, attr)

    def get_attr(self, base: Any, attr: str) -> Any:
        from seqlint.extract.values import BoundMethod

        if isinstance(base, Ref):
            return base.attr(attr)
        if isinstance(base, ModelIR):
            return BoundMethod(base, attr)
        if isinstance(base, ArrayInfo):
            value = data.attribute(base, attr)
            return BoundMethod(base, attr) if value is data.NOT_HANDLED else value
        if isinstance(base, (ListVal, DictVal, tuple, str)):
            return BoundMethod(base, attr)
        if isinstance(base, ClassVal):
            if attr in base.methods:
                return base.methods[attr]
            return base.attrs.get(attr, UNKNOWN)
        if isinstance(base, Instance):
            if attr in base.attrs:
                return base.attrs[attr]
            if attr in base.cls.methods:
                return BoundMethod(base, attr)
            return base.cls.attrs.get(attr, UNKNOWN) if base.cls.plain_instances else UNKNOWN
        return UNKNOWN

    def ev_Integer(self, node: cst.Integer, scope: Scope) -> Any:
        return node.evaluated_value

    def ev_Float(self, node: cst.Float, scope: Scope) -> Any:
        return node.evaluated_value

    def ev_Imaginary(self, node: cst.Imaginary, scope: Scope) -> Any:
        return UNKNOWN

    def ev_SimpleString(self, node: cst.SimpleString, scope: Scope) -> Any:
        try:
            value = ast.literal_eval(node.value)
        except (ValueError, SyntaxError):
            return UNKNOWN
        return value if isinstance(value, str) else UNKNOWN

    def ev_ConcatenatedString(self, node: cst.ConcatenatedString, scope: Scope) -> Any:
        left, right = self.ev(node.left, scope), self.ev(node.right, scope)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        return UNKNOWN

    def ev_FormattedString(self, node: cst.FormattedString, scope: Scope) -> Any:
        for part in node.parts:
            if isinstance(part, cst.FormattedStringExpression):
                self.ev(part.expression, scope)
        return UNKNOWN

    def ev_Ellipsis(self, node: cst.Ellipsis, scope: Scope) -> Any:
        return Ellipsis

    def elements(
        self, elements: Sequence[cst.BaseElement], scope: Scope
    ) -> list[tuple[Any, Loc]] | None:
        """Evaluate list/tuple display elements, spreading ``*x``; None if a spread is unknown."""
        out: list[tuple[Any, Loc]] = []
        ok = True
        for el in elements:
            if isinstance(el, cst.StarredElement):
                spread_value = self.ev(el.value, scope)
                spread = self.iterate(spread_value)
                if spread is None:
                    ok = False
                    continue
                self.spreads[id(el)] = (len(spread), self.locs_of(spread_value))
                for item in spread:
                    item_loc = getattr(item, "loc", None)
                    out.append((item, item_loc if isinstance(item_loc, Loc) else self.loc(el)))
            else:
                out.append((self.ev(el.value, scope), self.loc(el.value)))
        return out if ok else None

    def ev_Tuple(self, node: cst.Tuple, scope: Scope) -> Any:
        items = self.elements(node.elements, scope)
        return UNKNOWN if items is None else tuple(v for v, _ in items)

    def ev_List(self, node: cst.List, scope: Scope) -> Any:
        items = self.elements(node.elements, scope)
        if items is None:
            return UNKNOWN
        value = ListVal([v for v, _ in items], level=self.taint)
        self.note_locs(value, [loc for _, loc in items])
        return value

    def note_locs(self, value: ListVal, locs: list[Loc]) -> None:
        """Remember where each item of a list display was written (a layer listed twice by a
        helper is reported at its second place)."""
        self.list_locs[id(value)] = (value, tuple(map(id, value.items)), locs)

    def locs_of(self, value: Any) -> list[Loc] | None:
        """The item locations of a list built by a display (or ``+`` of two), while its items
        are still those; None once it changed or for other values."""
        found = self.list_locs.get(id(value)) if isinstance(value, ListVal) else None
        if found is None or found[0] is not value:
            return None
        if found[1] != tuple(map(id, value.items)):
            return None
        return found[2]

    def ev_Set(self, node: cst.Set, scope: Scope) -> Any:
        self.elements(node.elements, scope)
        return UNKNOWN

    def ev_Dict(self, node: cst.Dict, scope: Scope) -> Any:
        out: dict[Any, Any] = {}
        for el in node.elements:
            if isinstance(el, cst.DictElement):
                key = self.ev(el.key, scope)
                value = self.ev(el.value, scope)
                if _hashable_const(key):
                    out[key] = value
            else:
                spread = self.ev(el.value, scope)
                if isinstance(spread, DictVal):
                    out.update(spread.items)
                else:
                    return UNKNOWN
        return DictVal(out)

    def ev_ListComp(self, node: cst.ListComp, scope: Scope) -> Any:
        items = self.comprehension(node.elt, node.for_in, scope)
        return UNKNOWN if items is None else ListVal(items, level=self.taint)

    def ev_GeneratorExp(self, node: cst.GeneratorExp, scope: Scope) -> Any:
        items = self.comprehension(node.elt, node.for_in, scope)
        return UNKNOWN if items is None else tuple(items)

    def comprehension(
        self, elt: cst.BaseExpression, comp: cst.CompFor, scope: Scope
    ) -> list[Any] | None:
        inner = Scope(parent=scope, module=scope.module)
        out: list[Any] = []

        def run(c: cst.CompFor) -> bool:
            items = self.iterate(self.ev(c.iter, inner))
            if items is None or len(items) > MAX_UNROLL:
                return False
            for item in items:
                self.assign(c.target, item, inner)
                conds = [self.truth(self.ev(i.test, inner)) for i in c.ifs]
                if any(cond is None for cond in conds):
                    return False
                if not all(conds):
                    continue
                if c.inner_for_in is not None:
                    if not run(c.inner_for_in):
                        return False
                else:
                    out.append(self.ev(elt, inner))
            return True

        return out if run(comp) else None

    def ev_Subscript(self, node: cst.Subscript, scope: Scope) -> Any:
        base = self.ev(node.value, scope)
        index: list[Any] = []
        for el in node.slice:
            s = el.slice
            if isinstance(s, cst.Index):
                index.append(self.ev(s.value, scope))
            elif isinstance(s, cst.Slice):
                parts = [
                    self.ev(p, scope) if p is not None else None for p in (s.lower, s.upper, s.step)
                ]
                if any(p is UNKNOWN for p in parts):
                    index.append(UNKNOWN)
                else:
                    index.append(slice(*parts))
        idx: Any = index[0] if len(index) == 1 else tuple(index)
        return self.subscript(base, idx)

    def subscript(self, base: Any, idx: Any) -> Any:
        if isinstance(base, ArrayInfo):
            if isinstance(idx, Ref) and idx.qualname == "numpy.newaxis":
                idx = None
            if isinstance(idx, tuple):
                idx = tuple(
                    None if isinstance(i, Ref) and i.qualname == "numpy.newaxis" else i for i in idx
                )
            return data.subscript(base, idx)
        if isinstance(base, ListVal) and any(isinstance(i, _Maybe) for i in base.items):
            return UNKNOWN
        seq = base.items if isinstance(base, ListVal) else base if isinstance(base, tuple) else None
        if seq is not None:
            if isinstance(idx, int) and not isinstance(idx, bool):
                return seq[idx] if -len(seq) <= idx < len(seq) else UNKNOWN
            if isinstance(idx, slice):
                try:
                    part = seq[idx]
                except (TypeError, ValueError):
                    return UNKNOWN
                return (
                    ListVal(list(part), level=self.taint)
                    if isinstance(base, ListVal)
                    else tuple(part)
                )
            return UNKNOWN
        if isinstance(base, DictVal) and _hashable_const(idx):
            return base.items.get(idx, UNKNOWN)
        if isinstance(base, str) and isinstance(idx, (int, slice)):
            try:
                return base[idx]
            except (IndexError, TypeError, ValueError):
                return UNKNOWN
        return UNKNOWN

    def ev_BinaryOperation(self, node: cst.BinaryOperation, scope: Scope) -> Any:
        left = self.ev(node.left, scope)
        right = self.ev(node.right, scope)
        return self.binop(_BINOPS.get(type(node.operator).__name__), left, right)

    def binop(self, op: str | None, left: Any, right: Any) -> Any:
        if op is None or left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        if isinstance(left, ArrayInfo) or isinstance(right, ArrayInfo):
            if isinstance(left, (ArrayInfo, int, float)) and isinstance(
                right, (ArrayInfo, int, float)
            ):
                return data.binop(op, left, right)
            return UNKNOWN
        if isinstance(left, ListVal) and isinstance(right, ListVal) and op == "+":
            joined = ListVal(left.items + right.items, level=self.taint)
            lo, ro = self.locs_of(left), self.locs_of(right)
            if lo is not None and ro is not None:
                self.note_locs(joined, [*lo, *ro])
            return joined
        if (
            isinstance(left, ListVal)
            and isinstance(right, int)
            and op == "*"
            and 0 <= right <= MAX_UNROLL
        ):
            return ListVal(left.items * right, level=self.taint)
        if not (_const(left) and _const(right)):
            return UNKNOWN
        if isinstance(left, tuple) and UNKNOWN in left and op != "+":
            return UNKNOWN
        try:
            if (
                op == "*"
                and isinstance(left, (str, tuple))
                and isinstance(right, int)
                and right > MAX_UNROLL
            ):
                return UNKNOWN
            if op == "**" and isinstance(right, (int, float)) and abs(right) > 64:
                return UNKNOWN
            return _PY_OPS[op](left, right)
        except MemoryError:
            raise  # out of memory: the whole analysis is void (see seqlint.parallel)
        except Exception:  # noqa: BLE001 - user arithmetic may fail any way; it is then unknown
            return UNKNOWN

    def ev_UnaryOperation(self, node: cst.UnaryOperation, scope: Scope) -> Any:
        value = self.ev(node.expression, scope)
        op = type(node.operator).__name__
        if op == "Not":
            truth = self.truth(value)
            return UNKNOWN if truth is None else not truth
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return {"Minus": -value, "Plus": value}.get(
                op, ~value if isinstance(value, int) else UNKNOWN
            )
        return UNKNOWN

    def ev_BooleanOperation(self, node: cst.BooleanOperation, scope: Scope) -> Any:
        left = self.ev(node.left, scope)
        truth = self.truth(left)
        is_and = isinstance(node.operator, cst.And)
        if truth is None:
            self.ev(node.right, scope)
            return UNKNOWN
        if is_and:
            return self.ev(node.right, scope) if truth else left
        return left if truth else self.ev(node.right, scope)

    def ev_Comparison(self, node: cst.Comparison, scope: Scope) -> Any:
        left = self.ev(node.left, scope)
        result: Any = True
        for target in node.comparisons:
            right = self.ev(target.comparator, scope)
            op = type(target.operator).__name__
            if isinstance(left, ArrayInfo) or isinstance(right, ArrayInfo):
                if len(node.comparisons) == 1 and op in _ORDERING:
                    return data.compare(left, right)
                return UNKNOWN
            outcome = _compare(op, left, right)
            if outcome is UNKNOWN:
                result = UNKNOWN
            elif outcome is False and result is not UNKNOWN:
                result = False
            left = right
        return result

    def ev_IfExp(self, node: cst.IfExp, scope: Scope) -> Any:
        test = self.truth(self.ev(node.test, scope))
        if test is True:
            return self.ev(node.body, scope)
        if test is False:
            return self.ev(node.orelse, scope)
        a, b = self.ev(node.body, scope), self.ev(node.orelse, scope)
        return a if a is b or _same_const(a, b) else UNKNOWN

    def ev_Lambda(self, node: cst.Lambda, scope: Scope) -> Any:
        return LambdaVal(node)  # kept for Lambda layers whose shape an elementwise body keeps

    def ev_NamedExpr(self, node: cst.NamedExpr, scope: Scope) -> Any:
        value = self.ev(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    def ev_Await(self, node: cst.Await, scope: Scope) -> Any:
        self.ev(node.expression, scope)
        return UNKNOWN

    # ---- calls -----------------------------------------------------------------------------

    def eval_args(
        self, call: cst.Call, scope: Scope
    ) -> tuple[tuple[Any, ...], dict[str, Any], bool]:
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        opaque = False
        for arg in call.args:
            value = self.ev(arg.value, scope)
            if arg.star == "*":
                items = self.iterate(value)
                if items is None:
                    opaque = True
                else:
                    args.extend(items)
            elif arg.star == "**":
                if isinstance(value, DictVal) and all(isinstance(k, str) for k in value.items):
                    kwargs.update(value.items)
                else:
                    opaque = True
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            else:
                args.append(value)
        return tuple(args), kwargs, opaque

    def ev_Call(self, node: cst.Call, scope: Scope) -> Any:
        func = self.ev(node.func, scope)
        args, kwargs, opaque = self.eval_args(node, scope)
        return self.call(func, args, kwargs, opaque, node, scope)

    def call(
        self,
        func: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        opaque: bool,
        node: cst.Call,
        scope: Scope,
    ) -> Any:
        from seqlint.extract.values import BoundMethod

        loc = self.loc(node)
        if isinstance(func, Ref):
            return self.call_ref(func, args, kwargs, opaque, node, scope)
        if isinstance(func, BoundMethod):
            return self.call_method(func, args, kwargs, opaque, node, scope)
        if isinstance(func, FuncVal):
            return self.call_function(func, args, kwargs, opaque=opaque)
        if isinstance(func, ClassVal):
            if func.kind == "layer":
                return LayerCall(func.name, args, kwargs, loc, opaque=opaque, custom=True)
            if func.kind == "model":
                init = func.methods.get("__init__")
                if init is not None:
                    self.call_function(init, (KERAS_SELF, *args), kwargs, opaque=opaque)
                return UNKNOWN
            instance = Instance(func, level=self.taint)
            func.instances.append(instance)
            init = func.methods.get("__init__")
            if init is not None:
                self.call_function(init, (instance, *args), kwargs, opaque=opaque)
            return instance
        if isinstance(func, Builtin):
            return self.call_builtin(func.name, args, kwargs, opaque)
        if isinstance(func, (LayerCall, ModelIR)):
            if isinstance(func, ModelIR):
                func.called_functionally = True
            return TensorCall(func, loc)
        # An unknown callable may do anything to a model handed to it (once trained, what
        # was trained is known).
        for value in (*args, *kwargs.values()):
            if isinstance(value, ModelIR) and not _trained(value):
                value.uncertain = True
        return UNKNOWN

    def call_builtin(
        self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], opaque: bool
    ) -> Any:
        if opaque:
            return UNKNOWN
        if name == "range":
            if (
                args
                and all(isinstance(a, int) and not isinstance(a, bool) for a in args)
                and len(args) <= 3
            ):
                try:
                    r = range(*args)
                    return tuple(r) if len(r) <= MAX_UNROLL else UNKNOWN
                except (ValueError, OverflowError):
                    return UNKNOWN
            return UNKNOWN
        if name == "len" and len(args) == 1:
            a = args[0]
            if isinstance(a, ArrayInfo):
                return data.length(a)
            if isinstance(a, (tuple, str)):
                return len(a)
            if isinstance(a, ListVal):
                return UNKNOWN if any(isinstance(i, _Maybe) for i in a.items) else len(a.items)
            if isinstance(a, DictVal):
                return len(a.items)
            return UNKNOWN
        if (
            name in ("int", "float", "str", "bool", "abs", "round")
            and len(args) == 1
            and _const(args[0])
        ):
            convert: Any = _CONVERSIONS[name]
            try:
                return convert(args[0])
            except (TypeError, ValueError, OverflowError):
                return UNKNOWN
        if name in ("tuple", "list", "sorted", "reversed") and len(args) == 1:
            items = self.iterate(args[0])
            if items is None:
                return UNKNOWN
            if name == "sorted":
                try:
                    items = sorted(items)
                except TypeError:
                    return UNKNOWN
            if name == "reversed":
                items = list(reversed(items))
            return ListVal(list(items), level=self.taint) if name == "list" else tuple(items)
        if name in ("min", "max", "sum") and args:
            items = self.iterate(args[0]) if len(args) == 1 else list(args)
            if items and all(
                isinstance(i, (int, float)) and not isinstance(i, bool) for i in items
            ):
                reduce: Any = _REDUCTIONS[name]
                return reduce(items)
            return UNKNOWN
        if name == "enumerate" and args:
            items = self.iterate(args[0])
            start = kwargs.get("start", args[1] if len(args) > 1 else 0)
            if items is None or not isinstance(start, int):
                return UNKNOWN
            return tuple((i + start, v) for i, v in enumerate(items))
        if name == "zip" and args:
            seqs = [self.iterate(a) for a in args]
            if any(s is None for s in seqs):
                return UNKNOWN
            return tuple(zip(*seqs, strict=False))  # type: ignore[misc]
        if name == "print":
            return None
        if name == "dict":
            return DictVal(dict(kwargs)) if not args else UNKNOWN
        return UNKNOWN

    def iterate(self, value: Any) -> list[Any] | None:
        if isinstance(value, tuple):
            return list(value)
        if isinstance(value, ListVal):
            if any(isinstance(i, _Maybe) for i in value.items):
                return None
            return list(value.items)
        if isinstance(value, str):
            return list(value)
        if isinstance(value, DictVal):
            return list(value.items)
        return None

    def call_function(
        self,
        fn: FuncVal,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        opaque: bool = False,
        uncalled: bool = False,
        bound_taint: int | None = None,
    ) -> Any:
        """Interpret a call of ``fn``. ``uncalled``: nobody calls it; its parameters are
        unknown, except ``self`` when ``bound_taint`` is given (then the body runs at that
        taint level)."""
        if not uncalled:
            fn.called = True
        if self.depth >= MAX_DEPTH or isinstance(fn.node, cst.Lambda):
            return UNKNOWN
        node = fn.node
        local = Scope(parent=fn.scope, module=fn.scope.module)
        params = node.params
        positional = [*params.posonly_params, *params.params]
        rest = list(args)
        if fn.is_method and uncalled and bound_taint is None:
            rest = []
        for p in positional:
            name = p.name.value
            if rest:
                local.vars[name] = rest.pop(0)
            elif name in kwargs:
                local.vars[name] = kwargs[name]
            elif uncalled or opaque:
                default = fn.defaults.get(name, UNKNOWN)
                local.vars[name] = UNKNOWN if (default is None or opaque) else default
            else:
                local.vars[name] = fn.defaults.get(name, UNKNOWN)
        for p in params.kwonly_params:
            name = p.name.value
            if name in kwargs:
                local.vars[name] = kwargs[name]
            else:
                default = fn.defaults.get(name, UNKNOWN)
                local.vars[name] = UNKNOWN if (uncalled and default is None) else default
        if isinstance(params.star_arg, cst.Param):
            local.vars[params.star_arg.name.value] = tuple(rest) if not opaque else UNKNOWN
        if params.star_kwarg is not None:
            names = {p.name.value for p in (*positional, *params.kwonly_params)}
            extra = {k: v for k, v in kwargs.items() if k not in names}
            local.vars[params.star_kwarg.name.value] = DictVal(extra) if not opaque else UNKNOWN
        saved_frame, saved_taint = self.frame, self.taint
        self.depth += 1
        if uncalled:
            self.taint = 0 if bound_taint is None else bound_taint
        self.frame = Frame(self.taint)
        try:
            self.exec_body(node.body, local)
            result: Any = None
        except _Return as ret:
            result = ret.value
        except (_Break, _Continue):
            result = UNKNOWN
        finally:
            self.depth -= 1
            uncertain = self.frame.uncertain_return
            self.frame, self.taint = saved_frame, saved_taint
        if uncertain:
            return UNKNOWN
        return result

    def call_ref(
        self,
        func: Ref,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        opaque: bool,
        node: cst.Call,
        scope: Scope,
    ) -> Any:
        loc = self.loc(node)
        kind = classify(func.qualname)
        k = kind.kind
        if k == "sequential":
            return self.make_sequential(args, kwargs, opaque, node, scope)
        if k == "input":
            shape = args[0] if args else kwargs.get("shape", MISSING)
            if shape is MISSING and "batch_shape" in kwargs:
                bs = kwargs["batch_shape"]
                shape = tuple(bs[1:]) if isinstance(bs, tuple) else UNKNOWN
            if shape is MISSING or opaque:
                shape = UNKNOWN
            return InputDecl(shape=_shape_value(shape), loc=loc, class_name="InputLayer")
        if k == "input_layer":
            shape = args[0] if args else kwargs.get("shape", kwargs.get("input_shape", MISSING))
            if shape is MISSING:
                for key in ("batch_shape", "batch_input_shape"):
                    if key in kwargs:
                        bs = kwargs[key]
                        shape = tuple(bs[1:]) if isinstance(bs, tuple) else UNKNOWN
            if shape is MISSING or opaque:
                shape = UNKNOWN
            return InputDecl(shape=_shape_value(shape), loc=loc, class_name="InputLayer")
        if k == "layer":
            definition = get_layer(kind.name)
            class_name = definition.name if definition is not None else kind.name
            return LayerCall(
                class_name,
                tuple(_frozen(a) for a in args),
                {key: _frozen(v) for key, v in kwargs.items()},
                loc,
                qualname=func.qualname,
                opaque=opaque,
                guarded=self.guard > 0,
            )
        if k in ("optimizer", "loss", "metric", "callback"):
            obj = ObjectCall(
                func.qualname, args, kwargs, loc, opaque=opaque, guarded=self.guard > 0
            )
            self.file.objects.append(obj)
            return obj
        if func.qualname.startswith("keras.initializers."):
            # ``Zeros()``, ``Constant(0.1)``: kept as values for rules about initializers
            return ObjectCall(func.qualname, args, kwargs, loc, opaque=opaque)
        if (
            func.qualname == "keras.models.clone_model"
            and len(args) == 1
            and not kwargs
            and not opaque
            and isinstance(args[0], ModelIR)
        ):
            # the same stack with fresh weights; Keras compiles the clone the way the original
            # is compiled at this point (compile_from_config), or leaves it uncompiled
            base = args[0]
            clone = self.new_model(loc)
            clone.entries = [Entry(e.item, e.loc, e.uncertain) for e in base.entries]
            clone.calls = [c for c in base.calls if c.method == "compile"]
            clone.uncertain = base.uncertain
            return clone
        if func.qualname.startswith("keras."):
            # other Keras calls (``keras.utils.np_utils.to_categorical(...)``): kept for rules
            # about the path they are reached by
            self.file.keras_calls.append(
                ObjectCall(func.qualname, args, kwargs, loc, opaque=opaque, guarded=self.guard > 0)
            )
        # np.zeros(*shape): arguments of unknown content say nothing about the result
        value = data.NOT_HANDLED if opaque else data.call(func.qualname, args, kwargs)
        if value is not data.NOT_HANDLED:
            if isinstance(value, ArrayInfo):
                value.loc = loc
            return value
        if func.qualname.endswith("train_test_split"):
            return _train_test_split(args)
        if not func.qualname.startswith(_HARMLESS_PREFIXES):
            for value in (*args, *kwargs.values()):
                # a trained model handed to a helper (plotting, saving, reporting) was built
                # and trained as seen; before training, the helper may change it
                if isinstance(value, ModelIR) and not _trained(value):
                    value.uncertain = True
        return UNKNOWN

    def make_sequential(
        self,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        opaque: bool,
        node: cst.Call,
        scope: Scope,
    ) -> ModelIR:
        model = self.new_model(self.loc(node))
        name = kwargs.get("name")
        model.name = name if isinstance(name, str) else None
        layers_node: cst.BaseExpression | None = None
        for arg in node.args:
            if arg.star:
                continue
            if (arg.keyword is None and layers_node is None) or (
                arg.keyword is not None and arg.keyword.value == "layers"
            ):
                layers_node = arg.value
                if arg.keyword is None:
                    break
        layers_value = args[0] if args else kwargs.get("layers")
        if opaque and layers_value is None:
            model.uncertain = True
        if layers_value is None:
            return model
        if isinstance(layers_node, (cst.List, cst.Tuple)):
            # re-evaluating a literal would create new layer objects: use its element nodes
            # only for their locations
            listed = self.iterate(layers_value) or []
            locs = _element_locs(layers_node, listed, self)
            for item, item_loc in zip(listed, locs, strict=False):
                self.add_entry(model, item, item_loc)
            if len(locs) != len(listed):
                model.uncertain = True
            return model
        items = self.iterate(layers_value)
        if items is None:
            model.uncertain = True
            return model
        written = self.locs_of(layers_value)
        for i, item in enumerate(items):
            own = getattr(item, "loc", None)
            loc = own if isinstance(own, Loc) else self.loc(node)
            if written is not None and any(prev is item for prev in items[:i]):
                loc = written[i]  # a layer listed again: reported where it is listed again
            self.add_entry(model, item, loc)
        return model

    def add_entry(self, model: ModelIR, item: Any, loc: Loc) -> None:
        if isinstance(item, ModelIR):
            item.nested = True
        deeper = self.taint > model.taint_level
        model.entries.append(Entry(item=item, loc=loc, uncertain=deeper))
        if deeper:
            model.uncertain = True

    def call_method(
        self,
        method: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        opaque: bool,
        node: cst.Call,
        scope: Scope,
    ) -> Any:
        obj, name = method.obj, method.name
        if isinstance(obj, Instance):
            fn = obj.cls.methods.get(name)
            if fn is None:
                return UNKNOWN
            return self.call_function(fn, (obj, *args), kwargs, opaque=opaque)
        loc = self.loc(node)
        if isinstance(obj, ModelIR):
            if name == "add":
                if args and not opaque:
                    item = args[0]
                    arg_node = next(
                        (a.value for a in node.args if not a.keyword and not a.star), None
                    )
                    placed = [e.item for e in obj.entries]
                    item_loc = (
                        _made_at(arg_node, [*placed, item], self) if arg_node is not None else loc
                    )
                    self.add_entry(obj, item, item_loc)
                else:
                    obj.uncertain = True
                return None
            if name == "pop":
                if obj.entries and self.taint <= obj.taint_level:
                    obj.entries.pop()
                else:
                    obj.uncertain = True
                return UNKNOWN
            if name in _MODEL_METHODS_RECORDED or name.startswith(("fit", "evaluate", "predict")):
                obj.calls.append(
                    Call(
                        name,
                        args,
                        kwargs,
                        loc,
                        opaque=opaque,
                        uncertain=self.taint > obj.taint_level,
                        guarded=self.guard > 0,
                    )
                )
            return UNKNOWN
        if isinstance(obj, ListVal):
            if opaque:
                obj.items[:] = [UNKNOWN] * len(obj.items)
                return UNKNOWN
            unsure = self.taint > obj.level
            if name == "append" and len(args) == 1:
                if unsure:
                    # an append under an unknown condition: the list's contents are unknown
                    obj.items.append(_Maybe(args[0]))
                else:
                    obj.items.append(args[0])
                return None
            if name == "extend" and len(args) == 1:
                items = self.iterate(args[0])
                if items is None or unsure:
                    obj.items.append(_Maybe(UNKNOWN))
                else:
                    obj.items.extend(items)
                return None
            if unsure and name in ("insert", "pop", "remove", "clear", "sort", "reverse"):
                obj.items.append(_Maybe(UNKNOWN))  # changed under an unknown condition
                return UNKNOWN
            if name == "insert" and len(args) == 2 and isinstance(args[0], int):
                obj.items.insert(args[0], args[1])
                return None
            if name == "pop":
                if any(isinstance(i, _Maybe) for i in obj.items):
                    return UNKNOWN
                return obj.items.pop() if obj.items and not args else UNKNOWN
            if name == "copy":
                return ListVal(list(obj.items), level=self.taint)
            return UNKNOWN
        if isinstance(obj, ArrayInfo):
            if opaque:  # x.reshape(*unknown, 1): the arguments themselves are not known
                return ArrayInfo(shape=None, kind=obj.kind)
            return data.method(obj, name, args, kwargs)
        if isinstance(obj, str):
            if name in ("lower", "upper", "strip") and not args:
                return getattr(obj, name)()
            if name == "format":
                return UNKNOWN
            return UNKNOWN
        if isinstance(obj, DictVal):
            if name == "get" and args and _hashable_const(args[0]):
                return obj.items.get(args[0], args[1] if len(args) > 1 else None)
            if name in ("keys", "values", "items"):
                return {
                    "keys": tuple(obj.items),
                    "values": tuple(obj.items.values()),
                    "items": tuple(obj.items.items()),
                }[name]
            if name == "update":
                obj.items.clear()
                return None
            return UNKNOWN
        return UNKNOWN


# Exceptions a failing Keras call or import never raises: a ``try`` that only catches these
# (``except KeyboardInterrupt`` around training) does not make its body's failures expected.
_UNRELATED_EXCEPTIONS = frozenset(
    {
        "KeyboardInterrupt",
        "SystemExit",
        "GeneratorExit",
        "StopIteration",
        "OSError",
        "IOError",
        "FileNotFoundError",
        "FileExistsError",
        "PermissionError",
        "KeyError",
        "IndexError",
        "ZeroDivisionError",
        "UnicodeDecodeError",
        "UnicodeEncodeError",
    }
)


def _may_handle_api_errors(node: cst.Try | cst.TryStar) -> bool:
    """Whether a ``try`` may catch what a removed / misused Keras API raises (ImportError,
    AttributeError, TypeError, ValueError, or anything broader or unknown)."""
    for handler in node.handlers:
        if handler.type is None:
            return True
        types = (
            [el.value for el in handler.type.elements]
            if isinstance(handler.type, cst.Tuple)
            else [handler.type]
        )
        for t in types:
            name = get_full_name_for_node(t) or ""
            if name.rsplit(".", 1)[-1] not in _UNRELATED_EXCEPTIONS:
                return True
    return False


class _Maybe:
    """A list item that may or may not be there (appended under an unknown condition)."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _element_locs(node: cst.List | cst.Tuple, items: list[Any], interp: Interpreter) -> list[Loc]:
    locs: list[Loc] = []
    for el in node.elements:
        if isinstance(el, cst.StarredElement):
            # items spread from *helper(): each keeps its own location when it has one
            start = len(locs)
            remaining, written = interp.spreads.get(id(el), (None, None))
            if remaining is None:
                remaining = (
                    len(items)
                    - start
                    - sum(
                        1
                        for e in node.elements[node.elements.index(el) + 1 :]
                        if not isinstance(e, cst.StarredElement)
                    )
                )
            for index in range(start, start + max(remaining, 0)):
                item = items[index]
                item_loc = getattr(item, "loc", None)
                # a layer already placed (``*[block] * 3``) is used again here, at the spread,
                # or where the spread list itself lists it again (``[proj, drop, proj]``)
                again = any(prev is item for prev in items[:index])
                if isinstance(item_loc, Loc) and not again:
                    locs.append(item_loc)
                elif (
                    written is not None
                    and len(written) == remaining
                    and any(prev is item for prev in items[start:index])
                ):
                    locs.append(written[index - start])
                else:
                    locs.append(interp.loc(el))
        else:
            locs.append(_made_at(el.value, items[: len(locs) + 1], interp))
    return locs


def _made_at(node: cst.BaseExpression, items: list[Any], interp: Interpreter) -> Loc:
    """Where the layer ``items[-1]``, placed by the expression ``node``, is reported: at its
    constructor when a helper of the file made it (``output_layer(n)`` -> the
    ``layers.Dense(1)`` inside), else at ``node``. A layer placed before is reported at its
    new place (a reuse)."""
    if isinstance(node, cst.Call) and len(items) >= 1:
        item = items[-1]
        own = getattr(item, "loc", None)
        if (
            isinstance(item, LayerCall)
            and isinstance(own, Loc)
            and not any(prev is item for prev in items[:-1])
        ):
            return own
    return interp.loc(node)


def _frozen(value: Any, depth: int = 0) -> Any:
    """A layer argument as Keras reads it: lists become tuples (``kernel_size=[3, 3]``,
    ``Reshape([-1, 3])``, ``ZeroPadding2D([[1, 1], [2, 0]])``), as the layer copies them when
    it is made; a list with items added under an unknown condition is unknown."""
    if isinstance(value, ListVal):
        if depth > 4 or any(isinstance(item, _Maybe) for item in value.items):
            return UNKNOWN
        return tuple(_frozen(item, depth + 1) for item in value.items)
    if isinstance(value, tuple) and depth <= 4:
        return tuple(_frozen(item, depth + 1) for item in value)
    return value


def _decorated(node: cst.FunctionDef | cst.Lambda) -> bool:
    """A decorated function (``@staticmethod``, ``@property``, ``@tf.function``...): its
    first parameter may not be ``self``."""
    return isinstance(node, cst.FunctionDef) and bool(node.decorators)


def _self_attributes_set(node: cst.ClassDef) -> set[str]:
    """Names the class's methods assign as attributes of anything (``self.lr = ...``): a
    class attribute of that name may be shadowed on the instance."""
    found: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_AssignTarget(self, target: cst.AssignTarget) -> None:
            self._note(target.target)

        def visit_AugAssign(self, aug: cst.AugAssign) -> None:
            self._note(aug.target)

        def visit_AnnAssign(self, ann: cst.AnnAssign) -> None:
            self._note(ann.target)

        def _note(self, target: cst.BaseExpression) -> None:
            for sub in target.elements if isinstance(target, (cst.Tuple, cst.List)) else ():
                self._note(sub.value)
            if isinstance(target, cst.Attribute):
                found.add(target.attr.value)

    for stmt in node.body.body:
        if isinstance(stmt, cst.FunctionDef):
            stmt.visit(Finder())
    return found


def _last_orelse(node: cst.If) -> cst.If | cst.Else | None:
    current: cst.If | cst.Else | None = node
    while isinstance(current, cst.If):
        if current.orelse is None:
            return current
        current = current.orelse
    return current


def _shape_value(shape: Any) -> Any:
    from seqlint.extract.values import ListVal as _LV

    if isinstance(shape, _LV):
        shape = tuple(shape.items)
    if isinstance(shape, tuple):
        return tuple(
            UNKNOWN if not (v is None or (isinstance(v, int) and not isinstance(v, bool))) else v
            for v in shape
        )
    return UNKNOWN


def _train_test_split(args: tuple[Any, ...]) -> Any:
    out: list[Any] = []
    for a in args:
        if isinstance(a, ArrayInfo):
            shape = None if a.shape is None else (None, *a.shape[1:])
            part = ArrayInfo(shape, a.kind, a.encoding, a.n_classes, a.low, a.high)
            out += [part, part]
        else:
            out += [UNKNOWN, UNKNOWN]
    return tuple(out) if out else UNKNOWN


def _const(v: Any) -> bool:
    if isinstance(v, (int, float, str, bool, type(None))):
        return True
    if isinstance(v, tuple):
        return all(_const(i) or i is UNKNOWN for i in v)
    return False


def _hashable_const(v: Any) -> bool:
    return isinstance(v, (int, float, str, bool, type(None))) or (
        isinstance(v, tuple) and all(_const(i) for i in v)
    )


def _same_const(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return a is b
    if _const(a) and _const(b) and type(a) is type(b):
        try:
            return bool(a == b)
        except Exception:  # noqa: BLE001
            return False
    return False


def _compare(op: str, left: Any, right: Any) -> Any:
    if op in ("Is", "IsNot"):
        if left is None or right is None:
            if left is UNKNOWN or right is UNKNOWN:
                return UNKNOWN
            same = left is right
            return same if op == "Is" else not same
        return UNKNOWN
    if not (_const(left) and _const(right)):
        return UNKNOWN
    if isinstance(left, tuple) and UNKNOWN in left or isinstance(right, tuple) and UNKNOWN in right:
        return UNKNOWN
    try:
        return {
            "Equal": lambda a, b: a == b,
            "NotEqual": lambda a, b: a != b,
            "LessThan": lambda a, b: a < b,
            "GreaterThan": lambda a, b: a > b,
            "LessThanEqual": lambda a, b: a <= b,
            "GreaterThanEqual": lambda a, b: a >= b,
            "In": lambda a, b: a in b,
            "NotIn": lambda a, b: a not in b,
        }[op](left, right)
    except Exception:  # noqa: BLE001
        return UNKNOWN


_CONVERSIONS = {"int": int, "float": float, "str": str, "bool": bool, "abs": abs, "round": round}
_REDUCTIONS = {"min": min, "max": max, "sum": sum}

_ORDERING = frozenset(
    {"LessThan", "GreaterThan", "LessThanEqual", "GreaterThanEqual", "Equal", "NotEqual"}
)

_BINOPS = {
    "Add": "+",
    "Subtract": "-",
    "Multiply": "*",
    "Divide": "/",
    "FloorDivide": "//",
    "Modulo": "%",
    "Power": "**",
    "MatrixMultiply": "@",
}

_PY_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
    "**": lambda a, b: a**b,
}


def _version_test(node: cst.If) -> bool:
    """Whether a test of the if/elif chain reads a version or probes for an attribute."""
    current: Any = node
    while isinstance(current, cst.If):
        if _mentions_version(current.test):
            return True
        current = current.orelse
    return False


def _mentions_version(node: Any) -> bool:
    """``keras.__version__``, ``tf_version``, ``hasattr(...)`` in a test expression. Only the
    expression kinds tests are made of are visited (libcst's generic children are slow)."""
    if isinstance(node, cst.Name):
        return "version" in node.value.lower()
    if isinstance(node, cst.Attribute):
        return "version" in node.attr.value.lower() or _mentions_version(node.value)
    if isinstance(node, cst.Call):
        if isinstance(node.func, cst.Name) and node.func.value == "hasattr":
            return True
        return _mentions_version(node.func) or any(_mentions_version(a.value) for a in node.args)
    if isinstance(node, cst.Comparison):
        return _mentions_version(node.left) or any(
            _mentions_version(c.comparator) for c in node.comparisons
        )
    if isinstance(node, cst.BooleanOperation):
        return _mentions_version(node.left) or _mentions_version(node.right)
    if isinstance(node, cst.UnaryOperation):
        return _mentions_version(node.expression)
    if isinstance(node, cst.Subscript):
        return _mentions_version(node.value)
    return False


def _trained(model: ModelIR) -> bool:
    """The model has been trained (a certain ``fit``-like call) before this point."""
    return any(
        c.method in ("fit", "fit_generator", "train_on_batch") and not c.uncertain
        for c in model.calls
    )
