"""Hostile inputs: time and peak memory of ``seqlint check`` on files built to hurt it.

Generates, in a temporary directory, inputs of at most 1 MB of the shapes issue 16 lists
(deep nesting, long chains, values that grow in loops, huge literals, ``.gitignore`` and
exclude globs with many ``*``, big notebooks), each followed by a real bug (softmax on one
unit, SEQ201), and checks every one in its own process (``--no-cache --jobs 1``). It prints a
table: size, wall time, peak RSS (``wait4``), the ratio to a plain model file checked in the
same run, the codes found, and a verdict against the budget (<= 5 s, <= 500 MB, and never a
silent clean: the bug is reported, or the file is reported as not (fully) analysed with
SEQ001/SEQ002, or the run fails loudly with exit code 2)::

    python benchmarks/hostile.py                 # every case
    python benchmarks/hostile.py --only nest     # the cases whose name contains "nest"
    python benchmarks/hostile.py --timeout 20    # give up on a case after 20 s

Exit status 0 when every case is within the budget, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 1 << 20
BUDGET_S = 5.0
BUDGET_MB = 500.0

HEAD = "import keras\nfrom keras import layers\n"
BUG = (
    "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation='relu'), "
    "layers.Dense(1, activation='softmax')])\n"
    "model.compile(optimizer='adam', loss='binary_crossentropy')\n"
)
#: A finding that proves the file was not silently passed.
LOUD = ("SEQ201", "SEQ001", "SEQ002")


@dataclass
class Case:
    name: str
    kind: str
    build: Callable[[Path], Path]  # writes the input under a directory, returns what to check
    args: tuple[str, ...] = ()


def _py(text: str) -> Callable[[Path], Path]:
    def build(root: Path) -> Path:
        path = root / "m.py"
        path.write_text(text)
        return path

    return build


def _notebook(cells: list[str], output_bytes: int = 0) -> Callable[[Path], Path]:
    def build(root: Path) -> Path:
        blob = "A" * output_bytes
        nb = {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "metadata": {},
                    "outputs": [{"output_type": "display_data", "data": {"image/png": blob}}]
                    if output_bytes and i == 0
                    else [],
                    "source": cell.splitlines(keepends=True),
                }
                for i, cell in enumerate(cells)
            ],
            "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        path = root / "nb.ipynb"
        path.write_text(json.dumps(nb, indent=1))
        return path

    return build


def _glob_tree(pattern: str, where: str) -> Callable[[Path], Path]:
    """A directory whose names almost match ``pattern`` (40 ``a``), ignored by .gitignore or
    excluded by the config."""

    def build(root: Path) -> Path:
        tree = root / "tree"
        deep = tree
        for _ in range(6):
            deep = deep / ("a" * 40)
        deep.mkdir(parents=True)
        for i in range(50):
            (deep / f"{'a' * 40}{i}.py").write_text(HEAD + "x = 1\n")
        (tree / "m.py").write_text(HEAD + BUG)
        if where == "gitignore":
            (tree / ".gitignore").write_text(pattern + "\n")
        else:
            (tree / "pyproject.toml").write_text(
                f'[tool.seqlint]\nextend-exclude = ["{pattern}"]\n'
            )
        return tree

    return build


STARS = "a*" * 14 + "b"


def cases() -> list[Case]:
    many_cells = [HEAD] + [f"x{i} = {i}\nprint(x{i})\n" * 20 for i in range(500)] + [BUG]
    return [
        Case("plain model file (baseline)", "-", _py(HEAD + BUG)),
        Case(
            "nest: 100 parentheses",
            "nesting",
            _py(HEAD + "x = " + "(" * 100 + "1" + ")" * 100 + "\n" + BUG),
        ),
        Case(
            "nest: 1,300 parentheses",
            "nesting",
            _py(HEAD + "x = " + "(" * 1300 + "1" + ")" * 1300 + "\n" + BUG),
        ),
        Case(
            "nest: 1,500 lists",
            "nesting",
            _py(HEAD + "x = " + "[" * 1500 + "]" * 1500 + "\n" + BUG),
        ),
        Case(
            "nest: 5,000 lambdas", "nesting", _py(HEAD + "f = " + "lambda: " * 5000 + "1\n" + BUG)
        ),
        Case(
            "nest: 100 if blocks",
            "nesting",
            _py(
                HEAD
                + "".join("    " * i + "if x:\n" for i in range(100))
                + "    " * 100
                + "pass\n"
                + BUG
            ),
        ),
        Case(
            "chain: 1 and x 20,000", "chains", _py(HEAD + "x = " + "1 and " * 20000 + "1\n" + BUG)
        ),
        Case("chain: [0] x 4,000", "chains", _py(HEAD + "x = 1" + "[0]" * 4000 + "\n" + BUG)),
        Case("chain: [0] x 20,000", "chains", _py(HEAD + "x = 1" + "[0]" * 20000 + "\n" + BUG)),
        Case("chain: .a x 50,000", "chains", _py(HEAD + "x = y" + ".a" * 50000 + "\n" + BUG)),
        Case("chain: 1 + x 100,000", "chains", _py(HEAD + "x = 1" + " + 1" * 100000 + "\n" + BUG)),
        Case(
            "grow: list x = x + x, 18 times",
            "growth",
            _py(HEAD + "x = [layers.Dense(1)]\nfor i in range(18):\n    x = x + x\n" + BUG),
        ),
        Case(
            "grow: x = x * x, 60 times",
            "growth",
            _py(HEAD + "x = 3\nfor i in range(60):\n    x = x * x\n" + BUG),
        ),
        Case(
            "grow: string doubling, 40 times",
            "growth",
            _py(HEAD + "s = 'ab'\nfor i in range(40):\n    s = s + s\n" + BUG),
        ),
        Case(
            "grow: 512 x 512 model.add loop",
            "growth",
            _py(
                HEAD
                + "m = keras.Sequential()\nfor i in range(512):\n"
                + "    for j in range(512):\n        m.add(layers.Dense(2))\n"
                + BUG
            ),
        ),
        Case(
            "literal: 200,000-item list",
            "literals",
            _py(HEAD + "x = [" + "1," * 200000 + "]\n" + BUG),
        ),
        Case(
            "literal: 50,000 assignments",
            "literals",
            _py(HEAD + "".join(f"v{i} = {i}\n" for i in range(50000)) + BUG),
        ),
        Case(
            "literal: 900 KB string", "literals", _py(HEAD + "s = '" + "x" * 900_000 + "'\n" + BUG)
        ),
        Case(
            "literal: 4,000-digit integer", "literals", _py(HEAD + "n = " + "7" * 4000 + "\n" + BUG)
        ),
        Case("glob: a*a*...b in .gitignore", "globs", _glob_tree(STARS, "gitignore")),
        Case("glob: a*a*...b in extend-exclude", "globs", _glob_tree(STARS, "exclude")),
        Case("notebook: 500 cells, 1 MB", "notebooks", _notebook(many_cells)),
        # each broken cell made CPython read the whole .ipynb to quote its line (41 s for
        # 20,000), each `cd x` cell searched the notebook for a binding of `cd` (minutes)
        Case(
            "notebook: 6,000 broken cells",
            "notebooks",
            _notebook([HEAD, *(f"x = ({i}" for i in range(6000)), BUG]),
        ),
        Case(
            "notebook: 6,000 automagic cells",
            "notebooks",
            _notebook([HEAD, *(f"cd d{i}" for i in range(6000)), BUG]),
        ),
        # SEQ106 rescanned every earlier layer for each layer (quadratic)
        Case(
            "chain: 10,000 model.add lines",
            "chains",
            _py(
                HEAD
                + "model = keras.Sequential([keras.Input(shape=(4,))])\n"
                + "model.add(layers.Dense(4))\n" * 10000
                + "model.add(layers.Dense(1, activation='softmax'))\n"
            ),
        ),
        # each top-level statement recorded what every model held (quadratic in models)
        Case(
            "models: 5,000 in one file",
            "chains",
            _py(
                HEAD
                + "".join(
                    f"m{i} = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])\n"
                    for i in range(5000)
                )
                + BUG
            ),
        ),
        Case(
            "notebook: 900 KB output blob",
            "notebooks",
            _notebook([HEAD, BUG], output_bytes=900_000),
        ),
    ]


@dataclass
class Row:
    case: Case
    size: int
    seconds: float
    peak_mb: float
    code: int | None  # None: killed after the timeout
    codes: list[str]

    @property
    def verdict(self) -> str:
        """ok, TIMEOUT (killed), CRASH (a signal), OVER (time or memory) or SILENT (passed
        without reporting the bug or saying the analysis was incomplete)."""
        if self.code is None:
            return "TIMEOUT"
        if self.code < 0:
            return "CRASH"
        if self.seconds > BUDGET_S or self.peak_mb > BUDGET_MB or self.size > MAX_BYTES:
            return "OVER"
        if self.code != 2 and not any(c in LOUD for c in self.codes):
            return "SILENT"
        return "ok"

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return max((p.stat().st_size for p in path.rglob("*") if p.is_file()), default=0)


def measure(case: Case, root: Path, timeout: float) -> Row:
    """Check the case's input in a fresh process; wall time and that process's peak RSS."""
    work = root / case.name.split(":")[0].replace(" ", "_") / str(abs(hash(case.name)))
    work.mkdir(parents=True)
    target = case.build(work)
    cmd = [sys.executable, "-m", "seqlint", "check", "--no-cache", "--jobs", "1"]
    cmd += ["--output-format", "json", *case.args, target.name]
    env = {**os.environ, "SEQLINT_NO_CACHE": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=target.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        proc.kill()

    timer = threading.Timer(timeout, kill)
    timer.start()
    out = proc.stdout.read() if proc.stdout else b""  # type: ignore[union-attr]
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    try:
        codes = sorted({d["code"] for d in json.loads(out)})
    except (ValueError, TypeError, KeyError):
        codes = []
    code = None if killed.is_set() else proc.returncode
    return Row(case, _size(target), seconds, usage.ru_maxrss / 1024, code, codes)


# ``seqlint run`` on models and data sized to exhaust memory: each must be refused in one line
# before it allocates (or, for a batch larger than the data, capped), and its peak RSS stay
# under the --memory-limit it was given.
RUN_LIMIT_GB = 1.0
RUN_MODEL = HEAD + "model = keras.Sequential([keras.Input(shape=(30000,)), layers.Dense(30000)])\n"
SMALL_MODEL = HEAD + "model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])\n"


def _zip_bomb(root: Path) -> str:
    """An .npz of a few MB that expands to about 3.4 GB of zeros."""
    import zipfile

    import numpy as np

    header = np.lib.format.header_data_from_array_1_0(np.zeros(1, dtype=np.float32))
    header["shape"] = (850_000_000,)
    path = root / "bomb.npz"
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open("x.npy", "w", force_zip64=True) as fh,
    ):
        np.lib.format.write_array_header_1_0(fh, header)
        chunk = bytes(1 << 24)
        for _ in range(3_400_000_000 // len(chunk)):
            fh.write(chunk)
    return str(path)


def run_cases() -> list[tuple[str, str, Callable[[Path], list[str]]]]:
    return [
        ("Dense 30000x30000", RUN_MODEL, lambda root: []),
        ("--input-shape 10^12", SMALL_MODEL, lambda root: ["--input-shape", "1000000000000"]),
        ("--batch-size 10^8", SMALL_MODEL, lambda root: ["--batch-size", "100000000"]),
        ("zip bomb --data", SMALL_MODEL, lambda root: ["--data", _zip_bomb(root)]),
    ]


def measure_run(root: Path, timeout: float) -> list[tuple[str, float, float, int | None, str]]:
    """``seqlint run --train --memory-limit 1`` on each case: time, peak RSS, exit, last line."""
    rows = []
    for name, model, extra in run_cases():
        work = root / ("run_" + str(abs(hash(name))))
        work.mkdir(parents=True)
        (work / "m.py").write_text(model)
        cmd = [sys.executable, "-m", "seqlint", "run", "m.py", "--train", "--verbose", "0"]
        cmd += ["--memory-limit", str(RUN_LIMIT_GB), *extra(work)]
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        try:
            _out, err = proc.communicate(timeout=timeout)
            code: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
            code = None
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        last = (err or "").strip().splitlines()[-1:] or [""]
        rows.append((name, seconds, peak, code, last[0][:90]))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per case")
    args = parser.parse_args(argv)
    chosen = [c for c in cases() if args.only in c.name or c.kind == "-"]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="seqlint-hostile-") as tmp:
        for case in chosen:
            rows.append(measure(case, Path(tmp), args.timeout))
    base = rows[0].seconds
    print(f"Budget: <= {BUDGET_S:g} s and <= {BUDGET_MB:g} MB per input of <= 1 MB, never clean")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; baseline {base:.2f} s\n")
    print("| input | kind | size | time | x plain | peak RSS | exit | found | verdict |")
    print("|---|---|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        exit_text = "killed" if r.code is None else str(r.code)
        verdict = r.verdict
        print(
            f"| {r.case.name} | {r.case.kind} | {r.size / 1024:,.0f} KB | {r.seconds:.2f} s "
            f"| {r.seconds / base:.1f}x | {r.peak_mb:,.0f} MB | {exit_text} "
            f"| {' '.join(r.codes) or '-'} | {verdict} |"
        )
    bad = [r for r in rows if not r.ok]
    print(f"\n{len(rows) - len(bad)} of {len(rows)} within budget")
    if args.only:
        return 1 if bad else 0
    with tempfile.TemporaryDirectory(prefix="seqlint-hostile-run-") as tmp:
        runs = measure_run(Path(tmp), args.timeout)
    print(f"\n`seqlint run --train --memory-limit {RUN_LIMIT_GB:g}`: never over its memory limit")
    print("| input | time | peak RSS (children so far) | exit | message | verdict |")
    print("|---|---:|---:|---:|---|---|")
    over = 0
    for name, seconds, peak, code, message in runs:
        # refused in one line, or (a batch larger than the data) capped as Keras does
        fine = code in (0, 1, 2) and peak <= RUN_LIMIT_GB * 1024 and "Traceback" not in message
        over += not fine
        shown = "killed" if code is None else str(code)
        print(
            f"| {name} | {seconds:.2f} s | {peak:,.0f} MB | {shown} | {message} "
            f"| {'ok' if fine else 'OVER'} |"
        )
    return 1 if bad or over else 0


if __name__ == "__main__":
    sys.exit(main())
