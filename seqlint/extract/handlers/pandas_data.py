"""pandas: a frame read from a file (``pd.read_csv``) and the arrays taken from it
(``df.values``, ``df.iloc[:, 1:3].values``, ``df.to_numpy()``). Their rows are never known;
their number of axes is, and a column count when the code selects columns literally."""

from __future__ import annotations

from typing import Any

from seqlint.extract.data import as_int
from seqlint.extract.registry import NOT_HANDLED, Site, guard, handles
from seqlint.extract.values import ListVal, PandasFrame, PandasIndexer
from seqlint.ir import ArrayInfo
from seqlint.layers.base import UNKNOWN

# read_csv arguments that make it return something else than one DataFrame
_NOT_A_FRAME = ("chunksize", "iterator", "squeeze")


@handles("pandas.read_csv", "pandas.read_table")
def read_csv(filepath_or_buffer: Any, /, *args: Any, **kwargs: Any) -> Any:
    """A DataFrame of unknown rows and columns (a reader with ``chunksize=``/``iterator=``,
    and a Series with pandas 1's ``squeeze=True``, are not modelled)."""
    if args or any(kwargs.get(k) not in (None, False) for k in _NOT_A_FRAME):
        return NOT_HANDLED
    return PandasFrame()


def as_array(frame: PandasFrame) -> ArrayInfo:
    """``df.values``: two axes (rows unknown), a Series one."""
    if frame.series:
        return ArrayInfo(shape=(None,))
    return ArrayInfo(shape=(None, frame.columns))


@handles("pandas.DataFrame.to_numpy")
def to_numpy(
    self: PandasFrame, /, dtype: Any = None, copy: Any = False, na_value: Any = None
) -> Any:
    return as_array(self)


@guard("pandas.DataFrame")
def frame_guard(site: Site, frame: PandasFrame, name: str) -> Any:
    """A method without a handler may change the frame in place (``insert``, ``pop``,
    ``drop(..., inplace=True)``): its column count is no longer known."""
    if name != "to_numpy":
        frame.columns = None
    return NOT_HANDLED


def attribute(frame: PandasFrame, name: str) -> Any:
    """``df.values``, ``df.iloc``; NOT_HANDLED for a method."""
    if name == "values":
        return as_array(frame)
    if name == "iloc":
        return PandasIndexer(frame)
    return NOT_HANDLED


def _columns(frame: PandasFrame, cols: Any) -> PandasFrame | None:
    """The frame of the columns a literal selection picks (``1:3``, ``[0, 2]``, ``["a"]``)."""
    if isinstance(cols, slice):
        bounds = (cols.start, cols.stop, cols.step)
        if not all(v is None or as_int(v) is not None for v in bounds):
            return PandasFrame()
        if frame.columns is not None:
            return PandasFrame(len(range(*cols.indices(frame.columns))))
        start, stop = cols.start or 0, cols.stop
        if cols.step is None and stop is not None and 0 <= start < stop:
            # (positions past the last column would be cut off: code that names them
            # means the file has them)
            return PandasFrame(stop - start)
        return PandasFrame()
    if isinstance(cols, ListVal) and all(
        isinstance(c, str) or as_int(c) is not None for c in cols.items
    ):
        return PandasFrame(len(cols.items))
    return None


def subscript(base: PandasFrame | PandasIndexer, idx: Any) -> Any:
    """``df.iloc[rows, cols]`` / ``df.iloc[rows]`` / ``df["col"]`` / ``df[["a", "b"]]``."""
    if isinstance(base, PandasFrame):
        if base.series:
            return UNKNOWN
        if isinstance(idx, str):
            return PandasFrame(series=True)
        if isinstance(idx, slice):  # rows
            return PandasFrame(base.columns)
        found = _columns(base, idx) if isinstance(idx, ListVal) else None
        return UNKNOWN if found is None else found
    frame = base.frame
    rows, cols = idx if isinstance(idx, tuple) and len(idx) == 2 else (idx, slice(None))
    if not isinstance(rows, slice):
        return UNKNOWN  # a row (or rows picked by an array): not modelled
    if frame.series:
        return PandasFrame(series=True) if not isinstance(idx, tuple) else UNKNOWN
    if as_int(cols) is not None:
        return PandasFrame(series=True)
    found = _columns(frame, cols)
    return UNKNOWN if found is None else found
