"""Checking many files: the keyword pre-filter on raw bytes, the cache, and a process pool.

:func:`check_files` reads each file once, as bytes, in this process: files that never mention
``keras``/``Sequential`` are settled without decoding (see :func:`seqlint.check.relevant`) and
the others are looked up in the cache. The files left are analysed in this process when they
are few (or ``jobs == 1``); else a pool of worker processes starts as soon as they are worth
it and takes them in chunks while the next files are still read, with the results put back in
the input order. An exception while checking one file becomes that file's internal error and
the run goes on; a worker process that dies takes only its own files with it.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import sys
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from seqlint import check
from seqlint.diagnostics import Diagnostic, Span
from seqlint.noqa import SYNTAX_ERROR_CODE, apply_noqa
from seqlint.report.escape import visible
from seqlint.sources import (
    SourceError,
    SourceFile,
    is_notebook_path,
    notebook_cell_text,
    plain_ascii_python,
    read_bytes,
    source_from_bytes,
)

if TYPE_CHECKING:  # the pool and the cache are imported only when used (one file: neither)
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

    from seqlint.cache import Cache
    from seqlint.config import Settings

#: Below this many bytes to analyse, a pool costs more (starting workers, sending the files)
#: than it saves: seqlint analyses roughly 0.5 MB/s, so 200 KB is about 0.4 s of work.
POOL_MIN_BYTES = 200_000
#: Lines of files sent to a worker at a time (~65 ms of analysis): small enough to balance
#: the workers and to start them early, large enough to keep the overhead low.
CHUNK_LINES = 8_000
#: What a file costs besides its lines, in lines (reading it, its set-up, its result).
FILE_COST_LINES = 50

SYNTAX_ERROR_NAME = "syntax-error"
#: SEQ002 analysis-incomplete: always computed, to know what must not be cached
INCOMPLETE_CODE = "SEQ002"
OUT_OF_MEMORY = "ran out of memory while checking it, so nothing in it was checked"
WORKER_DIED = (
    "the worker process checking it died (killed, or out of memory), so nothing in it was checked"
)
NO_RESULT = "no result came back for it, so nothing in it was checked"


@dataclass
class FileResult:
    """What checking one file gave: findings, the source (for code frames, only when there
    are findings), or the one-line description of an internal error. ``complete`` is False
    when a budget cut the analysis short (SEQ002): such a result is never cached."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: SourceFile | None = None
    error: str | None = None
    complete: bool = True
    # the file's bytes when ``source`` is decoded only if asked for (a cache hit: listing
    # or counting its findings needs no source, a code frame or a fix does)
    data: bytes | None = field(default=None, repr=False)

    def load_source(self) -> SourceFile | None:
        """``source``, decoded from ``data`` on first use."""
        if self.source is None and self.data is not None:
            with contextlib.suppress(SourceError):
                self.source = source_from_bytes(self.path, self.data)
            self.data = None
        return self.source


class Sources(MutableMapping[str, SourceFile]):
    """Sources by display path, for code frames and fixes; those of cached results are
    decoded only when looked up (a warm run that prints concise lines never decodes them)."""

    def __init__(self) -> None:
        self._ready: dict[str, SourceFile] = {}
        self._later: dict[str, FileResult] = {}

    def add(self, result: FileResult) -> None:
        """The source of ``result``, now or (a cache hit) when first looked up."""
        if result.source is not None:
            self[result.path] = result.source
        elif result.data is not None:
            self._ready.pop(result.path, None)
            self._later[result.path] = result

    def __getitem__(self, path: str) -> SourceFile:
        found = self._ready.get(path)
        if found is not None:
            return found
        src = self._later.pop(path).load_source()  # (KeyError when absent)
        if src is None:
            raise KeyError(path)
        self._ready[path] = src
        return src

    def __setitem__(self, path: str, src: SourceFile) -> None:
        self._later.pop(path, None)
        self._ready[path] = src

    def __delitem__(self, path: str) -> None:
        if self._later.pop(path, None) is None:
            del self._ready[path]

    def __iter__(self) -> Iterator[str]:
        yield from list(self._ready)
        yield from list(self._later)

    def __len__(self) -> int:
        return len(self._ready) + len(self._later)


