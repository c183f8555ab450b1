"""Python's builtins and the methods of the containers the interpreter tracks.

Each handler computes what CPython would, on known values only: a value it cannot compute
exactly (a ``key=`` function, an index that is not a known int) is UNKNOWN, and a list changed
in a way not followed gets an item that may or may not be there (:class:`Maybe`), so nothing
reads it as known any more.
"""

from __future__ import annotations

from typing import Any

from seqlint.extract.limits import MAX_ITEMS, MAX_UNROLL
from seqlint.extract.ops import is_const, is_hashable_const, iterate
from seqlint.extract.registry import NOT_HANDLED, Site, fallback, guard, handles
from seqlint.extract.values import DictVal, ListVal, Maybe
from seqlint.layers.base import UNKNOWN

_NO: Any = object()  # an argument not given


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ---- functions ------------------------------------------------------------------------------


@handles("builtins.range")
def range_(*bounds: Any) -> Any:
    """``range(stop)`` / ``range(start, stop[, step])`` of known ints: its items, when there
    are at most MAX_UNROLL of them."""
    if not bounds or len(bounds) > 3 or not all(type(b) is int for b in bounds):
        return UNKNOWN
    try:
        r = range(*bounds)
    except (ValueError, OverflowError):
        return UNKNOWN
    return tuple(r) if len(r) <= MAX_UNROLL else UNKNOWN


@handles("builtins.len")
def len_(obj: Any, /) -> Any:
    """The length of a known container, or an array's first dimension when known."""
    from seqlint.extract import data
    from seqlint.ir import ArrayInfo

    if isinstance(obj, ArrayInfo):
        return data.length(obj)
    if isinstance(obj, (tuple, str)):
        return len(obj)
    if isinstance(obj, ListVal):
        return UNKNOWN if any(isinstance(i, Maybe) for i in obj.items) else len(obj.items)
    if isinstance(obj, DictVal):
        return len(obj.items) if obj.complete else UNKNOWN
    return UNKNOWN


def _conversion(function: Any) -> Any:
    def convert(x: Any, /) -> Any:
        if not is_const(x):
            return UNKNOWN
        try:
            return function(x)
        except (TypeError, ValueError, OverflowError):
            return UNKNOWN

    convert.__doc__ = f"``{function.__name__}(x)`` of a constant (other forms: unknown)."
    return convert


for _function in (int, float, str, bool, abs, round):
    handles(f"builtins.{_function.__name__}")(_conversion(_function))


@handles("builtins.tuple", "builtins.list", "builtins.reversed", site=True)
def sequence(site: Site, iterable: Any, /) -> Any:
    """A known iterable's items, as a tuple (a ListVal for ``list``)."""
    items = iterate(iterable)
    if items is None:
        return UNKNOWN
    if site.qualname == "builtins.reversed":
        items.reverse()
    if site.qualname == "builtins.list":
        return ListVal(items, level=site.interp.taint)
    return tuple(items)


@handles("builtins.sorted", site=True)
def sorted_(site: Site, iterable: Any, /, *, key: Any = None, reverse: Any = False) -> Any:
    """The sorted items of a known iterable of comparable constants (no ``key``)."""
    items = iterate(iterable)
    if items is None or key is not None or not isinstance(reverse, bool):
        return UNKNOWN
    try:
        return tuple(sorted(items, reverse=reverse))
    except TypeError:
        return UNKNOWN


def _extreme(function: Any) -> Any:
    def extreme(site: Site, *args: Any, key: Any = None, default: Any = _NO) -> Any:
        items = iterate(args[0]) if len(args) == 1 else list(args)
        if key is not None or not items or not all(_number(i) for i in items):
            return UNKNOWN
        return function(items)

    extreme.__doc__ = f"``{function.__name__}`` of known numbers (no ``key``)."
    return extreme


handles("builtins.min", site=True)(_extreme(min))
handles("builtins.max", site=True)(_extreme(max))


@handles("builtins.sum", site=True)
def sum_(site: Site, iterable: Any, /, start: Any = 0) -> Any:
    """The sum of known numbers."""
    items = iterate(iterable)
    if not items or not all(_number(i) for i in items) or not _number(start):
        return UNKNOWN
    return sum(items, start)


@handles("builtins.enumerate", site=True)
def enumerate_(site: Site, iterable: Any, start: Any = 0) -> Any:
    """``(index, item)`` pairs of a known iterable."""
    items = iterate(iterable)
    if items is None or not isinstance(start, int):
        return UNKNOWN
    return tuple((i + start, v) for i, v in enumerate(items))


@handles("builtins.zip", site=True)
def zip_(site: Site, *iterables: Any, strict: Any = False) -> Any:
    """The tuples of known iterables, up to the shortest."""
    seqs = [iterate(a) for a in iterables]
    if not seqs or any(s is None for s in seqs):
        return UNKNOWN
    return tuple(zip(*seqs, strict=False))  # type: ignore[misc]


@handles("builtins.print")
def print_(
    *values: Any, sep: Any = " ", end: Any = "\n", file: Any = None, flush: Any = False
) -> Any:
    """Nothing the analysis follows: ``None``."""
    return None


@handles("builtins.dict")
def dict_(*args: Any, **kwargs: Any) -> Any:
    """``dict(a=1, b=2)``; anything built from a mapping or pairs is unknown."""
    return UNKNOWN if args else DictVal(dict(kwargs))


# ---- list methods ---------------------------------------------------------------------------


