"""A small abstract interpreter over CPython's ``ast`` that finds Sequential models without
running code.

It walks a module in source order, keeping an environment of abstract values: constants,
references to imported names, layer calls, models, arrays. Functions are interpreted when called
(with the values passed) and, if never called, once with their parameters unknown. Nothing of
the user's code is imported or executed.

The core is here: scopes, statements, expressions, step budgets, calls. The rest sits beside it:

- :mod:`.flow` branches and loops (unknown tests run every branch, long loops are widened);
- :mod:`.assign` assignment targets; :mod:`.definitions` ``def``/``class`` and argument binding;
- :mod:`.ops` operators on abstract values; :mod:`.scope` scopes, frames, control signals;
- :mod:`.registry` + :mod:`.handlers`: what calling a name from outside the file does
  (``keras.Sequential``, ``keras.Sequential.add``, ``numpy.random.randint``...), one handler per
  qualified name, bound to the callee's real signature.
"""

from __future__ import annotations

import ast
import itertools
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from seqlint.extract import data, definitions, handlers, registry
from seqlint.extract.assign import Assignments
from seqlint.extract.data import Batches
from seqlint.extract.flow import Flow, full_name, stored_names
from seqlint.extract.handlers import pandas_data
from seqlint.extract.handlers.keras_model import settled
from seqlint.extract.limits import (
    LOOP_STEPS,
    MAX_DEPTH,
    MAX_FILE_STEPS,
    MAX_ITEMS,
    MAX_MODEL_SNAPSHOT,
    MAX_RECURSION,
    MAX_STATEMENT_STEPS,
    MAX_UNROLL,
    QUIET_LOOP_STEPS,
    SMALL_STEPS,
)
from seqlint.extract.names import canonical, classify, guess_keras_name
from seqlint.extract.ops import (
    BINOPS,
    MISSING,
    ORDERING,
    PY_OPS,
    Written,
    binop,
    bounded,
    compare,
    is_hashable_const,
    iterate,
    same_const,
    subscript,
    truth,
)
from seqlint.extract.positions import Locator
from seqlint.extract.registry import NOT_HANDLED, Site
from seqlint.extract.scope import KERAS_SELF, Break, Budget, Continue, Frame, Return, Scope
from seqlint.extract.values import (
    BoundMethod,
    Builtin,
    ClassVal,
    DictVal,
    Estimator,
    FuncVal,
    Instance,
    LambdaVal,
    ListVal,
    PandasFrame,
    PartialVal,
    Ref,
)
from seqlint.ir import (
    ArrayInfo,
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

_PY_OPS = PY_OPS  # (the same table: tests patch it here)
__all__ = [  # the bounds, as tests and benchmarks read them here
    "LOOP_STEPS",
    "MAX_FILE_STEPS",
    "MAX_STATEMENT_STEPS",
    "QUIET_LOOP_STEPS",
    "Interpreter",
]


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
assert handlers  # (imported for its registrations)


class Interpreter(Assignments, Flow):
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
        self.written = Written(self.loc)  # where list items were written
        self.yields: list[list[Any]] = []  # what each generator being run yielded
        self.generators: dict[int, bool] = {}  # id(a def of this module) -> has a yield

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
        # A function defined inside one of them (``def build_model(hp)`` in a test, handed
        # to a tuner) joins the list when its definition runs, and is run in turn, once per
        # ``def`` (a definition run many times makes many function values of one code).
        # Those the file's functions call (a builder ``main`` calls with the real input
        # shape) wait until the others have run: they are run on their own, defaults and
        # all, only when no caller reached them.
        done = {id(fn.node) for fn in self.functions if fn.called}
        outer = len(self.functions)
        called_names: frozenset[str] | None = None  # walked only if a function was uncalled
        for deferred in (False, True):
            index = 0
            while index < len(self.functions):
                fn = self.functions[index]
                index += 1
                if fn.called or (index > outer and id(fn.node) in done):
                    continue
                if not deferred:
                    if called_names is None:
                        # (a function that ran already called what it calls: only the
                        # bodies of those that did not can hold a caller still to come)
                        idle = [f.node for f in self.functions[:outer] if not f.called]
                        called_names = _called_names(idle)
                    if getattr(fn.node, "name", None) in called_names:
                        continue
                done.add(id(fn.node))
                if not self.isolated(fn.node, lambda fn=fn: self.run_uncalled(fn), binds=False):
                    self.release()
                    return self.file
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
        self.written.clear()

    def run_uncalled(self, fn: FuncVal) -> None:
        if fn.called:
            return
        if fn.owner is None or definitions.decorated(fn.node):
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
        # what each model holds, to tell the ones a cut-short statement touched; past a
        # thousand models (generated files) every model counts as touched instead, so that
        # this stays linear in the file's statements
        models = self.file.models
        before = (
            {m.uid: (len(m.entries), len(m.calls)) for m in models}
            if len(models) <= MAX_MODEL_SNAPSHOT
            else None
        )
        saved = (self.taint, self.guard, self.depth, self.frame)
        try:
            step()
            return True
        except (Return, Break, Continue):
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
            if before is None or before.get(m.uid) != (len(m.entries), len(m.calls)):
                m.uncertain = touched = True
        if binds:  # (a function run because nobody calls it binds nothing outside it)
            for name in stored_names(node):
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
        if init is not None and not init.called and not definitions.decorated(init.node):
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

    def exec_Return(self, node: ast.Return, scope: Scope) -> None:
        value = self.ev(node.value, scope) if node.value is not None else None
        if self.taint > self.frame.taint:
            self.frame.uncertain_return = True
        raise Return(value)

    def exec_Break(self, node: ast.Break, scope: Scope) -> None:
        raise Break

    def exec_Continue(self, node: ast.Continue, scope: Scope) -> None:
        raise Continue

    def exec_Global(self, node: ast.Global, scope: Scope) -> None:
        scope.globals.update(node.names)

    def exec_With(self, node: ast.With | ast.AsyncWith, scope: Scope) -> None:
        for item in node.items:
            self.ev(item.context_expr, scope)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, UNKNOWN, scope)
        self.exec_block(node.body, scope)

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
            if name in _KERAS_MODULE_NAMES and not (
                isinstance(value, Ref)
                and value.qualname.split(".", 1)[0] in ("keras", "tensorflow")
            ):
                # a package's compatibility shim (``from keras_tuner.backend import keras``,
                # ``from tensorflow_model_optimization.python.core.keras.compat import keras``,
                # ``from .compat import tf_keras``): a module named keras is Keras. One named
                # tf_keras is Keras 2, as ``import tf_keras`` is; the version of one named
                # keras is not known (the import is recorded under its own path)
                value = Ref("keras")
                shim = "tf_keras" if name == "tf_keras" or not raw else f"{raw}.{name}"
                self.file.imports.append(
                    ImportInfo("keras", (), self.loc(node), raw=shim, guarded=self.guarded)
                )
            scope.assign(alias.asname or name, value)
        if module:
            self.file.imports.append(
                ImportInfo(module, tuple(names), self.loc(node), raw=raw, guarded=self.guarded)
            )

    def exec_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> None:
        self.define_function(node, scope)

    def define_function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope, method: bool = False
    ) -> FuncVal:
        fn = definitions.function(node, scope, method, self.ev)
        self.functions.append(fn)
        if not method:
            scope.assign(node.name, fn)
        return fn

    def exec_ClassDef(self, node: ast.ClassDef, scope: Scope) -> None:
        scope.assign(node.name, definitions.klass(node, scope, self.ev, self.define_function))

    # ---- expressions -----------------------------------------------------------------------

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
        key = full_name(node) if node.attr in self.assigned_attrs else None
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
        if isinstance(base, PandasFrame):
            value = pandas_data.attribute(base, attr)
            return BoundMethod(base, attr) if value is data.NOT_HANDLED else value
        if isinstance(base, Estimator):
            # (its fitted attributes, ``classes_``, ``mean_``, are data: unknown)
            return BoundMethod(base, attr) if attr in _ESTIMATOR_METHODS else UNKNOWN
        if base is UNKNOWN and attr == "reshape":
            # ``x.reshape(2647, 100, 100, 3)`` of an unknown array (or tensor): see call_method
            return BoundMethod(base, attr)
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
                spread = iterate(spread_value)
                if spread is None:
                    ok = False
                    continue
                self.written.spreads[id(el)] = (len(spread), self.written.locs(spread_value))
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
        self.written.note(value, [loc for _, loc in items])
        return value

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
                if is_hashable_const(key):
                    out[key] = value
            else:
                spread = self.ev(value_node, scope)
                if isinstance(spread, DictVal) and spread.complete:
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
        items = iterate(self.ev(c.iter, inner))
        if items is None or len(items) > MAX_UNROLL:
            return False
        for item in items:
            self.assign(c.target, item, inner)
            conds = [truth(self.ev(test, inner)) for test in c.ifs]
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
        return subscript(base, idx, self.taint)

    def ev_BinOp(self, node: ast.BinOp, scope: Scope) -> Any:
        left = self.ev(node.left, scope)
        right = self.ev(node.right, scope)
        return bounded(binop(BINOPS.get(type(node.op)), left, right, self.taint, self.written))

    def ev_UnaryOp(self, node: ast.UnaryOp, scope: Scope) -> Any:
        value = self.ev(node.operand, scope)
        op = node.op
        if isinstance(op, ast.Not):
            known = truth(value)
            return UNKNOWN if known is None else not known
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
            known = truth(value)
            if known is None:
                for later in rest[i:]:
                    self.ev(later, scope)
                return UNKNOWN
            if known is not is_and:  # ``and`` stops at a false value, ``or`` at a true one
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
                if len(node.ops) == 1 and op in ORDERING:
                    return data.compare(left, right)
                return UNKNOWN
            outcome = compare(op, left, right)
            if outcome is UNKNOWN:
                result = UNKNOWN
            elif outcome is False and result is not UNKNOWN:
                result = False
            left = right
        return result

    def ev_IfExp(self, node: ast.IfExp, scope: Scope) -> Any:
        test = truth(self.ev(node.test, scope))
        if test is True:
            return self.ev(node.body, scope)
        if test is False:
            return self.ev(node.orelse, scope)
        a, b = self.ev(node.body, scope), self.ev(node.orelse, scope)
        return a if a is b or same_const(a, b) else UNKNOWN

    def ev_Lambda(self, node: ast.Lambda, scope: Scope) -> Any:
        # the body is not run, but ``ds.map(lambda x, y: (model(x), y))`` builds ``model``
        params = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
        for call in ast.walk(node.body):
            named = isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            if named and call.func.id not in params:  # type: ignore[attr-defined]
                callee = scope.lookup(call.func.id)  # type: ignore[attr-defined]
                if isinstance(callee, ModelIR):
                    callee.called_functionally = True
        return LambdaVal(node, scope)  # (Lambda layers whose shape an elementwise body keeps)

    def ev_Yield(self, node: ast.Yield, scope: Scope) -> Any:
        """What a generator yields is what it feeds ``fit`` (see :meth:`call_function`)."""
        value = self.ev(node.value, scope)
        if self.yields:
            self.yields[-1].append(value)
        return UNKNOWN  # (what the caller sends in)

    def ev_YieldFrom(self, node: ast.YieldFrom, scope: Scope) -> Any:
        self.ev(node.value, scope)
        if self.yields:
            self.yields[-1].append(UNKNOWN)
        return UNKNOWN

    def apply(self, func: Any, args: tuple[Any, ...]) -> Any:
        """Call a function or lambda of the file with ``args`` on behalf of a handler
        (``ds.map(f)``); a lambda's body is evaluated with its parameters bound."""
        if isinstance(func, FuncVal):
            return self.call_function(func, args, {})
        if isinstance(func, LambdaVal) and isinstance(func.scope, Scope):
            params = func.node.args
            plain = [*params.posonlyargs, *params.args]
            if len(plain) != len(args) or params.vararg or params.kwonlyargs or params.kwarg:
                return UNKNOWN
            local = Scope(parent=func.scope, module=func.scope.module)
            for param, value in zip(plain, args, strict=True):
                local.vars[param.arg] = value
            return self.ev(func.node.body, local)
        return UNKNOWN

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
                items = iterate(self.ev(arg.value, scope))
                if items is None:
                    opaque = True
                else:
                    args.extend(items)
            else:
                args.append(self.ev(arg, scope))
        for kw in call.keywords:
            value = self.ev(kw.value, scope)
            if kw.arg is None:  # **kwargs
                if (
                    isinstance(value, DictVal)
                    and value.complete
                    and all(isinstance(k, str) for k in value.items)
                ):
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
            return self.instantiate(func, args, kwargs, opaque, node)
        if isinstance(func, Builtin):
            handler = registry.REGISTRY.get(f"builtins.{func.name}")
            if handler is None:
                return UNKNOWN
            return handler(Site(self, handler.name, args, kwargs, opaque, node, scope))
        if isinstance(func, (LayerCall, ModelIR)):
            if isinstance(func, ModelIR):
                func.called_functionally = True
            return TensorCall(func, self.loc(node))
        # An unknown callable handed a model may change its layers, unless the model is
        # compiled already: code that receives a compiled model looks at it (prints,
        # plots, analyses it), it does not add layers Keras would then ignore until a new
        # compile.
        for value in (*args, *kwargs.values()):
            if isinstance(value, ModelIR) and not settled(value):
                value.uncertain = True
        return UNKNOWN

    def instantiate(
        self,
        cls: ClassVal,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        opaque: bool,
        node: ast.Call,
    ) -> Any:
        """Call a class of the file: a custom layer is a layer call; a Model subclass runs its
        ``__init__`` (Sequentials it builds are sub-models); a plain class gives an instance
        its ``__init__`` ran on."""
        init = cls.methods.get("__init__")
        if cls.kind == "layer":
            return LayerCall(cls.name, args, kwargs, self.loc(node), opaque=opaque, custom=True)
        if cls.kind == "model":
            if init is not None:
                self.call_function(init, (KERAS_SELF, *args), kwargs, opaque=opaque)
            return UNKNOWN
        instance = Instance(cls, level=self.taint)
        cls.instances.append(instance)
        if init is not None:
            self.call_function(init, (instance, *args), kwargs, opaque=opaque)
        return instance

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
        drop = fn.is_method and uncalled and bound_taint is None
        local = definitions.bind(fn, () if drop else args, kwargs, opaque, uncalled)
        saved_frame, saved_taint = self.frame, self.taint
        self.depth += 1
        self.active[id(fn)] = self.active.get(id(fn), 0) + 1
        if uncalled:
            self.taint = 0 if bound_taint is None else bound_taint
        self.frame = Frame(self.taint)
        generator = self.generators.get(id(node))
        if generator is None:
            generator = self.generators[id(node)] = (
                "yield" in self.locator.text and definitions.is_generator(node)
            )
        if generator:
            self.yields.append([])
        try:
            self.exec_block(node.body, local)
            result: Any = None
        except Return as ret:
            result = ret.value
        except (Break, Continue):
            result = UNKNOWN
        finally:
            self.depth -= 1
            self.active[id(fn)] -= 1
            uncertain = self.frame.uncertain_return
            self.frame, self.taint = saved_frame, saved_taint
            yielded = self.yields.pop() if generator else []
        if generator:  # a generator object: batches of what it yields
            return data.generator_batches(yielded)
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
        """Call a name from outside the file: a Keras constructor's handler sees every call;
        other Keras calls are recorded for the rules about the path they are reached by; a
        handler bound to the callee's signature gives its value; an unknown helper handed a
        model may change it."""
        q = func.qualname
        handler = registry.lookup(q)
        site = Site(self, q, args, kwargs, opaque, node, scope)
        if handler is not None and handler.raw:
            value = handler(site)
            if value is not NOT_HANDLED:
                return value
        if q.startswith("keras."):
            # (``keras.utils.np_utils.to_categorical(...)``: kept for rules about the path)
            self.file.keras_calls.append(
                ObjectCall(q, args, kwargs, site.loc, opaque=opaque, guarded=self.guard > 0)
            )
        if handler is not None and not handler.raw:
            value = handler(site)
            if value is NOT_HANDLED:
                return UNKNOWN
            if isinstance(value, ArrayInfo):
                value.loc = site.loc
            return value
        if not q.startswith(_HARMLESS_PREFIXES):
            for value in (*args, *kwargs.values()):
                # a compiled model handed to a helper (plotting, saving, reporting) was
                # built as seen; before compile, the helper may change it
                if isinstance(value, ModelIR) and not settled(value):
                    value.uncertain = True
        return UNKNOWN

    def call_method(
        self,
        method: BoundMethod,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        opaque: bool,
        node: ast.Call,
        scope: Scope,
    ) -> Any:
        """Call a method of a value: a method of a class of the file is interpreted; the
        methods of models, layers, arrays and containers are handled by their qualified
        names (``keras.Sequential.add``, ``numpy.ndarray.reshape``, ``builtins.list.append``)."""
        obj, name = method.obj, method.name
        if isinstance(obj, Instance):
            fn = obj.cls.methods.get(name)
            if fn is None:
                return UNKNOWN
            return self.call_function(fn, (obj, *args), kwargs, opaque=opaque)
        if obj is UNKNOWN:
            # an unknown value's ``.reshape`` with literal dims (one may be -1): whatever
            # array or tensor it is, the result has that shape
            dims = () if kwargs or opaque else data.shape_of(args[0] if len(args) == 1 else args)
            if not dims or any(d is None or d < -1 for d in dims) or dims.count(-1) > 1:
                return UNKNOWN
            return ArrayInfo(shape=tuple(None if d == -1 else d for d in dims))
        receiver = _receiver(obj)
        if receiver is None:
            return UNKNOWN
        site = Site(self, receiver, args, kwargs, opaque, node, scope)
        return registry.method(receiver, obj, name, site)


