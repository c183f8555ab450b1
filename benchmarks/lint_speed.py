"""Lint speed at repository scale: seqlint (cold and warm) against ruff and pylint.

Builds a synthetic repository in a temporary directory (by default 3,000 files: 10 % Keras
models, as ``.py`` scripts and ``.ipynb`` notebooks in varied styles, and ordinary Python modules
of 100-600 lines), then times, each as a subprocess on the same tree and restricted to the same
CPUs:

- ``seqlint check`` cold (empty cache; the run fills it), ``--no-cache``, and warm (cache filled),
- ``ruff check --no-cache`` (cold) and ``ruff check`` with its cache filled (warm),
- ``pylint`` when it is installed (``--recursive=y``, ``--jobs`` = the CPUs; without its
  duplicate-code check, which compares every file with every other in one process and takes
  hours on a tree generated from templates),

and prints wall times and the ratios the project targets (cold <= 3x ruff, warm <= 1x ruff,
>= 10x faster than pylint)::

    python benchmarks/lint_speed.py                  # 3,000 files, every CPU
    python benchmarks/lint_speed.py --files 600 --jobs 2 --no-pylint
    python benchmarks/lint_speed.py --build-only /tmp/tree   # just write the tree

Every file is generated from templates in this script (seeded, so runs are comparable).

``--real-world DIR`` times real code instead: a tree of public Keras repositories (tutorial,
course and book repositories, mostly notebooks; see ``benchmarks/REAL_WORLD.md`` for the
pinned list and how to fetch it). The tree is copied to a temporary directory (the cache is
written there, never into DIR), and seqlint and ruff run on it in turn, so the ratios come from
one run on one machine state. Wall and CPU time are both printed (a loaded machine moves wall
time, much less CPU time); the one-file check is compared with ``python -c "import numpy"``::

    python benchmarks/lint_speed.py --real-world /work/nb --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path

# --------------------------------------------------------------------------------------------
# Ordinary Python modules

VERBS = [
    "load", "parse", "compute", "merge", "render", "collect", "validate", "normalize",
    "fetch", "build", "update", "resolve", "filter", "group", "index", "encode", "decode",
    "split", "flatten", "summarize", "schedule", "dispatch", "register", "convert",
]  # fmt: skip
NOUNS = [
    "record", "config", "entry", "item", "payload", "user", "order", "report", "token",
    "segment", "batch", "metric", "event", "node", "path", "header", "column", "invoice",
    "session", "profile", "window", "bucket", "message", "rule", "account", "asset",
]  # fmt: skip
ADJECTIVES = ["raw", "clean", "pending", "active", "cached", "local", "remote", "stale", "valid"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}"


def _cls_name(rng: random.Random) -> str:
    return (
        rng.choice(ADJECTIVES).title()
        + rng.choice(NOUNS).title()
        + rng.choice(["Store", "Manager", "Parser", "Builder", "Index", "Queue", "View", "Client"])
    )


def _fn_loop(rng: random.Random, name: str) -> str:
    noun = rng.choice(NOUNS)
    return f'''
def {name}({noun}s: list[dict[str, object]], limit: int = {rng.randint(5, 500)}) -> list[str]:
    """Return the keys of the first ``limit`` {noun}s that carry a value."""
    out: list[str] = []
    for position, {noun} in enumerate({noun}s):
        if position >= limit:
            break
        for key, value in sorted({noun}.items()):
            if value is None or value == "":
                continue
            if isinstance(value, str) and value.startswith("#"):
                out.append(key.upper())
            else:
                out.append(key)
    return out
'''


def _fn_dict(rng: random.Random, name: str) -> str:
    a, b = rng.sample(NOUNS, 2)
    return f'''
def {name}({a}_rows: list[tuple[str, int]]) -> dict[str, int]:
    """Sum the counts per {b}, skipping negative ones."""
    totals: dict[str, int] = defaultdict(int)
    for {b}, count in {a}_rows:
        if count < 0:
            logger.debug("skipping %s with count %d", {b}, count)
            continue
        totals[{b}] += count
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    return dict(ranked[: {rng.randint(3, 50)}])
'''


def _fn_text(rng: random.Random, name: str) -> str:
    sep = rng.choice([",", ";", "|", "\\t"])
    return f'''
def {name}(text: str) -> list[list[str]]:
    """Split ``text`` into rows of stripped cells; comment lines start with '#'."""
    rows = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("{sep}")]
        if len(cells) < {rng.randint(1, 4)}:
            raise ValueError(f"line {{line_no}}: expected more cells, got {{len(cells)}}")
        rows.append(cells)
    return rows
'''


def _fn_try(rng: random.Random, name: str) -> str:
    noun = rng.choice(NOUNS)
    return f'''
def {name}(path: str, default: object = None) -> object:
    """Read a JSON {noun} from ``path``; ``default`` when it is missing or broken."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return default
    except json.JSONDecodeError as exc:
        logger.warning("broken {noun} file %s: %s", path, exc)
        return default
    if not isinstance(data, dict):
        return default
    return data.get("{noun}", default)