@dataclass
class _Task:
    index: int
    path: str
    data: bytes
    codes: frozenset[str]
    key: str | None


def default_jobs() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except OSError:
            pass
    return os.cpu_count() or 1


def describe(exc: BaseException) -> str:
    msg = visible(" ".join(str(exc).split()))
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def source_error_diagnostic(path: str, err: SourceError) -> Diagnostic:
    """The ``SEQ001`` finding for a file that cannot be read as Python."""
    return Diagnostic(
        code=SYNTAX_ERROR_CODE,
        name=SYNTAX_ERROR_NAME,
        message=err.message,
        severity="error",
        span=Span(err.line, err.column, err.line, err.column + 1),
        path=path,
    )


def lint_source(src: SourceFile, codes: frozenset[str], display: str) -> list[Diagnostic]:
    """The findings for one readable source: the engine's, less unselected codes and noqa.
    Syntax errors are always reported, whatever the selection."""
    return lint_source_completely(src, codes, display)[0]


def lint_source_completely(
    src: SourceFile, codes: frozenset[str], display: str
) -> tuple[list[Diagnostic], bool]:
    """:func:`lint_source`, and whether the analysis finished (no SEQ002 cut, selected or
    not): a result that depends on where a budget ran out must not be cached."""
    found = check.check_source(src, codes | {SYNTAX_ERROR_CODE, INCOMPLETE_CODE})
    complete = not any(d.code == INCOMPLETE_CODE for d in found)
    kept = [d for d in found if d.code in codes or d.code == SYNTAX_ERROR_CODE]
    kept = apply_noqa(src, kept)
    for d in kept:
        d.path = display
    return kept, complete


def _analyse_now(path: str, data: bytes, codes: frozenset[str]) -> FileResult:
    """Decode and check one file; never raises."""
    try:
        try:
            src = source_from_bytes(path, data)
        except SourceError as e:
            return FileResult(path, [source_error_diagnostic(path, e)])
        found, complete = lint_source_completely(src, codes, path)
        return FileResult(path, found, src if found else None, complete=complete)
    except MemoryError:  # the analysis did not finish: an error (never cached), not "clean"
        return FileResult(path, error=OUT_OF_MEMORY)
    except Exception as e:  # one file's failure must not stop the run
        return FileResult(path, error=describe(e))


Job = tuple[str, bytes, frozenset[str]]


def _analyse_batch(jobs: Sequence[Job], thaw: bool = True) -> list[FileResult]:
    """Check files one after the other, with the garbage collector tuned for it.

    A parse allocates hundreds of thousands of nodes, which would trigger collections that
    traverse every live object again and again (10-20 % of the time). So what lives before
    the batch is frozen (never traversed; :func:`gc.freeze`), the collector is off while a
    file is analysed, and a collection of the youngest generation after each file frees that
    file's cyclic garbage. Only generation 0: a full collection would also traverse what
    survived earlier files (results, modules imported lazily by the first file) every time,
    about 40 times the cost for the same garbage freed on /work/nb. ``thaw`` unfreezes at the
    end (workers keep the freeze: see :func:`_run_pool`).
    """
    thaw = thaw and gc.get_freeze_count() == 0  # never thaw what someone else froze
    gc.freeze()
    enabled = gc.isenabled()
    gc.disable()
    try:
        out = []
        for path, data, codes in jobs:
            out.append(_analyse_now(path, data, codes))
            gc.collect(0)
        return out
    finally:
        if enabled:
            gc.enable()
        if thaw:
            gc.unfreeze()


def _analyse_chunk(jobs: Sequence[Job]) -> list[FileResult]:
    return _analyse_batch(jobs, thaw=False)


