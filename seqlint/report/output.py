"""``--output-file``: write a report so that readers never see half of it."""

from __future__ import annotations

import contextlib
import os

from seqlint.safepaths import signals_as_interrupt


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same directory and
    an atomic rename; missing parent directories are created. The file gets the usual
    permissions (``0o666`` less the umask). Raises :class:`OSError` on failure, leaving any
    previous file as it was."""
    target = os.path.abspath(os.fspath(path))
    directory = os.path.dirname(target)
    os.makedirs(directory, exist_ok=True)
    with signals_as_interrupt():  # SIGTERM too leaves no temporary file behind
        _write(target, directory, text)


def _write(target: str, directory: str, text: str) -> None:
    import tempfile  # only with --output-file (start-up time)

    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
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
