"""Assignment statements: binding names, unpacking, attributes and items (mixed into
:class:`~seqlint.extract.interp.Interpreter`)."""

from __future__ import annotations

import ast
import itertools
from typing import TYPE_CHECKING, Any

from seqlint.extract.flow import full_name
from seqlint.extract.limits import MAX_ITEMS
from seqlint.extract.ops import BINOPS, binop, is_hashable_const, iterate
from seqlint.extract.scope import KERAS_SELF, Scope
from seqlint.extract.values import ClassVal, DictVal, Instance, ListVal, Maybe, PandasFrame
from seqlint.ir import ArrayInfo, Call, LayerCall, ModelIR
from seqlint.layers.base import UNKNOWN

if TYPE_CHECKING:
    from seqlint.extract.ops import Written
    from seqlint.ir import Loc


class Assignments:
    """The assignment statements of the interpreter."""

    if TYPE_CHECKING:  # (provided by the interpreter)
        taint: int
        written: Written
        assigned_attrs: set[str]
        _binding: itertools.count[int]

        def ev(self, node: ast.expr | None, scope: Scope) -> Any: ...
        def loc(self, node: ast.AST) -> Loc: ...

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
        op = BINOPS.get(type(node.op))
        result = binop(op, current, value, self.taint, self.written) if op else UNKNOWN
        if isinstance(current, ListVal) and op == "+":
            items = iterate(value)
            if items is not None and len(current.items) + len(items) > MAX_ITEMS:
                items = None
            if items is None or self.taint > current.level:
                current.items.append(Maybe(UNKNOWN))
            else:
                current.items.extend(items)
            result = current
        self.assign(node.target, result, scope)

    def exec_Delete(self, node: ast.Delete, scope: Scope) -> None:
        for target in node.targets:
            self.delete(target, scope)

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
            elif isinstance(base, PandasFrame):
                base.columns = None

    def assign(self, target: ast.expr, value: Any, scope: Scope) -> None:
        """Bind ``value`` to an assignment target (unpacking a known sequence item by item;
        what cannot be unpacked binds UNKNOWN)."""
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
            items = iterate(value)
            starred = any(isinstance(e, ast.Starred) for e in elements)
            if items is not None and not starred and len(items) == len(elements):
                for el, item in zip(elements, items, strict=True):
                    self.assign(el, item, scope)
            else:
                for el in elements:
                    self.assign(el, UNKNOWN, scope)
        elif isinstance(target, ast.Attribute):
            self.assign_attribute(target, value, scope)
        elif isinstance(target, ast.Subscript):
            self.assign_item(target, value, scope)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, UNKNOWN, scope)

    def assign_attribute(self, target: ast.Attribute, value: Any, scope: Scope) -> None:
        """``obj.attr = value``: kept under the dotted name, and on the object when it is one
        of the file's (an instance, a class); ``layer.trainable = False`` is recorded on the
        layer or model."""
        key = full_name(target)
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

    def assign_item(self, target: ast.Subscript, value: Any, scope: Scope) -> None:
        """``obj[key] = value``: a dict learns a constant key; a list's items and an array's
        value range are no longer known."""
        base = self.ev(target.value, scope)
        if isinstance(base, DictVal):
            if not isinstance(target.slice, (ast.Slice, ast.Tuple)):
                key = self.ev(target.slice, scope)
                if is_hashable_const(key):
                    base.items[key] = UNKNOWN if self.taint else value
                    return
            base.forget()  # a key not known: the dict may hold any number of keys now
        elif isinstance(base, ListVal):
            base.items[:] = [UNKNOWN] * len(base.items)
            if isinstance(target.slice, ast.Slice):  # ``a[i:j] = ...`` may change its length
                base.items.append(Maybe(UNKNOWN))
        elif isinstance(base, PandasFrame):  # ``df["new"] = ...`` may add a column
            base.columns = None
        elif isinstance(base, ArrayInfo):  # x[i] = ...: values no longer in the known range
            base.low = base.high = None
