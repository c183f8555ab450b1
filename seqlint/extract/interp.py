"""A small abstract interpreter over CPython's ``ast`` that finds Sequential models without
running code.

It walks a module in source order, keeping an environment of abstract values: constants,
references to imported names, layer calls, models, arrays. Functions are interpreted when called
(with the values passed) and, if never called, once with their parameters unknown. Loops over
known iterables are unrolled; branches whose condition is unknown are both followed and what they
change is marked uncertain. Nothing of the user's code is imported or executed.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import itertools
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from seqlint.extract import data
from seqlint.extract.names import canonical, classify, guess_keras_name
from seqlint.extract.positions import Locator
from seqlint.extract.values import (
    BoundMethod,
    Builtin,
    ClassVal,
    DictVal,
    FuncVal,
    Instance,
    LambdaVal,
    ListVal,
    PartialVal,
    Ref,
)
from seqlint.ir import (
    ArrayInfo,
    Call,
    Entry,
    FileIR,
    ImportInfo,
    Incomplete,
    InputDecl,
    LayerCall,
    Loc,
    ModelIR,
    ObjectCall,
    TensorCall,
)
from seqlint.layers import get_layer
from seqlint.layers.base import UNKNOWN

if TYPE_CHECKING:
    from typing import TypeAlias

    if sys.version_info >= (3, 11):
        _AnyTry: TypeAlias = ast.Try | ast.TryStar  # ``except*`` is 3.11+
    else:
        _AnyTry: TypeAlias = ast.Try

MISSING: Any = object()
#: evaluation steps one top-level statement (or one function run because nobody calls it)
#: may take before it is cut short and reported (SEQ002)
MAX_STATEMENT_STEPS = 100_000
#: steps for the whole file; past them each further statement gets only SMALL_STEPS, so the
#: simple statements that build models are still followed, and hostile files stay fast
MAX_FILE_STEPS = 600_000
SMALL_STEPS = 200
#: steps a loop over known items runs concretely before the rest of it is widened (its body
#: followed once more with the loop variable unknown, what it changes uncertain)
LOOP_STEPS = 4_000
#: the same for a loop that has not changed any model in those steps (a training loop, data
#: preparation): 40 % of all steps on /work/nb went to such loops, with the cap at LOOP_STEPS
QUIET_LOOP_STEPS = 1_000
MAX_DEPTH = 12
MAX_RECURSION = 2  # calls of one function active at once
MAX_UNROLL = 512
#: the size past which an abstract value becomes UNKNOWN: items of a list, tuple, dict or
#: characters of a string, and bits of an integer
MAX_ITEMS = 10_000
MAX_INT_BITS = 4_096


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
    def __init__(self, module: ast.Module, locator: Locator) -> None:
        self.module = module
        self.locator = locator
        self.file = FileIR()
        self.scope = Scope()
        self.taint = 0
        self.guard = 0  # depth of ``try`` bodies (with handlers) being executed
        # the branches being followed that may not run, innermost last: (what must hold, the
        # ``if`` statement); rendered only when a model is made under them
        self.branches: list[tuple[str, ast.If]] = []
        self.steps = 0
        self.limit = MAX_STATEMENT_STEPS
        self.depth = 0
        # id(FuncVal) -> how many calls of it are being interpreted (recursion)
        self.active: dict[int, int] = {}
        self.assigned_attrs: set[str] = set()
        # Keras's global image data format (``set_image_data_format``): layers made while it
        # is not the default get it as their ``data_format``
        self.image_format: Any = "channels_last"
        # id(a loop node of this module) -> the names it reads (the module keeps it alive)
        self.read_names: dict[int, frozenset[str]] = {}
        self.functions: list[FuncVal] = []
        self.star_modules: list[str] = []
        self._binding = itertools.count()
        self.frame = Frame()
        # id(a ``*x`` element node) -> (how many items it spread the last time it was
        # evaluated, where they were written when known)
        self.spreads: dict[int, tuple[int, list[Loc] | None]] = {}
        # id(a list) -> (the list, its items' ids then, where each item was written)
        self.list_locs: dict[int, tuple[ListVal, tuple[int, ...], list[Loc | ast.expr]]] = {}

    @functools.cached_property
    def version_names(self) -> frozenset[str]:
        """Module-level names set from a version test (``keras_2 = keras.__version__ > "2"``):
        ``if keras_2:`` is a version test too."""
        return frozenset(
            stmt.targets[0].id
            for stmt in self.module.body
            if isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and _mentions_version(stmt.value)
        )

    # ---- entry point -----------------------------------------------------------------------

    def run(self) -> FileIR:
        for stmt in self.module.body:
            if not self.isolated(stmt, lambda stmt=stmt: self.exec_stmt(stmt, self.scope)):
                self.release()
                return self.file
        self.scope.vars.setdefault("__name__", "__main__")
        # Functions nobody called still build models worth checking: run them with their
        # parameters unknown (defaults kept, except None which is usually a placeholder).
        # Methods nobody called run on an instance of their class (the file's own, or one
        # made by running ``__init__``), so ``self.model`` is the model ``__init__`` built;
        # their calls' order is unknown (taint 1), so order rules leave them alone.
        for fn in list(self.functions):
            if not fn.called and not self.isolated(
                fn.node, lambda fn=fn: self.run_uncalled(fn), binds=False
            ):
                break
        self.release()
        return self.file

    def release(self) -> None:
        """Break the reference cycles of the run (scopes hold functions that hold their
        scopes, classes hold their instances), so the file's objects are freed as soon as
        the result is, without a full garbage collection traversing them."""
        for fn in self.functions:
            fn.scope = None
            if fn.owner is not None:
                fn.owner.instances.clear()
                fn.owner.methods.clear()
        self.functions.clear()
        self.scope.vars.clear()
        self.list_locs.clear()
        self.spreads.clear()

    def run_uncalled(self, fn: FuncVal) -> None:
        if fn.called:
            return
        if fn.owner is None or _decorated(fn.node):
            self.call_function(fn, (), {}, uncalled=True)
        elif fn.owner.kind != "plain":
            self.call_function(fn, (KERAS_SELF,), {}, uncalled=True, bound_taint=0)
        else:
            instance = self.instance_of(fn.owner)
            if not fn.called:  # (instance_of may just have run it: ``__init__``)
                self.call_function(fn, (instance,), {}, uncalled=True, bound_taint=1)

    def isolated(self, node: ast.AST, step: Any, binds: bool = True) -> bool:
        """Run ``step`` (one top-level statement, or one uncalled function) within a step
        budget. When it is cut short (budget, nesting too deep, an internal error), what it
        may have bound becomes unknown, the models it touched become uncertain, the place is
        recorded (SEQ002), and the analysis goes on. False when nothing after it can run."""
        allowance = MAX_STATEMENT_STEPS if self.steps < MAX_FILE_STEPS else SMALL_STEPS
        self.limit = self.steps + allowance
        before = {m.uid: (len(m.entries), len(m.calls)) for m in self.file.models}
        saved = (self.taint, self.guard, self.depth, self.frame)
        try:
            step()
            return True
        except (_Return, _Break, _Continue):
            # (a return/break outside any function or loop: ast parses it, CPython's
            # compiler refuses the file, e.g. a notebook function body split over cells)
            for m in self.file.models:
                m.uncertain = True
            return False
        except Budget:
            reason = "it takes more steps than the analysis budget allows"
        except MemoryError:
            raise  # an analysis that did not finish must fail loudly, never look clean
        except RecursionError:
            reason = "it nests too deeply to be followed"
        except Exception as err:
            # Real-world code reaches corners we did not foresee; a linter must not crash on
            # it: what the statement did is unknown, and the rest of the file is analysed.
            if os.environ.get("SEQLINT_STRICT"):
                raise
            reason = f"seqlint could not follow it ({type(err).__name__})"
        self.taint, self.guard, self.depth, self.frame = saved
        self.active.clear()
        touched = False
        for m in self.file.models:
            if before.get(m.uid) != (len(m.entries), len(m.calls)):
                m.uncertain = touched = True
        if binds:  # (a function run because nobody calls it binds nothing outside it)
            for name in _stored_names(node):
                self.scope.vars[name] = UNKNOWN
        # reported where it may hide something: a model it touched, or one it may build
        if touched or "Sequential" in self.locator.source(node):
            self.file.incomplete.append(Incomplete(self.locator.head(node), reason))
        return True

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

    def loc(self, node: ast.AST) -> Loc:
        return self.locator.loc(node)

    @property
    def guarded(self) -> bool:
        """Whether what runs now may not run, or may fail on purpose (a ``try`` body)."""
        return self.taint > 0 or self.guard > 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.limit:
            raise Budget

    def conditions(self) -> tuple[tuple[str, int], ...]:
        """What must hold for the code being followed now to run (see :attr:`branches`):
        "if" the test, "not" its negation, "none" no test of an if/elif chain; "dead-*" for
        a branch that does not run here (followed only to check the model it builds)."""
        out = []
        for how, node in self.branches:
            test = _short(ast.unparse(node.test))
            dead = how.startswith("dead-")
            how = how.removeprefix("dead-")
            if how == "if":
                text = test
            elif how == "not":
                text = f"not ({test})"
            else:
                text = f"none of the tests from {test} holds"
            out.append((text + (", which does not hold here" if dead else ""), node.lineno))
        return tuple(out)

    def new_model(self, loc: Loc) -> ModelIR:
        model = ModelIR(loc=loc, taint_level=self.taint, conditions=self.conditions())
        self.file.models.append(model)
        return model

    # ---- statements ------------------------------------------------------------------------

    def exec_block(self, stmts: Sequence[ast.stmt], scope: Scope) -> None:
        for stmt in stmts:
            self.exec_stmt(stmt, scope)

    def exec_stmt(self, stmt: ast.stmt, scope: Scope) -> None:
        # (the step count of :meth:`tick`, inlined: this and :meth:`ev` run a million times
        # on /work/nb)
        self.steps += 1
        if self.steps > self.limit:
            raise Budget
        handler = _STMT_HANDLERS.get(type(stmt))
        if handler is not None:
            handler(self, stmt, scope)

    def exec_Expr(self, node: ast.Expr, scope: Scope) -> None:
        self.ev(node.value, scope)

    def exec_Assign(self, node: ast.Assign, scope: Scope) -> None:
        value = self.ev(node.value, scope)
        for target in node.targets:
            self.assign(target, value, scope)

    def exec_AnnAssign(self, node: ast.AnnAssign, scope: Scope) -> None:
        if node.value is not None:
            self.assign(node.target, self.ev(node.value, scope), scope)

    def exec_AugAssign(self, node: ast.AugAssign, scope: Scope) -> None:
        current = self.ev(node.target, scope)
        value = self.ev(node.value, scope)
        op = _BINOPS.get(type(node.op))
        result = self.binop(op, current, value) if op else UNKNOWN
        if isinstance(current, ListVal) and op == "+":
            items = self.iterate(value)
            if items is not None and len(current.items) + len(items) > MAX_ITEMS:
                items = None
            if items is None or self.taint > current.level:
                current.items.append(_Maybe(UNKNOWN))
            else:
                current.items.extend(items)
            result = current
        self.assign(node.target, result, scope)

    def exec_Return(self, node: ast.Return, scope: Scope) -> None:
        value = self.ev(node.value, scope) if node.value is not None else None
        if self.taint > self.frame.taint:
            self.frame.uncertain_return = True
        raise _Return(value)

    def exec_Break(self, node: ast.Break, scope: Scope) -> None:
        raise _Break

    def exec_Continue(self, node: ast.Continue, scope: Scope) -> None:
        raise _Continue

    def exec_Global(self, node: ast.Global, scope: Scope) -> None:
        scope.globals.update(node.names)

    def exec_Delete(self, node: ast.Delete, scope: Scope) -> None:
        for target in node.targets:
            self.delete(target, scope)

    def exec_While(self, node: ast.While, scope: Scope) -> None:
        self.exec_uncertain([node.body], scope, loop=True)
        if node.orelse:
            self.exec_uncertain([node.orelse], scope)

    def exec_With(self, node: ast.With | ast.AsyncWith, scope: Scope) -> None:
        for item in node.items:
            self.ev(item.context_expr, scope)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, UNKNOWN, scope)
        self.exec_block(node.body, scope)

    def exec_Match(self, node: ast.Match, scope: Scope) -> None:
        self.exec_uncertain([case.body for case in node.cases], scope)

    def delete(self, target: ast.expr, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            scope.vars.pop(target.id, None)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for el in target.elts:
                self.delete(el, scope)
        elif isinstance(target, ast.Subscript):
            base = self.ev(target.value, scope)
            if isinstance(base, ModelIR):
                base.uncertain = True

    def exec_Import(self, node: ast.Import, scope: Scope) -> None:
        for alias in node.names:
            full = alias.name
            self.file.imports.append(
                ImportInfo(canonical(full), (), self.loc(node), raw=full, guarded=self.guarded)
            )
            if alias.asname is not None:
                scope.assign(alias.asname, Ref(canonical(full)))
            else:
                top = full.split(".", 1)[0]
                scope.assign(top, Ref(canonical(top)))

    def exec_ImportFrom(self, node: ast.ImportFrom, scope: Scope) -> None:
        raw = ""
        if node.level:
            module = None
        else:
            raw = node.module or ""
            module = canonical(raw) if node.module else None
        if len(node.names) == 1 and node.names[0].name == "*":
            if module:
                self.star_modules.append(module)
                self.file.imports.append(
                    ImportInfo(module, ("*",), self.loc(node), raw=raw, guarded=self.guarded)
                )
            return
        names = []
        for alias in node.names:
            name = alias.name
            names.append(name)
            value = Ref(canonical(f"{module}.{name}")) if module else UNKNOWN
            scope.assign(alias.asname or name, value)
        if module:
            self.file.imports.append(
                ImportInfo(module, tuple(names), self.loc(node), raw=raw, guarded=self.guarded)
            )

    def exec_If(self, node: ast.If, scope: Scope) -> None:
        test = self.truth(self.ev(node.test, scope))
        if test is None:
            self.exec_branches(node, scope)
            return
        taken, other = (node.body, node.orelse) if test else (node.orelse, node.body)
        self.exec_block(taken, scope)  # an ``elif`` is an If alone in ``orelse``
        if other and any("Sequential" in self.locator.source(stmt) for stmt in other):
            # ``if STATELESS: model = ... else: model = ...``: the model the branch not taken
            # builds is extracted too (with its own findings); nothing it binds or returns
            # survives, and the models that exist already are left as they are
            frame, returned = self.frame, self.frame.uncertain_return
            kept = [(m, list(m.entries), list(m.calls), m.uncertain) for m in self.file.models]
            self.branches.append(("dead-not" if test else "dead-if", node))
            try:
                self.exec_sandboxed([other], scope)
            finally:
                self.branches.pop()
            frame.uncertain_return = returned
            for model, entries, calls, uncertain in kept:
                model.entries, model.calls, model.uncertain = entries, calls, uncertain

    def exec_branches(self, node: ast.If, scope: Scope) -> None:
        """Follow every branch of an if/elif chain whose tests are unknown; merge what they bind."""
        branches: list[list[Any]] = []
        labels: list[tuple[str, ast.If]] = []
        current: ast.If | None = node
        has_else = False
        while current is not None:
            branches.append([current.body])
            labels.append(("if", current))
            orelse = current.orelse
            if len(orelse) == 1 and isinstance(orelse[0], ast.If):
                current = orelse[0]
            else:
                if orelse:
                    branches.append([orelse])
                    labels.append(("none", node) if len(labels) > 1 else ("not", node))
                    has_else = True
                current = None
        if not has_else:
            branches.append([])  # the implicit "no branch taken"
            labels.append(("none", node))
        # ``if keras.__version__ ...`` / ``if hasattr(model, "fit_generator")``: the branches are
        # compatibility code for other versions, so what fails in one of them is on purpose
        guard = 1 if _version_test(node, self.version_names) else 0
        self.guard += guard
        try:
            self.exec_alternatives(branches, scope, labels)
        finally:
            self.guard -= guard

    def exec_alternatives(
        self,
        branches: list[list[Any]],
        scope: Scope,
        labels: Sequence[tuple[str, ast.If]] = (),
    ) -> None:
        before = dict(scope.vars)
        results: list[dict[str, Any]] = []
        self.taint += 1
        try:
            for index, bodies in enumerate(branches):
                scope.vars = dict(before)
                if index < len(labels):
                    self.branches.append(labels[index])
                try:
                    for body in bodies:
                        self.exec_block(body, scope)
                except (_Break, _Continue, _Return) as signal:
                    if isinstance(signal, _Return):
                        self.frame.uncertain_return = True
                finally:
                    if index < len(labels):
                        self.branches.pop()
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

    def exec_sandboxed(self, bodies: list[list[ast.stmt]], scope: Scope) -> None:
        """Run bodies that only happen on a path we do not follow (``except`` handlers): models
        they build are found, but nothing they bind survives."""
        before = dict(scope.vars)
        self.taint += 1
        try:
            for body in bodies:
                scope.vars = dict(before)
                with contextlib.suppress(_Break, _Continue, _Return):
                    self.exec_block(body, scope)
        finally:
            self.taint -= 1
            scope.vars = before

    def exec_uncertain(
        self, bodies: list[list[ast.stmt]], scope: Scope, loop: bool = False
    ) -> None:
        """Run bodies once (an unknown loop, a while, a match) and forget what they bind."""
        self.exec_alternatives([[b] for b in bodies] + [[]], scope)

    def exec_For(self, node: ast.For | ast.AsyncFor, scope: Scope) -> None:
        iterable = self.ev(node.iter, scope)
        items = self.iterate(iterable)
        if items is None or len(items) > MAX_UNROLL:
            self.widen(node, scope)
            return
        start = self.steps
        shape = self.models_shape()
        broke = False
        for index, item in enumerate(items):
            spent = self.steps - start
            if (
                index
                and spent > QUIET_LOOP_STEPS
                and (spent > LOOP_STEPS or self.models_shape() == shape)
            ):
                # long enough: what further iterations do is followed once, as unknown
                self.widen(node, scope, followed=index, total=len(items))
                return
            self.assign(node.target, item, scope)
            try:
                self.exec_block(node.body, scope)
            except _Continue:
                continue
            except _Break:
                broke = True
                break
        if not broke and node.orelse:
            self.exec_block(node.orelse, scope)

    def models_shape(self) -> tuple[int, int]:
        """How many models there are and how many layers and calls they hold, all told: a
        loop that leaves this unchanged has not (yet) built or changed a model."""
        return len(self.file.models), sum(len(m.entries) + len(m.calls) for m in self.file.models)

    def widen(
        self, node: ast.For | ast.AsyncFor, scope: Scope, followed: int = 0, total: int = 0
    ) -> None:
        """Follow a loop's body once with its variable unknown: what it binds becomes
        unknown, what it adds to models is uncertain. A body that cannot touch a model, a
        layer, a function or class of the file or data is not even followed."""
        if not self.relevant(node, scope):
            for name in _stored_names(node):
                scope.assign(name, UNKNOWN)
            return
        before = dict(scope.vars)
        sizes = {m.uid: len(m.entries) for m in self.file.models} if followed else {}
        self.taint += 1
        try:
            self.assign(node.target, UNKNOWN, scope)
            try:
                self.exec_block(node.body, scope)
            except (_Break, _Continue):
                pass
            except _Return:
                self.frame.uncertain_return = True
        finally:
            self.taint -= 1
        for key, value in list(scope.vars.items()):
            if before.get(key, MISSING) is not value:
                scope.vars[key] = UNKNOWN
        if followed and any(sizes.get(m.uid, 0) != len(m.entries) for m in self.file.models):
            reason = (
                f"a loop that changes a model's layers was followed for {followed} of its "
                f"{total} iterations"
            )
            self.file.incomplete.append(Incomplete(self.locator.head(node), reason))

    def relevant(self, node: ast.AST, scope: Scope) -> bool:
        """Whether code may touch what the analysis follows: a model, a layer, a Keras or
        NumPy name, data, a function or class of the file (by the names it reads)."""
        names = self.read_names.get(id(node))
        if names is None:
            names = self.read_names[id(node)] = _read_names(node)
        for name in names:
            value = scope.lookup(name)
            if value is MISSING:
                if self.star_modules or name[:1].isupper():
                    return True  # a name from ``import *``, or a snippet's unimported class
            elif _interesting(value):
                return True
        return False

    def exec_Try(self, node: _AnyTry, scope: Scope) -> None:
        guard = 1 if _may_handle_api_errors(node) else 0
        self.guard += guard
        try:
            self.exec_block(node.body, scope)
        except (_Break, _Continue, _Return):
            raise
        finally:
            self.guard -= guard
        for handler in node.handlers:
            # ``except ImportError: from tensorflow import keras`` style fallbacks: take the
            # imports of a handler only for names the try body did not bind.
            for stmt in handler.body:
                if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                    tmp = Scope()
                    self.guard += 1
                    try:
                        self.exec_stmt(stmt, tmp)
                    finally:
                        self.guard -= 1
                    for k, v in tmp.vars.items():
                        if scope.lookup(k) is MISSING:
                            scope.assign(k, v)
        self.exec_sandboxed([handler.body for handler in node.handlers], scope)
        if node.orelse:
            self.exec_block(node.orelse, scope)
        if node.finalbody:
            self.exec_block(node.finalbody, scope)

    def exec_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> None:
        self.define_function(node, scope)

    def define_function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope, method: bool = False
    ) -> FuncVal:
        defaults: dict[str, Any] = {}
        params = node.args
        positional = [*params.posonlyargs, *params.args]
        for p, default in zip(
            positional[len(positional) - len(params.defaults) :], params.defaults, strict=True
        ):
            defaults[p.arg] = self.ev(default, scope)
        for p, kw_default in zip(params.kwonlyargs, params.kw_defaults, strict=False):
            if kw_default is not None:
                defaults[p.arg] = self.ev(kw_default, scope)
        fn = FuncVal(node=node, scope=scope, defaults=defaults, is_method=method)
        fn.qualname = node.name
        self.functions.append(fn)
        if not method:
            scope.assign(node.name, fn)
        return fn

    def exec_ClassDef(self, node: ast.ClassDef, scope: Scope) -> None:
        kind = "plain"
        for base in node.bases:
            value = self.ev(base, scope)
            if isinstance(value, Ref):
                k = classify(value.qualname).kind
                if k in ("layer", "layer_base"):
                    kind = "layer"
                elif k in ("sequential", "model_base"):
                    kind = "model"
            elif isinstance(value, ClassVal) and value.kind != "plain":
                kind = value.kind
        cls = ClassVal(name=node.name, kind=kind)
        body = Scope(parent=scope, module=scope.module)  # what the class body binds
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                fn = self.define_function(stmt, scope, method=True)
                fn.owner = cls
                cls.methods[stmt.name] = fn
            elif (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
            ):
                body.assign(stmt.targets[0].id, self.ev(stmt.value, body))
            elif (
                isinstance(stmt, ast.AnnAssign)
                and stmt.value is not None
                and isinstance(stmt.target, ast.Name)
            ):
                body.assign(stmt.target.id, self.ev(stmt.value, body))
        if body.vars:
            rebound = _self_attributes_set(node)
            cls.attrs = {k: v for k, v in body.vars.items() if k not in rebound}
            cls.plain_instances = not (node.decorator_list or node.keywords) and all(
                (isinstance(b, ast.Name) and b.id == "object")
                or isinstance(self.ev(b, scope), ClassVal)
                for b in node.bases
            )
        scope.assign(node.name, cls)

    # ---- assignment ------------------------------------------------------------------------

    def assign(self, target: ast.expr, value: Any, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            name = target.id
            if isinstance(value, ModelIR):
                if value.variable is None:
                    value.variable = name
                if scope.is_module and value.module_binding is None and not self.taint:
                    value.module_binding = next(self._binding)
            scope.assign(name, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            elements = target.elts
            items = self.iterate(value)
            starred = any(isinstance(e, ast.Starred) for e in elements)
            if items is not None and not starred and len(items) == len(elements):
                for el, item in zip(elements, items, strict=True):
                    self.assign(el, item, scope)
            else:
                for el in elements:
                    self.assign(el, UNKNOWN, scope)
        elif isinstance(target, ast.Attribute):
            key = _full_name(target)
            if key:
                self.assigned_attrs.add(target.attr)
                scope.assign(key, value)
            trainable = target.attr == "trainable"
            simple = isinstance(target.value, ast.Name)
            owner = self.ev(target.value, scope) if simple or trainable else None
            if trainable and isinstance(owner, LayerCall):
                owner.trainable_sets.append((value, self.loc(target), self.taint > 0))
            elif trainable and isinstance(owner, ModelIR):  # seqlint run freezes what it says
                owner.calls.append(
                    Call("trainable=", (value,), {}, self.loc(target), uncertain=self.taint > 0)
                )
            if isinstance(owner, Instance):
                attr = target.attr
                if self.taint > owner.level and owner.attrs.get(attr) is not value:
                    owner.attrs[attr] = UNKNOWN  # set under a condition we cannot resolve
                else:
                    owner.attrs[attr] = value
            elif isinstance(owner, ClassVal):
                owner.attrs[target.attr] = UNKNOWN  # ``Config.lr = ...`` from outside
            elif owner is KERAS_SELF and isinstance(value, ModelIR):
                value.called_functionally = True
        elif isinstance(target, ast.Subscript):
            base = self.ev(target.value, scope)
            if isinstance(base, DictVal):
                if not isinstance(target.slice, (ast.Slice, ast.Tuple)):
                    key = self.ev(target.slice, scope)
                    if _hashable_const(key):
                        base.items[key] = UNKNOWN if self.taint else value
                        return
                base.items.clear()
            elif isinstance(base, ListVal):
                base.items[:] = [UNKNOWN] * len(base.items)
            elif isinstance(base, ArrayInfo):  # x[i] = ...: values no longer in the known range
                base.low = base.high = None
        elif isinstance(target, ast.Starred):
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

    def ev(self, node: ast.expr | None, scope: Scope) -> Any:
        if node is None:
            return None
        self.steps += 1  # (tick, inlined)
        if self.steps > self.limit:
            raise Budget
        method = _EXPR_HANDLERS.get(type(node))
        if method is None:
            return UNKNOWN
        return method(self, node, scope)

    def ev_Name(self, node: ast.Name, scope: Scope) -> Any:
        name = node.id
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
        guess = guess_keras_name(name, self.file.imports)
        if guess is not None:
            self.file.guessed_names.add(name)
            return Ref(guess)
        return UNKNOWN

    def ev_Attribute(self, node: ast.Attribute, scope: Scope) -> Any:
        # (``a.b = value`` stores the value under the key "a.b": only looked up for attribute
        # names some assignment used)
        key = _full_name(node) if node.attr in self.assigned_attrs else None
        if key and "." in key:
            stored = scope.lookup(key)
            if stored is not MISSING:
                return stored
        base = self.ev(node.value, scope)
        return self.get_attr(base, node.attr)

    def get_attr(self, base: Any, attr: str) -> Any:
        if isinstance(base, Ref):
            return base.attr(attr)
        if isinstance(base, ModelIR):
            if attr == "layers" and not base.uncertain:  # the layers added so far, in order
                items = [e.item for e in base.entries if not isinstance(e.item, InputDecl)]
                if all(isinstance(i, (LayerCall, ModelIR)) for i in items):
                    return tuple(items)
            return BoundMethod(base, attr)
        if isinstance(base, ArrayInfo):
            value = data.attribute(base, attr)
            return BoundMethod(base, attr) if value is data.NOT_HANDLED else value
        if isinstance(base, (ListVal, DictVal, tuple, str)) or (
            isinstance(base, LayerCall) and attr == "adapt"
        ):
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

    def ev_Constant(self, node: ast.Constant, scope: Scope) -> Any:
        value = node.value
        # bytes and complex numbers are nothing a model is made of
        return UNKNOWN if isinstance(value, (bytes, complex)) else value

    def ev_JoinedStr(self, node: ast.JoinedStr, scope: Scope) -> Any:
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                self.ev(part.value, scope)
        return UNKNOWN

    def elements(
        self, elements: Sequence[ast.expr], scope: Scope
    ) -> list[tuple[Any, Loc | ast.expr]] | None:
        """Evaluate list/tuple display elements, spreading ``*x``; None if a spread is unknown.
        Each comes with where it was written: its own location, or the node that wrote it
        (located only when asked: most lists are data)."""
        out: list[tuple[Any, Loc | ast.expr]] = []
        ok = True
        for el in elements:
            if isinstance(el, ast.Starred):
                spread_value = self.ev(el.value, scope)
                spread = self.iterate(spread_value)
                if spread is None:
                    ok = False
                    continue
                self.spreads[id(el)] = (len(spread), self.locs_of(spread_value))
                for item in spread:
                    item_loc = getattr(item, "loc", None)
                    out.append((item, item_loc if isinstance(item_loc, Loc) else el))
            else:
                out.append((self.ev(el, scope), el))
        return out if ok else None

    def ev_Tuple(self, node: ast.Tuple, scope: Scope) -> Any:
        if len(node.elts) > MAX_ITEMS:
            return UNKNOWN
        items = self.elements(node.elts, scope)
        return UNKNOWN if items is None else tuple(v for v, _ in items)

    def ev_List(self, node: ast.List, scope: Scope) -> Any:
        if len(node.elts) > MAX_ITEMS:
            return UNKNOWN  # a data table written out: nothing a model is made of
        items = self.elements(node.elts, scope)
        if items is None:
            return UNKNOWN
        value = ListVal([v for v, _ in items], level=self.taint)
        self.note_locs(value, [loc for _, loc in items])
        return value

    def note_locs(self, value: ListVal, locs: list[Loc | ast.expr]) -> None:
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
        locs = found[2]
        if not all(isinstance(x, Loc) for x in locs):
            locs[:] = [x if isinstance(x, Loc) else self.loc(x) for x in locs]
        return locs  # type: ignore[return-value]

    def _written(self, value: ListVal) -> list[Loc | ast.expr] | None:
        """Like :meth:`locs_of`, without locating the nodes yet."""
        found = self.list_locs.get(id(value))
        if found is None or found[0] is not value or found[1] != tuple(map(id, value.items)):
            return None
        return found[2]

    def ev_Set(self, node: ast.Set, scope: Scope) -> Any:
        self.elements(node.elts, scope)
        return UNKNOWN

    def ev_Dict(self, node: ast.Dict, scope: Scope) -> Any:
        if len(node.keys) > MAX_ITEMS:
            return UNKNOWN
        out: dict[Any, Any] = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is not None:
                key = self.ev(key_node, scope)
                value = self.ev(value_node, scope)
                if _hashable_const(key):
                    out[key] = value
            else:
                spread = self.ev(value_node, scope)
                if isinstance(spread, DictVal):
                    out.update(spread.items)
                else:
                    return UNKNOWN
        return DictVal(out)

    def ev_ListComp(self, node: ast.ListComp, scope: Scope) -> Any:
        items = self.comprehension(node.elt, node.generators, scope)
        return UNKNOWN if items is None else ListVal(items, level=self.taint)

    def ev_GeneratorExp(self, node: ast.GeneratorExp, scope: Scope) -> Any:
        items = self.comprehension(node.elt, node.generators, scope)
        return UNKNOWN if items is None else tuple(items)

    def comprehension(
        self, elt: ast.expr, generators: list[ast.comprehension], scope: Scope
    ) -> list[Any] | None:
        inner = Scope(parent=scope, module=scope.module)
        out: list[Any] = []
        return out if self._generate(elt, generators, 0, inner, out) else None

    def _generate(
        self,
        elt: ast.expr,
        generators: list[ast.comprehension],
        level: int,
        inner: Scope,
        out: list[Any],
    ) -> bool:
        """Run the ``for`` clause ``level`` of a comprehension (a method, not a closure: a
        recursive closure is a reference cycle that keeps the whole tree alive)."""
        c = generators[level]
        items = self.iterate(self.ev(c.iter, inner))
        if items is None or len(items) > MAX_UNROLL:
            return False
        for item in items:
            self.assign(c.target, item, inner)
            conds = [self.truth(self.ev(test, inner)) for test in c.ifs]
            if any(cond is None for cond in conds):
                return False
            if not all(conds):
                continue
            if level + 1 < len(generators):
                if not self._generate(elt, generators, level + 1, inner, out):
                    return False
            else:
                out.append(self.ev(elt, inner))
        return True

    def index(self, node: ast.expr, scope: Scope) -> Any:
        """The value of one subscript element (a slice becomes a :class:`slice`)."""
        if isinstance(node, ast.Slice):
            parts = [
                self.ev(p, scope) if p is not None else None
                for p in (node.lower, node.upper, node.step)
            ]
            return UNKNOWN if any(p is UNKNOWN for p in parts) else slice(*parts)
        return self.ev(node, scope)

    def ev_Subscript(self, node: ast.Subscript, scope: Scope) -> Any:
        base = self.ev(node.value, scope)
        s = node.slice
        if isinstance(s, ast.Tuple) and any(isinstance(e, ast.Slice) for e in s.elts):
            idx: Any = tuple(self.index(e, scope) for e in s.elts)
        else:
            idx = self.index(s, scope)
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

    def ev_BinOp(self, node: ast.BinOp, scope: Scope) -> Any:
        left = self.ev(node.left, scope)
        right = self.ev(node.right, scope)
        return _bounded(self.binop(_BINOPS.get(type(node.op)), left, right))

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
            if len(left.items) + len(right.items) > MAX_ITEMS:
                return UNKNOWN
            joined = ListVal(left.items + right.items, level=self.taint)
            lo, ro = self._written(left), self._written(right)
            if lo is not None and ro is not None:
                self.note_locs(joined, [*lo, *ro])
            return joined
        if (
            isinstance(left, ListVal)
            and isinstance(right, int)
            and op == "*"
            and 0 <= right <= MAX_UNROLL
            and len(left.items) * right <= MAX_ITEMS
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
            if not _small_operands(op, left, right):
                return UNKNOWN
            return _PY_OPS[op](left, right)
        except MemoryError:
            raise  # out of memory: the whole analysis is void (see seqlint.parallel)
        except Exception:  # noqa: BLE001 - user arithmetic may fail any way; it is then unknown
            return UNKNOWN

    def ev_UnaryOp(self, node: ast.UnaryOp, scope: Scope) -> Any:
        value = self.ev(node.operand, scope)
        op = node.op
        if isinstance(op, ast.Not):
            truth = self.truth(value)
            return UNKNOWN if truth is None else not truth
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if isinstance(op, ast.USub):
                return -value
            if isinstance(op, ast.UAdd):
                return value
            return ~value if isinstance(value, int) else UNKNOWN
        return UNKNOWN

    def ev_BoolOp(self, node: ast.BoolOp, scope: Scope) -> Any:
        is_and = isinstance(node.op, ast.And)
        value = self.ev(node.values[0], scope)
        rest = node.values[1:]
        for i, right in enumerate(rest):
            truth = self.truth(value)
            if truth is None:
                for later in rest[i:]:
                    self.ev(later, scope)
                return UNKNOWN
            if truth is not is_and:  # ``and`` stops at a false value, ``or`` at a true one
                return value
            value = self.ev(right, scope)
        return value

    def ev_Compare(self, node: ast.Compare, scope: Scope) -> Any:
        left = self.ev(node.left, scope)
        result: Any = True
        for operator, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.ev(comparator, scope)
            op = type(operator).__name__
            if isinstance(left, ArrayInfo) or isinstance(right, ArrayInfo):
                if len(node.ops) == 1 and op in _ORDERING:
                    return data.compare(left, right)
                return UNKNOWN
            outcome = _compare(op, left, right)
            if outcome is UNKNOWN:
                result = UNKNOWN
            elif outcome is False and result is not UNKNOWN:
                result = False
            left = right
        return result

    def ev_IfExp(self, node: ast.IfExp, scope: Scope) -> Any:
        test = self.truth(self.ev(node.test, scope))
        if test is True:
            return self.ev(node.body, scope)
        if test is False:
            return self.ev(node.orelse, scope)
        a, b = self.ev(node.body, scope), self.ev(node.orelse, scope)
        return a if a is b or _same_const(a, b) else UNKNOWN

    def ev_Lambda(self, node: ast.Lambda, scope: Scope) -> Any:
        # the body is not run, but ``ds.map(lambda x, y: (model(x), y))`` builds ``model``
        params = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
        for call in ast.walk(node.body):
            named = isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            if named and call.func.id not in params:  # type: ignore[attr-defined]
                callee = scope.lookup(call.func.id)  # type: ignore[attr-defined]
                if isinstance(callee, ModelIR):
                    callee.called_functionally = True
        return LambdaVal(node)  # kept for Lambda layers whose shape an elementwise body keeps

    def ev_NamedExpr(self, node: ast.NamedExpr, scope: Scope) -> Any:
        value = self.ev(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    def ev_Await(self, node: ast.Await, scope: Scope) -> Any:
        self.ev(node.value, scope)
        return UNKNOWN

    # ---- calls -----------------------------------------------------------------------------

    def eval_args(
        self, call: ast.Call, scope: Scope
    ) -> tuple[tuple[Any, ...], dict[str, Any], bool]:
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        opaque = False
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                items = self.iterate(self.ev(arg.value, scope))
                if items is None:
                    opaque = True
                else:
                    args.extend(items)
            else:
                args.append(self.ev(arg, scope))
        for kw in call.keywords:
            value = self.ev(kw.value, scope)
            if kw.arg is None:  # **kwargs
                if isinstance(value, DictVal) and all(isinstance(k, str) for k in value.items):
                    kwargs.update(value.items)
                else:
                    opaque = True
            else:
                kwargs[kw.arg] = value
        return tuple(args), kwargs, opaque

    def ev_Call(self, node: ast.Call, scope: Scope) -> Any:
        func = self.ev(node.func, scope)
        args, kwargs, opaque = self.eval_args(node, scope)
        return self.call(func, args, kwargs, opaque, node, scope)

    def call(
        self,
        func: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        opaque: bool,
        node: ast.Call,
        scope: Scope,
    ) -> Any:
        if isinstance(func, Ref) and func.qualname == "functools.partial" and args:
            return PartialVal(args[0], args[1:], kwargs, opaque)
        if isinstance(func, PartialVal):
            merged = {**func.kwargs, **kwargs}
            return self.call(
                func.func, func.args + args, merged, opaque or func.opaque, node, scope
            )
        if isinstance(func, Ref):
            return self.call_ref(func, args, kwargs, opaque, node, scope)
        if isinstance(func, BoundMethod):
            return self.call_method(func, args, kwargs, opaque, node, scope)
        if isinstance(func, FuncVal):
            return self.call_function(func, args, kwargs, opaque=opaque)
        if isinstance(func, ClassVal):
            if func.kind == "layer":
                return LayerCall(
                    func.name, args, kwargs, self.loc(node), opaque=opaque, custom=True
                )
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
            return TensorCall(func, self.loc(node))
        # An unknown callable handed a model may change its layers, unless the model is
        # compiled already: code that receives a compiled model looks at it (prints,
        # plots, analyses it), it does not add layers Keras would then ignore until a new
        # compile.
        for value in (*args, *kwargs.values()):
            if isinstance(value, ModelIR) and not _settled(value):
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
        if self.depth >= MAX_DEPTH or isinstance(fn.node, ast.Lambda):
            return UNKNOWN
        if self.active.get(id(fn), 0) >= MAX_RECURSION:
            return UNKNOWN  # recursion: each level would multiply the work
        node = fn.node
        local = Scope(parent=fn.scope, module=fn.scope.module)
        params = node.args
        positional = [*params.posonlyargs, *params.args]
        rest = list(args)
        if fn.is_method and uncalled and bound_taint is None:
            rest = []
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
        saved_frame, saved_taint = self.frame, self.taint
        self.depth += 1
        self.active[id(fn)] = self.active.get(id(fn), 0) + 1
        if uncalled:
            self.taint = 0 if bound_taint is None else bound_taint
        self.frame = Frame(self.taint)
        try:
            self.exec_block(node.body, local)
            result: Any = None
        except _Return as ret:
            result = ret.value
        except (_Break, _Continue):
            result = UNKNOWN
        finally:
            self.depth -= 1
            self.active[id(fn)] -= 1
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
        node: ast.Call,
        scope: Scope,
    ) -> Any:
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
            return InputDecl(shape=_shape_value(shape), loc=self.loc(node), class_name="InputLayer")
        if k == "input_layer":
            shape = args[0] if args else kwargs.get("shape", kwargs.get("input_shape", MISSING))
            if shape is MISSING:
                for key in ("batch_shape", "batch_input_shape"):
                    if key in kwargs:
                        bs = kwargs[key]
                        shape = tuple(bs[1:]) if isinstance(bs, tuple) else UNKNOWN
            if shape is MISSING or opaque:
                shape = UNKNOWN
            return InputDecl(shape=_shape_value(shape), loc=self.loc(node), class_name="InputLayer")
        if k == "layer":
            definition = get_layer(kind.name)
            class_name = definition.name if definition is not None else kind.name
            layer_kwargs = {key: _frozen(v) for key, v in kwargs.items()}
            if self.image_format != "channels_last" and definition is not None:
                names = [p.name for p in definition.params]
                if (
                    "data_format" in names
                    and "data_format" not in kwargs
                    and not opaque
                    and len(args) <= names.index("data_format")
                ):
                    # the global image data format set earlier in the file
                    layer_kwargs["data_format"] = self.image_format
            layer = LayerCall(
                class_name,
                tuple(_frozen(a) for a in args),
                layer_kwargs,
                self.loc(node),
                qualname=func.qualname,
                opaque=opaque,
                guarded=self.guard > 0,
            )
            self.file.layers.append(layer)
            return layer
        if k in ("optimizer", "loss", "metric", "callback"):
            obj = ObjectCall(
                func.qualname, args, kwargs, self.loc(node), opaque=opaque, guarded=self.guard > 0
            )
            self.file.objects.append(obj)
            return obj
        if func.qualname.startswith("keras.initializers."):
            # ``Zeros()``, ``Constant(0.1)``: kept as values for rules about initializers
            return ObjectCall(func.qualname, args, kwargs, self.loc(node), opaque=opaque)
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
            clone = self.new_model(self.loc(node))
            clone.entries = [Entry(e.item, e.loc, e.uncertain) for e in base.entries]
            clone.calls = [c for c in base.calls if c.method == "compile"]
            clone.uncertain = base.uncertain
            return clone
        if func.qualname.startswith("keras.") and func.qualname.rsplit(".", 1)[-1] in (
            "set_image_data_format",
            "set_image_dim_ordering",
        ):
            # ``K.set_image_dim_ordering("th")``: the layers built from now on default to it
            value = args[0] if len(args) == 1 and not kwargs and not opaque else UNKNOWN
            fmt = _IMAGE_FORMATS.get(value) if isinstance(value, str) else None
            self.image_format = fmt if fmt is not None and not self.taint else UNKNOWN
        if func.qualname.startswith("keras."):
            # other Keras calls (``keras.utils.np_utils.to_categorical(...)``): kept for rules
            # about the path they are reached by
            self.file.keras_calls.append(
                ObjectCall(
                    func.qualname,
                    args,
                    kwargs,
                    self.loc(node),
                    opaque=opaque,
                    guarded=self.guard > 0,
                )
            )
        # np.zeros(*shape): arguments of unknown content say nothing about the result
        value = data.NOT_HANDLED if opaque else data.call(func.qualname, args, kwargs)
        if value is not data.NOT_HANDLED:
            if isinstance(value, ArrayInfo):
                value.loc = self.loc(node)
            return value
        if func.qualname.endswith("train_test_split"):
            return _train_test_split(args)
        if not func.qualname.startswith(_HARMLESS_PREFIXES):
            for value in (*args, *kwargs.values()):
                # a compiled model handed to a helper (plotting, saving, reporting) was
                # built as seen; before compile, the helper may change it
                if isinstance(value, ModelIR) and not _settled(value):
                    value.uncertain = True
        return UNKNOWN

    def make_sequential(
        self,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        opaque: bool,
        node: ast.Call,
        scope: Scope,
    ) -> ModelIR:
        model = self.new_model(self.loc(node))
        name = kwargs.get("name")
        model.name = name if isinstance(name, str) else None
        layers_node: ast.expr | None = None
        positional = [a for a in node.args if not isinstance(a, ast.Starred)]
        if positional:
            layers_node = positional[0]
        else:
            layers_node = next((k.value for k in node.keywords if k.arg == "layers"), None)
        layers_value = args[0] if args else kwargs.get("layers")
        if opaque and layers_value is None:
            model.uncertain = True
        if layers_value is None:
            return model
        if isinstance(layers_node, (ast.List, ast.Tuple)):
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
        node: ast.Call,
        scope: Scope,
    ) -> Any:
        obj, name = method.obj, method.name
        if isinstance(obj, Instance):
            fn = obj.cls.methods.get(name)
            if fn is None:
                return UNKNOWN
            return self.call_function(fn, (obj, *args), kwargs, opaque=opaque)
        loc = self.loc(node)
        if isinstance(obj, LayerCall) and name == "adapt":
            source = args[0] if args else kwargs.get("data", UNKNOWN)
            obj.adapt_calls.append((source, loc, opaque or self.taint > 0))
            return None
        if isinstance(obj, ModelIR):
            if name == "add":
                if args and not opaque:
                    item = args[0]
                    arg_node = next((a for a in node.args if not isinstance(a, ast.Starred)), None)
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
            if len(obj.items) >= MAX_ITEMS and name in ("append", "extend", "insert"):
                obj.items[:] = [_Maybe(UNKNOWN)]  # grown past the bound: unknown
                return None
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


def _may_handle_api_errors(node: _AnyTry) -> bool:
    """Whether a ``try`` may catch what a removed / misused Keras API raises (ImportError,
    AttributeError, TypeError, ValueError, or anything broader or unknown)."""
    for handler in node.handlers:
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for t in types:
            name = _full_name(t) or ""
            if name.rsplit(".", 1)[-1] not in _UNRELATED_EXCEPTIONS:
                return True
    return False


def _full_name(node: ast.AST) -> str | None:
    """The dotted name of ``a.b.c`` (also through calls and subscripts, ``a().b`` is
    ``a.b``, as the names of attribute targets are keyed); None for anything else."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Name):
            parts.append(node.id)
            return ".".join(reversed(parts))
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return None