@guard("builtins.list")
def list_guard(site: Site, lst: ListVal, name: str) -> Any:
    """What holds for any method of a list: arguments of unknown content make its items
    unknown; a list grown past MAX_ITEMS is unknown; a change made under a condition not
    followed (deeper taint than the list) leaves an item that may or may not be there."""
    if site.opaque:
        lst.items[:] = [UNKNOWN] * len(lst.items)
        return UNKNOWN
    if len(lst.items) >= MAX_ITEMS and name in ("append", "extend", "insert"):
        lst.items[:] = [Maybe(UNKNOWN)]
        return None
    if site.interp.taint > lst.level and name in _MUTATORS:
        lst.items.append(Maybe(UNKNOWN))
        return UNKNOWN
    return NOT_HANDLED


_MUTATORS = frozenset({"insert", "pop", "remove", "clear", "sort", "reverse"})


@handles("builtins.list.append", site=True)
def append(site: Site, lst: ListVal, item: Any, /) -> None:
    """The item, at the end (one that may or may not be there when appended under an
    unknown condition)."""
    lst.items.append(Maybe(item) if site.interp.taint > lst.level else item)


@handles("builtins.list.extend", site=True)
def extend(site: Site, lst: ListVal, iterable: Any, /) -> None:
    """The items of a known iterable, at the end."""
    items = iterate(iterable)
    if items is None or site.interp.taint > lst.level:
        lst.items.append(Maybe(UNKNOWN))
    else:
        lst.items.extend(items)


@handles("builtins.list.insert")
def insert(lst: ListVal, index: Any, item: Any, /) -> None:
    """The item at a known index; at an unknown one the list is no longer known."""
    if isinstance(index, int):
        lst.items.insert(index, item)
    else:
        lst.items.append(Maybe(UNKNOWN))


@handles("builtins.list.pop")
def pop(lst: ListVal, index: Any = -1, /) -> Any:
    """The item removed at a known index of a known list."""
    if any(isinstance(i, Maybe) for i in lst.items):
        return UNKNOWN
    if not isinstance(index, int) or not -len(lst.items) <= index < len(lst.items):
        lst.items.append(Maybe(UNKNOWN))
        return UNKNOWN
    return lst.items.pop(index)


@handles("builtins.list.clear")
def clear(lst: ListVal, /) -> None:
    lst.items.clear()


@handles("builtins.list.reverse")
def reverse(lst: ListVal, /) -> None:
    lst.items.reverse()


@handles("builtins.list.remove", "builtins.list.sort")
def reorder(lst: ListVal, /, *args: Any, **kwargs: Any) -> None:
    """``remove`` / ``sort``: the list is no longer known (items compare by value)."""
    lst.items.append(Maybe(UNKNOWN))


@handles("builtins.list.copy", site=True)
def copy(site: Site, lst: ListVal, /) -> Any:
    return ListVal(list(lst.items), level=site.interp.taint)


# ---- dict and str methods -------------------------------------------------------------------


@handles("builtins.dict.get")
def get(d: DictVal, key: Any, default: Any = None, /) -> Any:
    """The value of a constant key (the default when the dict surely does not hold it)."""
    if not is_hashable_const(key) or (key not in d.items and not d.complete):
        return UNKNOWN
    return d.items.get(key, default)


@handles("builtins.dict.keys", "builtins.dict.values", "builtins.dict.items", site=True)
def view(site: Site, d: DictVal, /) -> Any:
    if not d.complete:
        return UNKNOWN
    name = site.qualname.rsplit(".", 1)[-1]
    return tuple(getattr(d.items, name)())


@handles("builtins.dict.update", raw=True)
def update(site: Site, d: DictVal) -> None:
    """The dict's contents are no longer known (keys it lacks read as unknown)."""
    d.forget()


@handles("builtins.dict.setdefault", site=True)
def setdefault(site: Site, d: DictVal, key: Any, default: Any = None, /) -> Any:
    """A constant key's value, stored first when the dict surely lacks it; an unknown key
    may add one (the dict's keys are then no longer all known)."""
    if not is_hashable_const(key):
        d.forget()
        return UNKNOWN
    if key in d.items:
        return d.items[key]
    if not d.complete or site.interp.taint:
        d.forget()  # it may or may not get the key here
        return UNKNOWN
    d.items[key] = default
    return default


@handles("builtins.dict.pop", site=True)
def dict_pop(site: Site, d: DictVal, key: Any, /, *default: Any) -> Any:
    """The value of a constant key the dict surely holds, removed; otherwise its keys are no
    longer all known."""
    if is_hashable_const(key) and key in d.items and not site.interp.taint:
        return d.items.pop(key)
    d.forget()
    return UNKNOWN


@handles("builtins.dict.copy", site=True)
def dict_copy(site: Site, d: DictVal, /) -> Any:
    return DictVal(dict(d.items), complete=d.complete)


@handles("builtins.dict.clear", site=True)
def dict_clear(site: Site, d: DictVal, /) -> None:
    if site.interp.taint:
        d.forget()  # emptied or not, depending on a condition not known
    else:
        d.items.clear()
        d.complete = True


@fallback("builtins.dict")
def other_dict_method(site: Site, d: DictVal, name: str) -> Any:
    """A method with no handler (``popitem``, ``__setitem__``, ...) may change the keys:
    they are no longer all known."""
    d.forget()
    return UNKNOWN


@handles("builtins.str.lower", "builtins.str.upper", "builtins.str.strip", site=True)
def transform(site: Site, s: str, /) -> Any:
    return getattr(s, site.qualname.rsplit(".", 1)[-1])()
