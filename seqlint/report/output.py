"""``--output-file``: write a report so that readers never see half of it."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys

from seqlint.safepaths import signals_as_interrupt


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8; a file name's undecodable bytes, surrogate-escaped, as those
    bytes, as on standard output) to ``path`` through a temporary file in the same directory and
    an atomic rename; missing parent directories are created. The file gets the usual
    permissions (``0o666`` less the umask). Raises :class:`OSError` on failure, leaving any
    previous file as it was.

    A symlink is written through (the file it points to is replaced; the link stays), and an
    existing path that is not a regular file (``/dev/stdout``, a terminal, a FIFO, a device)
    is written into, never renamed over: as root, a rename would replace ``/dev/null``
    itself by a regular file. ``/dev/stdout``, ``/dev/stderr`` and ``/dev/fd/N`` (also
    through a symlink) are written to that descriptor: through the path, the file the shell
    redirected the stream to would be truncated or replaced."""
    name = os.fspath(path)
    fd = _descriptor(name)
    if fd is not None:
        _write_descriptor(fd, text)
        return
    try:
        kind = os.stat(name).st_mode  # (through symlinks)
    except FileNotFoundError:
        kind = None  # a new file (or a dangling symlink: its target is created)
    if kind is not None and stat.S_ISDIR(kind):
        raise IsADirectoryError(errno.EISDIR, "Is a directory")
    if kind is not None and not stat.S_ISREG(kind):
        _write_into(name, text, fifo=stat.S_ISFIFO(kind))
        return
    target = os.path.realpath(name)
    directory = os.path.dirname(target)
    os.makedirs(directory, exist_ok=True)
    with signals_as_interrupt():  # SIGTERM too leaves no temporary file behind
        _write(target, directory, text)


_STREAMS = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
_FD_PATH = re.compile(r"/(?:dev|proc/self)/fd/([0-9]{1,9})")


def _descriptor(name: str) -> int | None:
    """The descriptor ``name`` stands for, following symlinks until one is named (None when
    ``name`` is an ordinary path)."""
    path = os.path.abspath(name)
    for _ in range(40):  # (the kernel's own limit on a chain of links)
        path = os.path.normpath(path)
        if path in _STREAMS:
            return _STREAMS[path]
        m = _FD_PATH.fullmatch(path)
        if m is not None:
            return int(m.group(1))
        try:
            link = os.readlink(path)
        except OSError:
            return None  # not a symlink (or missing): an ordinary path
        path = os.path.join(os.path.dirname(path), link)
    return None


def _write_descriptor(fd: int, text: str) -> None:
    """Write ``text`` to the open descriptor ``fd``, after what Python buffered for it."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            if stream is not None and stream.fileno() == fd:
                stream.flush()
    data = text.encode("utf-8", "surrogateescape")
    while data:
        data = data[os.write(fd, data) :]


def _write_into(name: str, text: str, *, fifo: bool) -> None:
    """Write into a file that is not a regular one. A FIFO is opened without blocking, so one
    that nobody reads is an error (``ENXIO``) instead of a hang."""
    try:
        fd = os.open(name, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        if fifo and e.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "it is a FIFO that no process reads") from None
        raise
    os.set_blocking(fd, True)
    with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
        f.write(text)


def _write(target: str, directory: str, text: str) -> None:
    import tempfile  # only with --output-file (start-up time)

    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
