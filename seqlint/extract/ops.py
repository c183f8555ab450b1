"""Python's operators on abstract values: what ``a + b``, ``a[i]``, ``bool(a)`` and ``for x in
a`` give when the operands are known, UNKNOWN otherwise. Values stay within the bounds of
:mod:`.limits` (``x * x`` repeated must not take minutes and gigabytes)."""

from __future__ import annotations

import ast
from typing import Any

from seqlint.extract import data
from seqlint.extract.limits import MAX_INT_BITS, MAX_ITEMS, MAX_UNROLL
from seqlint.extract.values import DictVal, ListVal, Maybe, PandasFrame, PandasIndexer, Ref
from seqlint.ir import ArrayInfo, Loc
from seqlint.layers.base import UNKNOWN

#: a name not bound in any scope (distinct from UNKNOWN, a value nothing is known about)
MISSING: Any = object()


class Written:
    """Where the items of lists built by a display were written (a layer listed twice by a
    helper is reported at its second place), and how many items each ``*x`` spread."""

    __slots__ = ("lists", "spreads", "locate")

    def __init__(self, locate: Any) -> None:
        self.locate = locate  # ast node -> Loc
        # id(a list) -> (the list, its items' ids then, where each item was written)
        self.lists: dict[int, tuple[ListVal, tuple[int, ...], list[Loc | ast.expr]]] = {}
        # id(a ``*x`` element node) -> (how many items it spread the last time it was
        # evaluated, where they were written when known)
        self.spreads: dict[int, tuple[int, list[Loc] | None]] = {}

    def note(self, value: ListVal, locs: list[Loc | ast.expr]) -> None:
        """Remember where each item of a list display was written (nodes are located only
        when asked: most lists are data)."""
        self.lists[id(value)] = (value, tuple(map(id, value.items)), locs)

    def nodes(self, value: Any) -> list[Loc | ast.expr] | None:
        """Where the items of a list display are written, while its items are still those;
        None once it changed, or for other values."""
        found = self.lists.get(id(value)) if isinstance(value, ListVal) else None
        if found is None or found[0] is not value or found[1] != tuple(map(id, value.items)):
            return None
        return found[2]

    def locs(self, value: Any) -> list[Loc] | None:
        """Like :meth:`nodes`, located."""
        locs = self.nodes(value)
        if locs is not None and not all(isinstance(x, Loc) for x in locs):
            locs[:] = [x if isinstance(x, Loc) else self.locate(x) for x in locs]
        return locs  # type: ignore[return-value]

    def clear(self) -> None:
        self.lists.clear()
        self.spreads.clear()


def truth(value: Any) -> bool | None:
    """``bool(value)`` when known."""
    if value is UNKNOWN or value is MISSING:
        return None
    if isinstance(value, (bool, int, float, str, tuple, type(None))):
        return bool(value)
    if isinstance(value, ListVal):
        return bool(value.items)
    return None