'''


def _fn_math(rng: random.Random, name: str) -> str:
    return f'''
def {name}(values: list[float], window: int = {rng.randint(2, 12)}) -> list[float]:
    """A moving average of ``values`` over ``window`` samples, then clipped to [lo, hi]."""
    if window <= 0:
        raise ValueError("window must be positive")
    averaged = []
    running = 0.0
    for i, value in enumerate(values):
        running += value
        if i >= window:
            running -= values[i - window]
        averaged.append(running / min(i + 1, window))
    lo, hi = min(averaged, default=0.0), max(averaged, default=0.0)
    spread = (hi - lo) or 1.0
    return [round((v - lo) / spread, {rng.randint(2, 6)}) for v in averaged]
'''


def _fn_gen(rng: random.Random, name: str) -> str:
    noun = rng.choice(NOUNS)
    return f'''
def {name}(items: Iterable[str], size: int = {rng.randint(2, 64)}) -> Iterator[list[str]]:
    """Yield ``items`` in chunks of ``size`` {noun}s, the last one possibly shorter."""
    chunk: list[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
'''


def _fn_recursive(rng: random.Random, name: str) -> str:
    return f'''
def {name}(tree: dict[str, object], prefix: str = "") -> dict[str, object]:
    """Flatten nested dictionaries into dotted keys."""
    flat: dict[str, object] = {{}}
    for key, value in tree.items():
        full = f"{{prefix}}.{{key}}" if prefix else key
        if isinstance(value, dict) and len(full) < {rng.randint(40, 200)}:
            flat.update({name}(value, full))
        else:
            flat[full] = value
    return flat
'''


def _cls_plain(rng: random.Random) -> str:
    cls = _cls_name(rng)
    noun = rng.choice(NOUNS)
    methods = []
    for _ in range(rng.randint(2, 6)):
        verb = rng.choice(VERBS)
        methods.append(
            f'''
    def {verb}_{noun}(self, key: str, value: object | None = None) -> object | None:
        """{verb.title()} one {noun} by key."""
        with self._lock:
            if value is None:
                return self._items.get(key)
            self._items[key] = value
            self._history.append((key, time.monotonic()))
            if len(self._history) > self.capacity:
                oldest, _ = self._history.pop(0)
                self._items.pop(oldest, None)
            return value'''
        )
    return f'''

class {cls}:
    """Keeps {noun}s in memory, evicting the oldest beyond ``capacity``."""

    def __init__(self, capacity: int = {rng.randint(8, 4096)}) -> None:
        self.capacity = capacity
        self._items: dict[str, object] = {{}}
        self._history: list[tuple[str, float]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items
{"".join(methods)}
'''


def _cls_dataclass(rng: random.Random) -> str:
    cls = _cls_name(rng)
    fields = rng.sample(NOUNS, rng.randint(3, 7))
    body = "\n".join(
        f"    {f}: {rng.choice(['int', 'str', 'float', 'bool'])} | None = None" for f in fields
    )
    checks = "\n".join(
        f"        if self.{f} is not None:\n            out[{f!r}] = self.{f}" for f in fields
    )
    return f'''

@dataclass
class {cls}:
    """A {fields[0]} with optional attributes."""

    name: str
{body}
    tags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {{"name": self.name}}
{checks}
        if self.tags:
            out["tags"] = list(self.tags)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> {cls}:
        known = {{k: v for k, v in data.items() if k in cls.__dataclass_fields__}}
        return cls(**known)  # type: ignore[arg-type]
'''


FUNCTIONS: list[Callable[[random.Random, str], str]] = [
    _fn_loop, _fn_dict, _fn_text, _fn_try, _fn_math, _fn_gen, _fn_recursive,
]  # fmt: skip

MODULE_HEADER = '''"""{doc}"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

DEFAULT_{const} = {value}
'''


def ordinary_module(rng: random.Random, target_lines: int, torch: bool = False) -> str:
    doc = f"Helpers to {rng.choice(VERBS)} {rng.choice(NOUNS)}s and {rng.choice(NOUNS)}s."
    parts = [
        MODULE_HEADER.format(doc=doc, const=rng.choice(NOUNS).upper(), value=rng.randint(1, 10_000))
    ]
    if torch:  # a PyTorch module: mentions "Sequential", so it passes the cheap pre-filter
        parts.append(
            textwrap.dedent(f"""
            import torch
            from torch import nn


            def make_head(width: int = {rng.randint(16, 512)}) -> nn.Module:
                return nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 1))
            """)
        )
    lines = sum(p.count("\n") for p in parts)
    used: set[str] = set()
    while lines < target_lines:
        roll = rng.random()
        if roll < 0.15:
            chunk = _cls_plain(rng)
        elif roll < 0.25:
            chunk = _cls_dataclass(rng)
        else:
            name = _name(rng)
            while name in used:
                name = f"{_name(rng)}_{len(used)}"
            used.add(name)
            chunk = "\n" + rng.choice(FUNCTIONS)(rng, name)
        parts.append(chunk)
        lines += chunk.count("\n")
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# Keras models

# (import lines, Sequential name, layer prefix, Input expression or None)
IMPORT_STYLES: list[tuple[str, str, str, str | None]] = [
    ("from tensorflow import keras\nfrom tensorflow.keras import layers", "keras.Sequential",
     "layers.", "keras.Input"),
    ("import tensorflow as tf", "tf.keras.Sequential", "tf.keras.layers.", "tf.keras.Input"),
    ("import keras\nfrom keras import layers", "keras.Sequential", "layers.", "keras.Input"),
    ("from keras.models import Sequential\nfrom keras.layers import *", "Sequential", "", "Input"),
    ("from tensorflow.keras.models import Sequential\nfrom tensorflow.keras import layers as L",
     "Sequential", "L.", None),
]  # fmt: skip


def _mlp(rng: random.Random, p: str, buggy: bool) -> tuple[tuple[int, ...], list[str], str, int]:
    features = rng.choice([8, 13, 20, 30, 64, 100])
    classes = rng.choice([2, 3, 5, 10])
    widths = sorted(rng.sample([16, 32, 64, 128, 256, 512], rng.randint(1, 3)), reverse=True)
    body = []
    for w in widths:
        body.append(f'{p}Dense({w}, activation="{rng.choice(["relu", "tanh", "elu"])}")')
        if rng.random() < 0.4:
            body.append(f"{p}Dropout({rng.choice([0.1, 0.2, 0.3, 0.5])})")
        if rng.random() < 0.2:
            body.append(f"{p}BatchNormalization()")
    if classes == 2:
        units = 2 if buggy else 1
        body.append(f'{p}Dense({units}, activation="sigmoid")')
        loss = "binary_crossentropy"
    else:
        body.append(f'{p}Dense({1 if buggy else classes}, activation="softmax")')
        loss = "sparse_categorical_crossentropy"
    return (features,), body, loss, classes


def _cnn(rng: random.Random, p: str, buggy: bool) -> tuple[tuple[int, ...], list[str], str, int]:
    side = rng.choice([28, 32, 64])
    channels = rng.choice([1, 3])
    classes = rng.choice([10, 100, 5])
    body = []
    for filters in [32, 64, 128][: rng.randint(1, 3)]:
        body.append(f'{p}Conv2D({filters}, ({3}, {3}), activation="relu", padding="same")')
        if rng.random() < 0.3:
            body.append(f"{p}BatchNormalization()")
        body.append(f"{p}MaxPooling2D(({2}, {2}))")
    if not buggy:
        body.append(rng.choice([f"{p}Flatten()", f"{p}GlobalAveragePooling2D()"]))
    body.append(f'{p}Dense({rng.choice([64, 128, 256])}, activation="relu")')
    body.append(f"{p}Dropout(0.5)")
    body.append(f'{p}Dense({classes}, activation="softmax")')
    return (side, side, channels), body, "sparse_categorical_crossentropy", classes


def _rnn(rng: random.Random, p: str, buggy: bool) -> tuple[tuple[int, ...], list[str], str, int]:
    steps = rng.choice([40, 80, 100, 200])
    vocab = rng.choice([5000, 10000, 20000])
    classes = rng.choice([2, 4, 6])
    cell = rng.choice(["LSTM", "GRU"])
    body = [f"{p}Embedding({vocab}, {rng.choice([32, 64, 128])})"]
    if rng.random() < 0.5:
        body.append(f"{p}{cell}({rng.choice([32, 64])}, return_sequences=True)")
    body.append(f"{p}{cell}({rng.choice([16, 32, 64])}, return_sequences={buggy})")
    body.append(f'{p}Dense({classes}, activation="softmax")')
    return (steps,), body, "sparse_categorical_crossentropy", classes


HELPERS = '''

def plot_history(history, path="history.png"):
    """Save the training curves next to the script."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    for i, key in enumerate(["loss", "accuracy"]):
        ax[i].plot(history.history.get(key, []), label="train")
        ax[i].plot(history.history.get("val_" + key, []), label="validation")
        ax[i].set_title(key)
        ax[i].legend()
    fig.savefig(path)