def _worker_init() -> None:
    # Ctrl-C goes to the whole process group: let the parent alone decide what happens.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # the parent turns these into KeyboardInterrupt while the pool runs; a forked worker
    # inherits that handler, and its loop would take the interrupt for a failed task
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        # a parent killed outright (SIGKILL, the OOM killer) left its workers waiting for
        # work forever: the kernel ends them with it
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
            if os.getppid() == 1:  # (the parent died before the call)
                os._exit(1)


def _stop_workers(pool: object) -> None:
    """End the pool's workers now (``shutdown`` alone lets each finish its chunk)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()


def check_files(
    paths: Sequence[str],
    settings: Settings,
    *,
    jobs: int | None = None,
    cache: Cache | None = None,
) -> list[FileResult]:
    """Check ``paths`` (display paths, read from disk); one result per path, in order.

    Files are read and pre-filtered in this process. As soon as the files left to analyse
    are worth a pool (see :func:`_pool_pays`), the pool starts on them and gets the others
    as they are read, so reading and analysing overlap; else they are analysed here.
    """
    results: list[FileResult | None] = [None] * len(paths)
    jobs = default_jobs() if jobs is None else max(1, jobs)
    tasks = _tasks(paths, settings, cache, results)
    head: list[_Task] = []
    workload = 0
    pooled = False
    for task in tasks:
        head.append(task)
        workload += len(task.data)
        if jobs > 1 and len(head) > 1 and workload >= POOL_MIN_BYTES and _pool_pays(workload):
            pooled = True
            break
    if pooled:
        at_most = len(head) + len(paths) - head[-1].index - 1  # files that may need analysing
        done = _run_pool(itertools.chain(head, tasks), min(jobs, at_most))
    else:
        found = _analyse_batch([(t.path, t.data, t.codes) for t in head])
        done = list(zip(head, found, strict=True))

    for task, result in done:
        results[task.index] = result
        if cache is not None and task.key is not None and result.error is None and result.complete:
            cache.put(task.key, result.diagnostics)
    return [
        r if r is not None else FileResult(p, error=NO_RESULT)
        for r, p in zip(results, paths, strict=True)
    ]


def _tasks(
    paths: Sequence[str],
    settings: Settings,
    cache: Cache | None,
    results: list[FileResult | None],
) -> Iterator[_Task]:
    """The files that need analysing, read one by one; the others' results go in
    ``results`` (pre-filtered, unreadable, cached)."""
    for index, path in enumerate(paths):
        got = _prepare(index, path, settings, cache)
        if isinstance(got, FileResult):
            results[index] = got
        else:
            yield got


def _prepare(index: int, path: str, settings: Settings, cache: Cache | None) -> FileResult | _Task:
    """Settle a file without analysing it when the pre-filter or the cache allows."""
    try:
        data = read_bytes(path)
    except SourceError as e:
        return FileResult(path, [source_error_diagnostic(path, e)])
    # A notebook without ``keras`` is read as JSON anyway (to report a broken one), and its
    # code cells decide the rest: its images need not be scanned for the other words.
    notebook = is_notebook_path(path)
    if not (b"keras" in data if notebook else check.relevant(data)):
        if plain_ascii_python(path, data):
            return FileResult(path)  # decoding cannot fail, and the text cannot mention Keras
        # non-ASCII, a coding declaration or a notebook: decode to report unreadable files
        try:
            if notebook and _settled_notebook(data):
                return FileResult(path)
            src = source_from_bytes(path, data)
        except SourceError as e:
            return FileResult(path, [source_error_diagnostic(path, e)])
        if not check.relevant(src.text):
            return FileResult(path)
    try:
        codes = settings.codes_for(path)
    except Exception as e:
        return FileResult(path, error=describe(e))
    key = None
    if cache is not None:
        key = cache.key(data, path, codes)
        hit = cache.get(key)
        if hit is not None:
            for d in hit:
                d.path = path
            return FileResult(path, hit, data=data if hit else None)
    return _Task(index, path, data, codes, key)


def _settled_notebook(data: bytes) -> bool:
    """Whether ``data`` is a readable notebook whose code cells never mention Keras or
    ``Sequential``, so it is clean: checked on the cells as written, without IPython's
    transformations (a third of the cost of decoding it; they never add a word, though
    removing a ``!pip install torch`` line can make ``Sequential`` count, hence the word is
    left to the full decoding). Raises :class:`SourceError` for an unreadable notebook."""
    text = notebook_cell_text(data)
    return "keras" not in text and "Sequential" not in text


def _pool_pays(workload: int) -> bool:
    """Whether ``workload`` bytes are worth a pool: workers that are not forked import
    seqlint afresh (a few tenths of a second each), so they need four times as much."""
    return workload >= (POOL_MIN_BYTES if _pool_context() is not None else 4 * POOL_MIN_BYTES)


def _pool_context() -> BaseContext | None:
    import multiprocessing

    # fork shares the parent's imported modules (the engine, the rules): no start-up imports.
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def _cost(task: _Task) -> int:
    """What analysing a file costs, roughly: its lines (a notebook's code cells are one JSON
    string per line, its images one long line each), plus a fixed part per file."""
    return task.data.count(b"\n") + FILE_COST_LINES


def _run_pool(tasks: Iterable[_Task], jobs: int) -> list[tuple[_Task, FileResult]]:
    """Analyse ``tasks`` in a pool of ``jobs`` workers, in chunks of about
    :data:`CHUNK_LINES` lines sent as the files are read (free workers take the next chunk,
    which balances them); the last files are split across the workers."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    import seqlint.rules  # noqa: F401  (registered before forking, not once per worker)
    from seqlint import extract  # noqa: F401
    from seqlint.safepaths import signals_as_interrupt

    chunks: list[list[_Task]] = []
    futures: list[Future[list[FileResult]]] = []
    # Forked workers share this process's objects copy-on-write; a collection in a worker
    # would touch (and so copy) all of them. Frozen objects are never collected.
    thaw = gc.get_freeze_count() == 0  # never thaw what someone else froze
    gc.freeze()
    try:
        # SIGTERM/SIGHUP as Ctrl-C: the workers are stopped, not orphaned waiting for work
        with (
            signals_as_interrupt(),
            ProcessPoolExecutor(
                max_workers=jobs, mp_context=_pool_context(), initializer=_worker_init
            ) as pool,
        ):

            def send(chunk: list[_Task]) -> None:
                chunks.append(chunk)
                futures.append(
                    pool.submit(_analyse_chunk, [(t.path, t.data, t.codes) for t in chunk])
                )

            try:
                chunk: list[_Task] = []
                cost = 0
                for task in tasks:
                    chunk.append(task)
                    cost += _cost(task)
                    if cost >= CHUNK_LINES:
                        send(chunk)
                        chunk, cost = [], 0
                for k in range(min(jobs, len(chunk))):
                    send(chunk[k::jobs])
                out: list[tuple[_Task, FileResult]] = []
                lost: list[_Task] = []  # files of chunks whose worker died
                for sent, fut in zip(chunks, futures, strict=True):
                    try:
                        got = fut.result()
                    except BrokenProcessPool:
                        lost += sent
                        continue
                    out.extend(zip(sent, got, strict=True))
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                _stop_workers(pool)
                raise
    finally:
        if thaw:
            gc.unfreeze()
    out.extend((task, _isolated(task)) for task in lost)
    return out


def _isolated(task: _Task) -> FileResult:
    """Re-check one file of a chunk whose worker died, alone in a fresh worker."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(
            max_workers=1,
            mp_context=_pool_context(),
            initializer=_worker_init,
        ) as pool:
            return pool.submit(_analyse_chunk, [(task.path, task.data, task.codes)]).result()[0]
    except BrokenProcessPool:
        return FileResult(task.path, error=WORKER_DIED)
