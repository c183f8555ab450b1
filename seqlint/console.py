"""What every command shares on the terminal, without click: exit codes, one-line errors and
warnings, echo, colour detection and lazy imports. ``seqlint check`` on one file starts
without loading click (see :mod:`seqlint.launch`), so the code it runs lives on this."""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import os
import re
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TextIO

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130

STDIN = "-"

_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")  # what click strips when colour is off


class UsageError(Exception):
    """A usage problem found after parsing (missing path, bad selector): one line, exit 2."""

    exit_code = EXIT_ERROR


def echo(
    message: str = "", *, nl: bool = True, err: bool = False, color: bool | None = None
) -> None:
    """``click.echo`` for text: to stdout (stderr with ``err``), flushed; escape codes are
    dropped unless ``color`` is true, or it is None and the stream is a terminal."""
    stream: TextIO | None = sys.stderr if err else sys.stdout
    if stream is None:
        return
    if nl:
        message += "\n"
    if not (color if color is not None else _isatty(stream)):
        message = _ANSI.sub("", message)
    try:
        try:
            stream.write(message)
        except UnicodeEncodeError:  # a terminal that cannot show some character: show "?"
            encoding = getattr(stream, "encoding", None) or "ascii"
            stream.write(message.encode(encoding, "replace").decode(encoding))
        stream.flush()
    except BrokenPipeError:
        raise  # the reader left: :func:`guarded` exits quietly
    except OSError as e:  # a full disk, /dev/full, an I/O error: not seqlint's own failure
        raise OutputError(e, "standard error" if err else "standard output") from None


class OutputError(Exception):
    """Writing to standard output or error failed (a full disk, ``> /dev/full``)."""

    def __init__(self, cause: OSError, stream: str) -> None:
        super().__init__(f"cannot write to {stream}: {cause.strerror or cause}")
        self.stream = stream


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def one_line(text: object) -> str:
    """``text`` on one line, with control characters made visible."""
    from seqlint.report.escape import visible

    return visible(" ".join(str(text).split()))


def error(message: str) -> None:
    echo(f"seqlint: error: {one_line(message)}", err=True)


def warning(message: str) -> None:
    echo(f"seqlint: warning: {one_line(message)}", err=True)


def use_color() -> bool:
    """Colour on stdout: ``NO_COLOR`` turns it off, ``FORCE_COLOR`` on, else a terminal."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _isatty(sys.stdout)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def silence_stdout() -> None:
    """After EPIPE, Python would complain again when flushing stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def write_stdout(data: bytes) -> None:
    """Raw bytes to stdout, after what was echoed before."""
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:
            sys.stdout.write(data.decode("utf-8", "replace"))
            sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as e:
        raise OutputError(e, "standard output") from None


#: The most standard input is read: ``< /dev/zero`` (or any endless stream) would otherwise
#: be read until memory runs out.
STDIN_LIMIT = 512 << 20


def stdin_bytes() -> bytes:
    """All of standard input; a closed, unreadable or endless one is a usage error."""
    stream = sys.stdin
    if stream is None:  # (``<&-``: Python starts without a stdin)
        raise UsageError("cannot read standard input: it is closed")
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            data = bytes(buffer.read(STDIN_LIMIT + 1))
        else:
            data = stream.read(STDIN_LIMIT + 1).encode("utf-8")
    except OSError as e:
        raise UsageError(f"cannot read standard input: {e.strerror or e}") from None
    if len(data) > STDIN_LIMIT:
        raise UsageError(
            f"standard input is over {STDIN_LIMIT >> 20} MB (an endless stream?); "
            "check a file instead"
        )
    return data


def lazy(name: str) -> Any:
    """The module ``name``, imported when one of its attributes is first read: ``seqlint
    --version`` and ``seqlint rule`` do not pay for the engine, the cache or the pool."""
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:  # pragma: no cover - a broken installation
        return importlib.import_module(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)  # as ``import a.b`` binds ``a.b``
    return module


def guarded(call: Callable[[], object]) -> NoReturn:
    """Run a command and exit with the code it returns; every failure becomes one line on
    stderr and an exit code, never a traceback."""
    try:
        rv = call()
    except UsageError as e:
        error(str(e))
        sys.exit(e.exit_code)
    except (KeyboardInterrupt, EOFError) as e:
        # (SIGTERM and SIGHUP arrive as KeyboardInterrupt("SIGTERM") where a write or the
        # pool must clean up: the exit code is the shell's 128 + signal number)
        signum = _SIGNAL_EXITS.get(str(e.args[0]) if e.args else "", EXIT_INTERRUPTED)
        with contextlib.suppress(OSError, OutputError):
            if signum == EXIT_INTERRUPTED:
                echo(err=True)  # closes the terminal's ^C line, as click does
            echo("seqlint: interrupted", err=True)
        sys.exit(signum)
    except BrokenPipeError:  # the reader left (``| head``): exit as click does on EPIPE
        silence_stdout()
        sys.exit(EXIT_FINDINGS)
    except OutputError as e:
        silence_stdout()  # (what is still buffered for it would fail again at exit)
        if e.stream != "standard error":
            with contextlib.suppress(OSError, OutputError):
                error(str(e))
        sys.exit(EXIT_ERROR)
    except OSError as e:
        if e.errno not in _WRITE_ERRORS:
            _internal_error(e)
        # a full disk under click's or print's output: the environment's failure, not ours
        silence_stdout()
        with contextlib.suppress(OSError, OutputError):
            error(f"cannot write: {e.strerror or e}")
        sys.exit(EXIT_ERROR)
    except Exception as e:  # the last line of defence
        _internal_error(e)
    sys.exit(rv if isinstance(rv, int) else EXIT_CLEAN)


_SIGNAL_EXITS = {"SIGHUP": 129, "SIGTERM": 143}

#: errors only a write gives (a full disk, a quota, a file over its size limit)
_WRITE_ERRORS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG") if hasattr(errno, name)
)


def _internal_error(e: BaseException) -> NoReturn:
    from seqlint.parallel import describe

    with contextlib.suppress(OSError, OutputError):
        echo(f"seqlint: internal error: {describe(e)}", err=True)
    sys.exit(EXIT_ERROR)