def describe(array, name):
    print(f"{name}: shape={array.shape} dtype={array.dtype} "
          f"min={array.min():.3f} max={array.max():.3f}")
'''


def keras_script(rng: random.Random) -> str:
    imports, seq, p, input_fn = rng.choice(IMPORT_STYLES)
    if input_fn is None:
        input_fn = ""
    arch = rng.choice([_mlp, _mlp, _cnn, _cnn, _rnn])
    buggy = rng.random() < 0.2
    in_shape, body, loss, classes = arch(rng, p, buggy)
    n = rng.choice([64, 128, 256])
    shape_text = ", ".join(str(d) for d in in_shape) + ("," if len(in_shape) == 1 else "")
    if arch is _rnn:
        data = f"x_train = np.random.randint(0, 1000, size=({n}, {in_shape[0]}))"
    else:
        data = f"x_train = np.random.rand({n}, {shape_text.rstrip(',')}).astype('float32')"
    if loss == "binary_crossentropy":
        labels = f"y_train = np.random.randint(0, 2, size=({n},))"
    else:
        labels = f"y_train = np.random.randint(0, {classes}, size=({n},))"

    style = rng.choice(["list", "add", "function", "loop"])
    first_input = input_fn and rng.random() < 0.6
    lines = [f'"""Train a small {arch.__name__[1:].upper()} on random data."""', ""]
    lines += ["import numpy as np", *imports.split("\n"), ""]
    lines += [f"INPUT_SHAPE = ({shape_text})", f"EPOCHS = {rng.randint(1, 30)}", ""]
    lines += [data, labels, ""]
    if not first_input and rng.random() < 0.8:  # declare the input on the first layer
        head = body[0]
        body[0] = head[:-1] + (", " if not head.endswith("()") else "") + "input_shape=INPUT_SHAPE)"
    if first_input:
        body.insert(0, f"{input_fn}(shape=INPUT_SHAPE)")

    if style == "list":
        lines.append(f"model = {seq}([")
        lines += [f"    {layer}," for layer in body]
        lines.append("])")
    elif style == "add":
        lines.append(f"model = {seq}()")
        lines += [f"model.add({layer})" for layer in body]
    elif style == "function":
        lines.append("def build_model(learning_rate=1e-3):")
        lines.append(f"    model = {seq}(name='{arch.__name__[1:]}_model')")
        lines += [f"    model.add({layer})" for layer in body]
        lines.append(f'    model.compile(optimizer="adam", loss="{loss}", metrics=["accuracy"])')
        lines.append("    return model")
        lines.append("")
        lines.append("")
        lines.append("model = build_model()")
    else:  # a loop over the hidden layers
        lines.append(f"model = {seq}()")
        lines.append(f"model.add({body[0]})")
        middle, last = body[1:-1], body[-1]
        if middle:
            lines.append("HIDDEN = [")
            lines += [f"    {layer}," for layer in middle]
            lines.append("]")
            lines.append("for layer in HIDDEN:")
            lines.append("    model.add(layer)")
        lines.append(f"model.add({last})")
    lines.append("")
    if style != "function":
        lines.append(f'model.compile(optimizer="adam", loss="{loss}", metrics=["accuracy"])')
    lines.append(
        f"history = model.fit(x_train, y_train, epochs=EPOCHS, batch_size={rng.choice([16, 32])},"
        f" validation_split=0.2)"
    )
    lines.append("model.summary()")
    text = "\n".join(lines) + "\n"
    if rng.random() < 0.7:
        text += HELPERS
    for _ in range(rng.randint(0, 4)):  # the utilities real training scripts carry along
        name = _name(rng)
        text += "\n" + rng.choice(FUNCTIONS)(rng, name)
    if "defaultdict" in text or "logger" in text or "Iterable" in text:
        text = text.replace(
            "import numpy as np\n",
            "import json\nimport logging\nfrom collections import defaultdict\n"
            "from collections.abc import Iterable, Iterator\n\nimport numpy as np\n",
            1,
        )
        text += "\nlogger = logging.getLogger(__name__)\n"
    return text


def notebook(rng: random.Random, script: str) -> str:
    """Split a script into notebook cells, with markdown, magics and some outputs."""
    blocks = [b for b in script.split("\n\n") if b.strip()]
    cells: list[dict[str, object]] = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Experiment\n", "Notes.\n"]}
    ]
    if rng.random() < 0.5:
        blocks.insert(0, "%matplotlib inline")
    if rng.random() < 0.3:
        blocks.insert(0, "!pip install -q tensorflow")
    for count, block in enumerate(blocks, start=1):
        lines = block.split("\n")
        outputs: list[dict[str, object]] = []
        if rng.random() < 0.3:
            outputs.append(
                {
                    "name": "stdout",
                    "output_type": "stream",
                    "text": [f"Epoch {i}/10 - loss: {rng.random():.4f}\n" for i in range(10)],
                }
            )
        cells.append(
            {
                "cell_type": "code",
                "execution_count": count,
                "metadata": {},
                "outputs": outputs,
                "source": [ln + "\n" for ln in lines[:-1]] + [lines[-1]],
            }
        )
        if rng.random() < 0.2:
            cells.append({"cell_type": "markdown", "metadata": {}, "source": ["Next step."]})
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.0"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1) + "\n"


# --------------------------------------------------------------------------------------------
# The tree


def build_tree(
    root: Path, n_files: int = 3000, keras_fraction: float = 0.10, seed: int = 0
) -> dict[str, int]:
    """Write the synthetic repository under ``root``; returns counts and bytes."""
    rng = random.Random(seed)
    n_keras = round(n_files * keras_fraction)
    n_torch = max(1, n_files // 100)  # PyTorch modules mention "Sequential" too
    packages = [f"src/app/{rng.choice(NOUNS)}_{i}" for i in range(max(1, n_files // 60))]
    stats = {"files": 0, "keras_py": 0, "keras_ipynb": 0, "plain": 0, "bytes": 0}
    for i in range(n_files):
        if i < n_keras:
            script = keras_script(rng)
            if rng.random() < 0.3:
                rel = f"notebooks/{rng.choice(NOUNS)}_{i}.ipynb"
                text = notebook(rng, script)
                stats["keras_ipynb"] += 1
            else:
                rel = f"{rng.choice(['models', 'experiments', 'src/training'])}/train_{i}.py"
                text = script
                stats["keras_py"] += 1
        else:
            pkg = rng.choice(packages)
            rel = f"{pkg}/{_name(rng)}_{i}.py"
            text = ordinary_module(rng, rng.randint(100, 600), torch=i < n_keras + n_torch)
            stats["plain"] += 1
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        stats["files"] += 1
        stats["bytes"] += len(text.encode("utf-8"))
    for pkg in packages:
        (root / pkg / "__init__.py").touch()
    return stats


# --------------------------------------------------------------------------------------------
# Timing


def _affinity(cpus: int) -> Callable[[], None] | None:
    if not hasattr(os, "sched_setaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0))[:cpus]

    def pin() -> None:
        os.sched_setaffinity(0, allowed)

    return pin


def time_command(
    cmd: Sequence[str], cwd: Path, cpus: int, env: dict[str, str] | None = None
) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(
        list(cmd),
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_affinity(cpus),  # noqa: PLW1509
        env={**os.environ, **(env or {})},
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        err = proc.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise SystemExit(f"{' '.join(cmd)} failed with exit {proc.returncode}: {err}")
    return elapsed, proc.returncode


def best_of(
    repeat: int, run: Callable[[], float], prepare: Callable[[], None] | None = None
) -> float:
    times = []
    for _ in range(repeat):
        if prepare is not None:
            prepare()
        times.append(run())
    return min(times)


def _tool(name: str) -> str | None:
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else shutil.which(name)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} CPUs, {system}, Python {platform.python_version()}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=3000)
    ap.add_argument("--keras-fraction", type=float, default=0.10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--jobs",
        type=int,
        default=len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count() or 1,
    )
    ap.add_argument("--repeat", type=int, default=3, help="best of N for seqlint and ruff")
    ap.add_argument("--no-pylint", action="store_true")
    ap.add_argument(
        "--pylint-files",
        type=int,
        default=0,
        help="time pylint on every k-th file only (this many) and scale up; 0 = the whole tree",
    )
    ap.add_argument("--keep", metavar="DIR", help="build the tree in DIR and keep it")
    ap.add_argument("--build-only", metavar="DIR", help="only write the tree to DIR")
    ap.add_argument(
        "--real-world", metavar="DIR", help="time a tree of real repositories (copied first)"
    )
    args = ap.parse_args(argv)

    if args.real_world:
        return real_world(Path(args.real_world), args)

    if args.build_only:
        root = Path(args.build_only)
        root.mkdir(parents=True, exist_ok=True)
        stats = build_tree(root, args.files, args.keras_fraction, args.seed)
        print(json.dumps(stats))
        return 0

    tmp = None
    if args.keep:
        root = Path(args.keep)
        root.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="seqlint-bench-")
        root = Path(tmp.name)
    try:
        return _bench(root, args)
    finally:
        if tmp is not None:
            tmp.cleanup()


def _bench(root: Path, args: argparse.Namespace) -> int:
    tree = root / "repo"
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir()
    t0 = time.perf_counter()
    stats = build_tree(tree, args.files, args.keras_fraction, args.seed)
    print(
        f"tree: {stats['files']} files ({stats['keras_py']} Keras .py, {stats['keras_ipynb']} "
        f"Keras .ipynb, {stats['plain']} other), {stats['bytes'] / 1e6:.1f} MB, "
        f"built in {time.perf_counter() - t0:.1f} s"
    )
    print(f"machine: {machine()}; every tool restricted to {args.jobs} CPU(s)", flush=True)
    jobs, cpus = str(args.jobs), args.jobs
    seqlint = [
        sys.executable,
        "-m",
        "seqlint",
        "check",
        "--exit-zero",
        "--output-format",
        "concise",
    ]
    cache_dir = tree / ".seqlint_cache"

    def clear_cache() -> None:
        shutil.rmtree(cache_dir, ignore_errors=True)

    results = _Results()
    results["seqlint cold"] = best_of(
        args.repeat,
        lambda: time_command([*seqlint, "--jobs", jobs, "."], tree, cpus)[0],
        clear_cache,
    )
    results["seqlint --no-cache"] = best_of(
        args.repeat,
        lambda: time_command([*seqlint, "--no-cache", "--jobs", jobs, "."], tree, cpus)[0],
    )
    time_command([*seqlint, "--jobs", jobs, "."], tree, cpus)  # fill the cache
    results["seqlint warm"] = best_of(
        args.repeat, lambda: time_command([*seqlint, "--jobs", jobs, "."], tree, cpus)[0]
    )

    ruff = _tool("ruff")
    rayon = {"RAYON_NUM_THREADS": jobs}
    if ruff:
        ruff_cmd = [ruff, "check", "--isolated", "--exit-zero", "--quiet"]
        results["ruff cold"] = best_of(
            args.repeat,
            lambda: time_command([*ruff_cmd, "--no-cache", "."], tree, cpus, rayon)[0],
        )
        time_command([*ruff_cmd, "."], tree, cpus, rayon)  # fill ruff's cache
        results["ruff warm"] = best_of(
            args.repeat, lambda: time_command([*ruff_cmd, "."], tree, cpus, rayon)[0]
        )
        shutil.rmtree(tree / ".ruff_cache", ignore_errors=True)

    pylint = _tool("pylint")
    if pylint and not args.no_pylint:
        targets = ["."]
        scale = 1.0
        if args.pylint_files:
            py_files = sorted(str(p.relative_to(tree)) for p in tree.rglob("*.py"))
            step = max(1, len(py_files) // args.pylint_files)
            targets = py_files[::step][: args.pylint_files]
            scale = len(py_files) / len(targets)
        # duplicate-code compares every file with every other in one process: on a tree made
        # from templates it takes hours and would say nothing about pylint's usual speed
        cmd = [pylint, "--recursive=y", f"--jobs={jobs}", "--exit-zero", "--score=n",
               "--disable=duplicate-code", *targets]  # fmt: skip
        elapsed = time_command(cmd, tree, cpus)[0]
        results["pylint"] = elapsed * scale
        if scale != 1.0:
            print(f"pylint: timed on {len(targets)} files, scaled x{scale:.1f}")

    print()
    cold, warm = results["seqlint cold"], results["seqlint warm"]
    ok = True
    if "ruff cold" in results:
        ruff_cold, ruff_warm = results["ruff cold"], results["ruff warm"]
        ok &= _ratio("seqlint cold / ruff", cold / ruff_cold, "<=", 3.0)
        ok &= _ratio("seqlint warm / ruff", warm / ruff_cold, "<=", 1.0)
        _ratio("seqlint cold / ruff warm", cold / ruff_warm)
        _ratio("seqlint warm / ruff warm", warm / ruff_warm)
    if "pylint" in results:
        ok &= _ratio("pylint / seqlint cold", results["pylint"] / cold, ">=", 10.0)
    print()
    print("all targets met" if ok else "some targets NOT met")
    return 0 if ok else 1


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    cmd: Sequence[str], cwd: Path, cpus: int, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``cmd``."""
    before = _children_cpu()
    wall = time_command(cmd, cwd, cpus, env)[0]
    return wall, _children_cpu() - before


def best_timed(repeat: int, run: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    """The run with the least CPU time of ``repeat`` (with its wall time)."""
    return min((run() for _ in range(repeat)), key=lambda t: t[1])


SMALL_MODEL = """\
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(64, activation="relu"),
                          layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
"""


def real_world(source: Path, args: argparse.Namespace) -> int:
    """Cold (no cache), warm and one-file timings of seqlint on a copy of ``source``, with
    ruff's on the same copy and ``python -c "import numpy"``, and the ratios."""
    if not source.is_dir():
        print(f"lint_speed: not a directory: {source}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="seqlint-real-") as tmp:
        tree = Path(tmp) / "tree"
        shutil.copytree(
            source, tree, ignore=shutil.ignore_patterns(".seqlint_cache", ".ruff_cache", ".git")
        )
        n_files = sum(1 for p in tree.rglob("*") if p.suffix in (".py", ".ipynb"))
        size = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file())
        print(f"tree: {source} ({n_files} .py/.ipynb files, {size / 1e6:.0f} MB), copied")
        print(f"machine: {machine()}; every tool restricted to {args.jobs} CPU(s)", flush=True)
        jobs, cpus = str(args.jobs), args.jobs
        # seqlint as installed: with its bytecode cached (PYTHONDONTWRITEBYTECODE would make
        # every run compile seqlint's sources again, which an installed package never does)
        compiled = {"PYTHONDONTWRITEBYTECODE": ""}
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(Path(__file__).parents[1] / "seqlint")],
            env={**os.environ, **compiled},
            stdout=subprocess.DEVNULL,
            check=False,
        )
        seqlint = [sys.executable, "-m", "seqlint", "check", "--exit-zero", "--jobs", jobs]
        seqlint += ["--output-format", "concise"]
        rows: dict[str, tuple[float, float]] = {}

        def row(name: str, value: tuple[float, float]) -> None:
            rows[name] = value
            print(f"  {name:<26} {value[0]:8.2f} s wall {value[1]:8.2f} s CPU", flush=True)

        print()
        row("seqlint --no-cache", best_timed(
            args.repeat, lambda: timed([*seqlint, "--no-cache", "."], tree, cpus, compiled)
        ))  # fmt: skip
        timed([*seqlint, "."], tree, cpus, compiled)  # fill the cache
        row("seqlint warm", best_timed(
            args.repeat, lambda: timed([*seqlint, "."], tree, cpus, compiled)
        ))  # fmt: skip
        small = Path(tmp) / "small_model.py"
        small.write_text(SMALL_MODEL, encoding="utf-8")
        one = [*seqlint, "--no-cache", str(small)]
        row("seqlint one small file", best_timed(
            args.repeat, lambda: timed(one, tree, cpus, compiled)
        ))  # fmt: skip
        numpy = [sys.executable, "-c", "import numpy"]
        row("python -c 'import numpy'", best_timed(args.repeat, lambda: timed(numpy, tree, 1)))
        ruff = _tool("ruff")
        if ruff:
            rayon = {"RAYON_NUM_THREADS": jobs}
            ruff_cmd = [ruff, "check", "--isolated", "--exit-zero", "--quiet"]
            row("ruff --no-cache", best_timed(
                args.repeat, lambda: timed([*ruff_cmd, "--no-cache", "."], tree, cpus, rayon)
            ))  # fmt: skip
        print()
        ok = True
        one_wall, numpy_wall = (
            rows["seqlint one small file"][0],
            rows["python -c 'import numpy'"][0],
        )
        ok &= _ratio("one small file / import numpy", one_wall / numpy_wall, "<=", 1.0)
        one_cpu, numpy_cpu = rows["seqlint one small file"][1], rows["python -c 'import numpy'"][1]
        _ratio("one small file / numpy (CPU)", one_cpu / max(numpy_cpu, 1e-9))
        if ruff:
            cold, warm, ruff_cold = (
                rows["seqlint --no-cache"],
                rows["seqlint warm"],
                rows["ruff --no-cache"],
            )
            ok &= _ratio("seqlint cold / ruff (wall)", cold[0] / ruff_cold[0], "<=", 3.0)
            ok &= _ratio("seqlint warm / ruff (wall)", warm[0] / ruff_cold[0], "<=", 1.0)
            _ratio("seqlint cold / ruff (CPU)", cold[1] / max(ruff_cold[1], 1e-9))
            _ratio("seqlint warm / ruff (CPU)", warm[1] / max(ruff_cold[1], 1e-9))
        print()
        print("all targets met" if ok else "some targets NOT met")
        return 0 if ok else 1


class _Results(dict[str, float]):
    """Timings, each printed as soon as it is known (pylint takes minutes)."""

    def __setitem__(self, name: str, seconds: float) -> None:
        if not self:
            print()
        print(f"  {name:<20}  {seconds:8.2f} s", flush=True)
        super().__setitem__(name, seconds)


def _ratio(label: str, value: float, op: str | None = None, target: float | None = None) -> bool:
    if op is None or target is None:
        print(f"  {label:<28} {value:6.2f}x")
        return True
    met = value <= target if op == "<=" else value >= target
    print(f"  {label:<28} {value:6.2f}x   target {op} {target:g}x: {'met' if met else 'NOT met'}")
    return met


if __name__ == "__main__":
    sys.exit(main())
