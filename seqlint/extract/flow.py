"""Branches and loops: how the interpreter follows code whose path it cannot decide.

An ``if`` whose test is unknown runs every branch and joins what they bind (a name bound
alike in all keeps its value, others become unknown); what a branch adds to a model is marked
uncertain and labelled with its condition. A loop over known items runs concretely up to a
step cap, then is *widened*: its body is followed once more with the loop variable unknown.
A loop whose body cannot touch a model, a layer, data, or a function of the file is not
followed at all. ``try`` bodies run; their handlers run sandboxed (models they build are
found, nothing they bind survives).
"""

from __future__ import annotations

import ast
import contextlib
import functools
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from seqlint.extract.limits import LOOP_STEPS, MAX_UNROLL, QUIET_LOOP_STEPS
from seqlint.extract.ops import MISSING, iterate, same_const, truth
from seqlint.extract.scope import Break, Continue, Frame, Return, Scope
from seqlint.extract.values import Builtin, Ref
from seqlint.ir import Incomplete
from seqlint.layers.base import UNKNOWN

if TYPE_CHECKING:
    from typing import TypeAlias

    from seqlint.extract.positions import Locator
    from seqlint.ir import FileIR

    if sys.version_info >= (3, 11):
        _AnyTry: TypeAlias = ast.Try | ast.TryStar  # ``except*`` is 3.11+
    else:
        _AnyTry: TypeAlias = ast.Try


class Flow:
    """The control-flow statements of :class:`~seqlint.extract.interp.Interpreter`."""

    if TYPE_CHECKING:  # (provided by the interpreter)
        module: ast.Module
        file: FileIR
        locator: Locator
        taint: int
        guard: int
        steps: int
        frame: Frame
        branches: list[tuple[str, ast.If]]
        read_names: dict[int, frozenset[str]]
        star_modules: list[str]

        def exec_block(self, stmts: Sequence[ast.stmt], scope: Scope) -> None: ...
        def exec_stmt(self, stmt: ast.stmt, scope: Scope) -> None: ...
        def ev(self, node: ast.expr | None, scope: Scope) -> Any: ...
        def assign(self, target: ast.expr, value: Any, scope: Scope) -> None: ...

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

    def exec_While(self, node: ast.While, scope: Scope) -> None:
        self.exec_uncertain([node.body], scope, loop=True)
        if node.orelse:
            self.exec_uncertain([node.orelse], scope)

    def exec_Match(self, node: ast.Match, scope: Scope) -> None:
        self.exec_uncertain([case.body for case in node.cases], scope)

    def exec_If(self, node: ast.If, scope: Scope) -> None:
        test = truth(self.ev(node.test, scope))
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
                except (Break, Continue, Return) as signal:
                    if isinstance(signal, Return):
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
                v is first or same_const(v, first) or (isinstance(v, Ref) and v == first)
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
                with contextlib.suppress(Break, Continue, Return):
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
        items = iterate(iterable)
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
            except Continue:
                continue
            except Break:
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
            for name in stored_names(node):
                scope.assign(name, UNKNOWN)
            return
        before = dict(scope.vars)
        sizes = {m.uid: len(m.entries) for m in self.file.models} if followed else {}
        self.taint += 1
        try:
            self.assign(node.target, UNKNOWN, scope)
            try:
                self.exec_block(node.body, scope)
            except (Break, Continue):
                pass
            except Return:
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
        except (Break, Continue, Return):
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
            name = full_name(t) or ""
            if name.rsplit(".", 1)[-1] not in _UNRELATED_EXCEPTIONS:
                return True
    return False


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


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def stored_names(node: ast.AST) -> set[str]:
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


def full_name(node: ast.AST) -> str | None:
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