def _called_names(functions: Sequence[ast.AST]) -> frozenset[str]:
    """The names the bodies of ``functions`` call (``build(...)``, ``self.build(...)``)."""
    names: set[str] = set()
    seen: set[int] = set()
    for function in functions:
        if id(function) in seen:
            continue
        for sub in ast.walk(function):
            if isinstance(sub, ast.Call):
                func = sub.func
                if isinstance(func, ast.Name):
                    names.add(func.id)
                elif isinstance(func, ast.Attribute):
                    names.add(func.attr)
            elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                seen.add(id(sub))  # (a nested definition is walked once, with its parent)
    return frozenset(names)


# what a module re-exporting Keras calls it
_KERAS_MODULE_NAMES = frozenset({"keras", "tf_keras"})
_ESTIMATOR_METHODS = frozenset({"fit", "fit_transform", "transform", "inverse_transform"})
_RECEIVERS: dict[type, str] = {
    ModelIR: "keras.Sequential",
    LayerCall: "keras.layers.Layer",
    ArrayInfo: "numpy.ndarray",
    PandasFrame: "pandas.DataFrame",
    ListVal: "builtins.list",
    DictVal: "builtins.dict",
    str: "builtins.str",
}
# a batch source by where it comes from
_BATCHES = {
    "ImageDataGenerator": "keras.preprocessing.image.ImageDataGenerator",
    "generator": "keras.preprocessing.image.Iterator",
    "tf.data": "tensorflow.data.Dataset",
}


def _receiver(obj: Any) -> str | None:
    if isinstance(obj, Batches):
        return _BATCHES.get(obj.source)
    if isinstance(obj, Estimator):
        return obj.receiver
    return _RECEIVERS.get(type(obj))


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