class _Maybe:
    """A list item that may or may not be there (appended under an unknown condition)."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _element_locs(node: ast.List | ast.Tuple, items: list[Any], interp: Interpreter) -> list[Loc]:
    locs: list[Loc] = []
    elements = node.elts
    for position, el in enumerate(elements):
        if isinstance(el, ast.Starred):
            # items spread from *helper(): each keeps its own location when it has one
            start = len(locs)
            remaining, written = interp.spreads.get(id(el), (None, None))
            if remaining is None:
                remaining = (
                    len(items)
                    - start
                    - sum(1 for e in elements[position + 1 :] if not isinstance(e, ast.Starred))
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
            locs.append(_made_at(el, items[: len(locs) + 1], interp))
    return locs


def _made_at(node: ast.expr, items: list[Any], interp: Interpreter) -> Loc:
    """Where the layer ``items[-1]``, placed by the expression ``node``, is reported: at its
    constructor when a helper of the file made it (``output_layer(n)`` -> the
    ``layers.Dense(1)`` inside), else at ``node``. A layer placed before is reported at its
    new place (a reuse)."""
    if isinstance(node, ast.Call) and len(items) >= 1:
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


def _decorated(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> bool:
    """A decorated function (``@staticmethod``, ``@property``, ``@tf.function``...): its
    first parameter may not be ``self``."""
    return not isinstance(node, ast.Lambda) and bool(node.decorator_list)


def _self_attributes_set(node: ast.ClassDef) -> set[str]:
    """Names the class's methods assign as attributes of anything (``self.lr = ...``): a
    class attribute of that name may be shadowed on the instance."""
    found: set[str] = set()

    def note(target: ast.expr) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for sub in target.elts:
                note(sub)
        elif isinstance(target, ast.Attribute):
            found.add(target.attr)

    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Assign):
                    for target in sub.targets:
                        note(target)
                elif isinstance(sub, (ast.AugAssign, ast.AnnAssign)):
                    note(sub.target)
    return found


def _shape_value(shape: Any) -> Any:
    if isinstance(shape, ListVal):
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
            "Eq": lambda a, b: a == b,
            "NotEq": lambda a, b: a != b,
            "Lt": lambda a, b: a < b,
            "Gt": lambda a, b: a > b,
            "LtE": lambda a, b: a <= b,
            "GtE": lambda a, b: a >= b,
            "In": lambda a, b: a in b,
            "NotIn": lambda a, b: a not in b,
        }[op](left, right)
    except Exception:  # noqa: BLE001
        return UNKNOWN


_IMAGE_FORMATS = {
    "channels_last": "channels_last",
    "channels_first": "channels_first",
    "tf": "channels_last",
    "th": "channels_first",
}

_CONVERSIONS = {"int": int, "float": float, "str": str, "bool": bool, "abs": abs, "round": round}
_REDUCTIONS = {"min": min, "max": max, "sum": sum}

_ORDERING = frozenset({"Lt", "Gt", "LtE", "GtE", "Eq", "NotEq"})

_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.MatMult: "@",
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


def _version_test(node: ast.If, names: frozenset[str] = frozenset()) -> bool:
    """Whether a test of the if/elif chain reads a version or probes for an attribute (or
    reads one of ``names``, set from such a test)."""
    current: Any = node
    while isinstance(current, ast.If):
        if _mentions_version(current.test) or (
            names and any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(current.test))
        ):
            return True
        current = current.orelse[0] if len(current.orelse) == 1 else None
    return False


def _mentions_version(node: Any) -> bool:
    """``keras.__version__``, ``tf_version``, ``hasattr(...)`` in a test expression. Only the
    expression kinds tests are made of are visited."""
    if isinstance(node, ast.Name):
        return "version" in node.id.lower()
    if isinstance(node, ast.Attribute):
        return "version" in node.attr.lower() or _mentions_version(node.value)
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == "hasattr":
            return True
        return (
            _mentions_version(node.func)
            or any(
                _mentions_version(a.value if isinstance(a, ast.Starred) else a) for a in node.args
            )
            or any(_mentions_version(k.value) for k in node.keywords)
        )
    if isinstance(node, ast.Compare):
        return _mentions_version(node.left) or any(_mentions_version(c) for c in node.comparators)
    if isinstance(node, ast.BoolOp):
        return any(_mentions_version(v) for v in node.values)
    if isinstance(node, ast.UnaryOp):
        return _mentions_version(node.operand)
    if isinstance(node, ast.Subscript):
        return _mentions_version(node.value)
    return False


def _settled(model: ModelIR) -> bool:
    """The model's layers are what they will be: it was compiled or trained (certainly)
    before this point. Code that receives it now looks at it rather than changes it."""
    return _trained(model) or any(c.method == "compile" and not c.uncertain for c in model.calls)


def _trained(model: ModelIR) -> bool:
    """The model has been trained (a certain ``fit``-like call) before this point."""
    return any(
        c.method in ("fit", "fit_generator", "train_on_batch") and not c.uncertain
        for c in model.calls
    )


# Dispatch tables: one dictionary lookup per node instead of a chain of isinstance tests.
_STMT_HANDLERS: dict[type[ast.AST], Any] = {
    ast.Expr: Interpreter.exec_Expr,
    ast.Assign: Interpreter.exec_Assign,
    ast.AnnAssign: Interpreter.exec_AnnAssign,
    ast.AugAssign: Interpreter.exec_AugAssign,
    ast.Import: Interpreter.exec_Import,
    ast.ImportFrom: Interpreter.exec_ImportFrom,
    ast.Return: Interpreter.exec_Return,
    ast.Break: Interpreter.exec_Break,
    ast.Continue: Interpreter.exec_Continue,
    ast.Global: Interpreter.exec_Global,
    ast.Delete: Interpreter.exec_Delete,
    ast.If: Interpreter.exec_If,
    ast.For: Interpreter.exec_For,
    ast.AsyncFor: Interpreter.exec_For,
    ast.While: Interpreter.exec_While,
    ast.Try: Interpreter.exec_Try,
    ast.With: Interpreter.exec_With,
    ast.AsyncWith: Interpreter.exec_With,
    ast.FunctionDef: Interpreter.exec_FunctionDef,
    ast.AsyncFunctionDef: Interpreter.exec_FunctionDef,
    ast.ClassDef: Interpreter.exec_ClassDef,
    ast.Match: Interpreter.exec_Match,
}
if hasattr(ast, "TryStar"):  # Python 3.11+
    _STMT_HANDLERS[ast.TryStar] = Interpreter.exec_Try

_EXPR_HANDLERS: dict[type[ast.AST], Any] = {
    getattr(ast, name[3:]): getattr(Interpreter, name)
    for name in dir(Interpreter)
    if name.startswith("ev_")
}


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _stored_names(node: ast.AST) -> set[str]:
    """The names a statement may bind (assignments, loop targets, imports, definitions),
    including those of nested functions (harmless: they become unknown too)."""
    found: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            found.add(sub.id)
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(sub.name)
        elif isinstance(sub, ast.alias):
            found.add((sub.asname or sub.name).split(".", 1)[0])
    return found


def _read_names(node: ast.AST) -> frozenset[str]:
    return frozenset(
        sub.id
        for sub in ast.walk(node)
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load)
    )


#: what a loop that only reads these may compute is nothing the rules look at
_PLAIN = (bool, int, float, str, bytes, type(None), Builtin)
_FOLLOWED_MODULES = ("keras", "tensorflow", "tf_keras", "numpy")


def _interesting(value: Any, depth: int = 0) -> bool:
    if value is UNKNOWN or isinstance(value, _PLAIN):
        return False
    if isinstance(value, Ref):
        return value.qualname.split(".", 1)[0] in _FOLLOWED_MODULES
    if isinstance(value, tuple):
        return depth < 2 and any(_interesting(v, depth + 1) for v in value[:32])
    return True  # models, layers, lists, arrays, functions and classes of the file


def _bounded(value: Any) -> Any:
    """``value``, or UNKNOWN when it is too big to follow (see :data:`MAX_ITEMS`)."""
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        return UNKNOWN
    if isinstance(value, (str, tuple)) and len(value) > MAX_ITEMS:
        return UNKNOWN
    if isinstance(value, ListVal) and len(value.items) > MAX_ITEMS:
        return UNKNOWN
    return value


def _small_operands(op: str, left: Any, right: Any) -> bool:
    """Whether ``left op right`` stays within the value bounds (checked before computing
    it: ``x * x`` repeated would take minutes and gigabytes)."""
    if op == "*":
        if isinstance(left, int) and isinstance(right, int):
            return left.bit_length() + right.bit_length() <= MAX_INT_BITS
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, tuple)) and isinstance(count, int):
                return len(seq) * max(count, 0) <= MAX_ITEMS
    if op == "**" and isinstance(left, int) and isinstance(right, int):
        return left.bit_length() * abs(right) <= MAX_INT_BITS
    if op == "+" and isinstance(left, (str, tuple)) and isinstance(right, (str, tuple)):
        return len(left) + len(right) <= MAX_ITEMS
    return True