def iterate(value: Any) -> list[Any] | None:
    """The items ``for x in value`` goes through, when known."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, ListVal):
        if any(isinstance(i, Maybe) for i in value.items):
            return None
        return list(value.items)
    if isinstance(value, str):
        return list(value)
    if isinstance(value, DictVal):
        return list(value.items) if value.complete else None
    return None


def _newaxis(index: Any) -> Any:
    return None if isinstance(index, Ref) and index.qualname == "numpy.newaxis" else index


def subscript(base: Any, idx: Any, level: int) -> Any:
    """``base[idx]``; a slice of a list is a new list made at taint ``level``."""
    if isinstance(base, ArrayInfo):
        idx = tuple(map(_newaxis, idx)) if isinstance(idx, tuple) else _newaxis(idx)
        return data.subscript(base, idx)
    if isinstance(base, (PandasFrame, PandasIndexer)):
        from seqlint.extract.handlers import pandas_data

        return pandas_data.subscript(base, idx)
    if isinstance(base, ListVal):
        if any(isinstance(i, Maybe) for i in base.items):
            return UNKNOWN
        part = _item(base.items, idx)
        return ListVal(list(part), level=level) if isinstance(part, list) else part
    if isinstance(base, tuple):
        part = _item(list(base), idx)
        return tuple(part) if isinstance(part, list) else part
    if isinstance(base, DictVal) and is_hashable_const(idx):
        return base.items.get(idx, UNKNOWN)
    if isinstance(base, str) and isinstance(idx, (int, slice)):
        try:
            return base[idx]
        except (IndexError, TypeError, ValueError):
            return UNKNOWN
    return UNKNOWN


def _item(seq: list[Any], idx: Any) -> Any:
    """An item of a known sequence, or (a slice) a list of them."""
    if isinstance(idx, int) and not isinstance(idx, bool):
        return seq[idx] if -len(seq) <= idx < len(seq) else UNKNOWN
    if isinstance(idx, slice):
        try:
            return seq[idx]
        except (TypeError, ValueError):
            return UNKNOWN
    return UNKNOWN


def binop(op: str | None, left: Any, right: Any, level: int, written: Written) -> Any:
    """``left op right``; lists joined or repeated are new lists made at taint ``level``."""
    if op is None or left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if isinstance(left, ArrayInfo) or isinstance(right, ArrayInfo):
        if isinstance(left, (ArrayInfo, int, float)) and isinstance(right, (ArrayInfo, int, float)):
            return data.binop(op, left, right)
        return UNKNOWN
    if isinstance(left, ListVal):
        return _list_op(op, left, right, level, written)
    return _const_op(op, left, right)


def _list_op(op: str, left: ListVal, right: Any, level: int, written: Written) -> Any:
    if isinstance(right, ListVal) and op == "+":
        if len(left.items) + len(right.items) > MAX_ITEMS:
            return UNKNOWN
        joined = ListVal(left.items + right.items, level=level)
        lo, ro = written.nodes(left), written.nodes(right)
        if lo is not None and ro is not None:
            written.note(joined, [*lo, *ro])
        return joined
    if (
        isinstance(right, int)
        and op == "*"
        and 0 <= right <= MAX_UNROLL
        and len(left.items) * right <= MAX_ITEMS
    ):
        return ListVal(left.items * right, level=level)
    return UNKNOWN


def _const_op(op: str, left: Any, right: Any) -> Any:
    """Arithmetic on constants, within the value bounds."""
    if not (is_const(left) and is_const(right)):
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
        return PY_OPS[op](left, right)
    except MemoryError:
        raise  # out of memory: the whole analysis is void (see seqlint.parallel)
    except Exception:  # noqa: BLE001 - user arithmetic may fail any way; it is then unknown
        return UNKNOWN


def is_const(v: Any) -> bool:
    if isinstance(v, (int, float, str, bool, type(None))):
        return True
    if isinstance(v, tuple):
        return all(is_const(i) or i is UNKNOWN for i in v)
    return False


def is_hashable_const(v: Any) -> bool:
    return isinstance(v, (int, float, str, bool, type(None))) or (
        isinstance(v, tuple) and all(is_const(i) for i in v)
    )


def same_const(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return a is b
    if is_const(a) and is_const(b) and type(a) is type(b):
        try:
            return bool(a == b)
        except Exception:  # noqa: BLE001
            return False
    return False


def compare(op: str, left: Any, right: Any) -> Any:
    """``left op right`` for a comparison operator named as ``ast`` does (``"Lt"``)."""
    if op in ("Is", "IsNot"):
        if left is None or right is None:
            if left is UNKNOWN or right is UNKNOWN:
                return UNKNOWN
            same = left is right
            return same if op == "Is" else not same
        return UNKNOWN
    if not (is_const(left) and is_const(right)):
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


ORDERING = frozenset({"Lt", "Gt", "LtE", "GtE", "Eq", "NotEq"})


BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.MatMult: "@",
}


PY_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
    "**": lambda a, b: a**b,
}


def bounded(value: Any) -> Any:
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
