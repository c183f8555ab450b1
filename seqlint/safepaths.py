"""Writing files safely: checks on the paths a command is asked to write, made before any
work is done (so that a typo never replaces a source or a data set, and a path that cannot be
written fails in one line at once instead of after minutes of training), and
:func:`signals_as_interrupt`, so that SIGTERM during a write still removes its temporary
file."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator


class UnsafePath(Exception):
    """A path a command must not write; the message is one line, ready for the user."""


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether ``a`` and ``b`` are one file (through symlinks and hard links too)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def refuse_overwriting(
    output: str | os.PathLike[str], option: str, inputs: Iterable[str | os.PathLike[str] | None]
) -> None:
    """Raise :class:`UnsafePath` when ``output`` (given with ``option``) is one of ``inputs``."""
    if not os.path.lexists(output):
        return  # a new file cannot be an input
    for path in inputs:
        if path is not None and same_file(output, path):
            raise UnsafePath(f"{option} {output} is an input of this run; refusing to replace it")


def check_writable(path: str | os.PathLike[str], option: str, *, makedirs: bool) -> None:
    """Raise :class:`UnsafePath` unless ``path`` can be written: not a directory, and its
    directory exists (or, with ``makedirs``, its nearest existing ancestor is a directory)
    and is writable."""
    target = os.path.abspath(os.fspath(path))
    if os.path.isdir(target):
        raise UnsafePath(f"{option} {path} is a directory")
    directory = os.path.dirname(target)
    while makedirs and not os.path.lexists(directory):
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    if not os.path.isdir(directory):
        what = "does not exist" if not os.path.lexists(directory) else "is not a directory"
        raise UnsafePath(f"{option} {path}: {directory} {what}")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise UnsafePath(f"{option} {path}: cannot write in {directory}: Permission denied")


@contextlib.contextmanager
def signals_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`KeyboardInterrupt` while a file is written, so
    its clean-up runs (the default action would kill the process mid-way)."""
    import signal  # here: only a write pays for these
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    names = ("SIGTERM", "SIGHUP")
    old = {n: signal.signal(getattr(signal, n), interrupt) for n in names if hasattr(signal, n)}
    try:
        yield
    finally:
        for n, handler in old.items():
            signal.signal(getattr(signal, n), handler)
