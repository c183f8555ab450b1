"""Training speed: one epoch of the same models in seqlint.runtime, Keras and PyTorch.

Models (Adam, batch 32, softmax + sparse categorical cross-entropy, float32):

- ``mlp``:  Dense(128, relu) - Dense(10) on 60,000 samples of 784 features;
- ``cnn``:  Conv2D(32, 3) - MaxPool - Conv2D(64, 3) - MaxPool - Flatten - Dense(128) - Dense(10)
  on 10,000 images of 28x28x1;
- ``lstm``: LSTM(64) - Dense(10) on 5,000 sequences of 50x16.

Every (framework, model) run is its own subprocess with the same thread count (BLAS, OpenMP,
TensorFlow intra/inter-op and torch threads all pinned). Each run first trains two batches (so
that graph tracing and allocation are not timed), then times one full epoch. Runs alternate
between frameworks, ``--repeat`` times (default 3); the median is reported with the peak
resident memory of the process. The ratio seqlint/Keras is printed per model::

    python benchmarks/train_speed.py                       # every model, 1 thread, 3 repeats
    python benchmarks/train_speed.py --models cnn --threads 2
    python benchmarks/train_speed.py --keras-python /opt/tf/bin/python   # Keras elsewhere
    python benchmarks/train_speed.py --models cnn --frameworks seqlint --gpu  # CPU vs GPU
    python benchmarks/train_speed.py --native-blas    # lift a machine's OpenBLAS kernel pin

Keras (TensorFlow backend) and PyTorch are optional: a framework that does not import in the
given interpreter is reported as missing. Targets on CPU: MLP <= 0.7x Keras, CNN <= 1.3x,
LSTM <= 1.5x.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from typing import Any

MODELS = ("mlp", "cnn", "lstm")
FRAMEWORKS = ("seqlint", "keras", "torch")
GPU_TARGET = 5.0  # seqlint GPU epoch at least 5x faster than its CPU epoch (CNN)
TARGETS = {"mlp": 0.7, "cnn": 1.3, "lstm": 1.5}
BATCH = 32


def data(model: str) -> tuple[Any, Any]:
    import numpy as np

    rng = np.random.default_rng(0)
    if model == "mlp":
        x = rng.random((60_000, 784), dtype=np.float32)
    elif model == "cnn":
        x = rng.random((10_000, 28, 28, 1), dtype=np.float32)
    else:
        x = rng.random((5_000, 50, 16), dtype=np.float32)
    y = rng.integers(0, 10, len(x)).astype(np.int64)
    return x, y


def keras_like(mod: Any, model: str, device: str | None = None) -> Any:
    """The model in a Keras-API module (``keras`` or ``seqlint.runtime``; ``device`` only
    for the latter)."""
    layers = mod.layers
    if model == "mlp":
        stack = [mod.Input(shape=(784,)), layers.Dense(128, activation="relu")]
    elif model == "cnn":
        stack = [
            mod.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
        ]
    else:
        stack = [mod.Input(shape=(50, 16)), layers.LSTM(64)]
    extra = {"device": device} if device else {}
    net = mod.Sequential([*stack, layers.Dense(10, activation="softmax")], **extra)
    net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return net


def run_keras_api(mod: Any, model: str, device: str | None = None) -> float:
    x, y = data(model)
    net = keras_like(mod, model, device)
    net.fit(x[: 2 * BATCH], y[: 2 * BATCH], batch_size=BATCH, epochs=1, verbose=0)
    start = time.perf_counter()
    net.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=True)
    return time.perf_counter() - start


def run_torch(model: str, threads: int) -> float:
    import numpy as np
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x, y = data(model)
    if model == "mlp":
        net: nn.Module = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    elif model == "cnn":
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
        net = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10),
        )  # fmt: skip
    else:

        class LastStep(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.lstm = nn.LSTM(16, 64, batch_first=True)
                self.out = nn.Linear(64, 10)

            def forward(self, t: torch.Tensor) -> torch.Tensor:
                return self.out(self.lstm(t)[0][:, -1])

        net = LastStep()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()  # softmax + cross-entropy, as in the Keras models
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def epoch(n: int) -> None:
        order = torch.randperm(n)
        for i in range(0, n, BATCH):
            idx = order[i : i + BATCH]
            opt.zero_grad()
            loss_fn(net(xt[idx]), yt[idx]).backward()
            opt.step()

    epoch(2 * BATCH)
    start = time.perf_counter()
    epoch(len(xt))
    return time.perf_counter() - start


def worker(framework: str, model: str, threads: int) -> None:
    import resource

    if framework in ("seqlint", "seqlint-gpu"):
        from seqlint import runtime
        from seqlint.runtime.backend import set_num_threads

        set_num_threads(threads)
        runtime.set_random_seed(0)
        device = "gpu" if framework == "seqlint-gpu" else "cpu"
        seconds = run_keras_api(runtime, model, device)
    elif framework == "keras":
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        import keras

        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        keras.utils.set_random_seed(0)
        seconds = run_keras_api(keras, model)
    else:
        seconds = run_torch(model, threads)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib, "blas": blas_kernels()}))


def blas_kernels() -> str:
    """The BLAS NumPy loaded and the kernels it picked (``OpenBLAS 0.3.31 SkylakeX``)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown"
    for lib in threadpool_info():
        if lib.get("user_api") == "blas":
            api = lib["internal_api"]
            name = {"openblas": "OpenBLAS", "mkl": "MKL"}.get(api, api)
            arch = lib.get("architecture") or ""
            return f"{name} {lib.get('version') or ''} {arch}".strip()
    return "unknown"


# Some machines pin OpenBLAS to older kernels (an old OpenBLAS miscomputed on their CPU);
# TensorFlow's oneDNN and torch pick their kernels themselves, so a fair run lifts the pin.
BLAS_PINS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def spawn(
    python: str, framework: str, model: str, threads: int, native_blas: bool = False
) -> dict[str, Any] | str:
    env = dict(os.environ)
    if native_blas:
        for var in BLAS_PINS:
            env.pop(var, None)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    if framework != "seqlint-gpu":
        env["CUDA_VISIBLE_DEVICES"] = ""  # Keras and torch on the CPU, as seqlint's CPU path
    env["PYTHONPATH"] = os.pathsep.join(
        p
        for p in (
            os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
            env.get("PYTHONPATH"),
        )
        if p
    )
    cmd = [python, os.path.abspath(__file__), "--worker", framework, model, str(threads)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        return last[:160]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def available(python: str, framework: str) -> bool:
    module = {"seqlint": "seqlint.runtime", "keras": "keras", "torch": "torch"}.get(framework, "")
    probe = f"import {module}"
    if framework == "seqlint-gpu":
        probe = "import cupy; assert cupy.cuda.runtime.getDeviceCount() > 0"
    if framework == "keras":
        probe = "import os; os.environ.setdefault('KERAS_BACKEND', 'tensorflow'); import keras"
    proc = subprocess.run([python, "-c", probe], capture_output=True, timeout=300)
    return proc.returncode == 0


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keras-python", default=sys.executable, help="interpreter with Keras")
    parser.add_argument("--torch-python", default=sys.executable, help="interpreter with torch")
    parser.add_argument(
        "--gpu", action="store_true", help="also time seqlint on the GPU (needs CuPy and a GPU)"
    )
    parser.add_argument(
        "--native-blas",
        action="store_true",
        help=f"unset {' and '.join(BLAS_PINS)} in the runs, so OpenBLAS picks its kernels",
    )
    args = parser.parse_args()
    models = [m for m in args.models.split(",") if m]
    pythons = {
        "seqlint": sys.executable,
        "seqlint-gpu": sys.executable,
        "keras": args.keras_python,
        "torch": args.torch_python,
    }
    wanted = [f for f in args.frameworks.split(",") if f] + (["seqlint-gpu"] if args.gpu else [])
    frameworks = [f for f in wanted if available(pythons[f], f)]
    missing = sorted(set(wanted) - set(frameworks))
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(f"threads: {args.threads}, repeats: {args.repeat}, batch {BATCH}, one epoch each")
    if missing:
        print(f"not installed (skipped): {', '.join(missing)}")
    blas = ""
    times: dict[tuple[str, str], list[float]] = {}
    peaks: dict[tuple[str, str], float] = {}
    errors: dict[tuple[str, str], str] = {}
    for model in models:
        for _ in range(args.repeat):
            for fw in frameworks:  # alternate, so that drifts hit every framework alike
                result = spawn(pythons[fw], fw, model, args.threads, args.native_blas)
                if isinstance(result, str):
                    errors[(fw, model)] = result
                    continue
                if fw == "seqlint":
                    blas = result.get("blas", "unknown")
                times.setdefault((fw, model), []).append(result["seconds"])
                peaks[(fw, model)] = max(peaks.get((fw, model), 0.0), result["peak_mib"])
    if blas:
        pinned = [f"{v}={os.environ[v]}" for v in BLAS_PINS if v in os.environ]
        note = "" if args.native_blas or not pinned else f" (pinned by {', '.join(pinned)})"
        print(f"seqlint BLAS: {blas}{note}")
    print()
    header = f"{'model':6} {'framework':11} {'s/epoch':>9} {'peak MiB':>9}"
    print(header)
    print("-" * len(header))
    for model in models:
        for fw in frameworks:
            key = (fw, model)
            if key in times:
                med = statistics.median(times[key])
                print(f"{model:6} {fw:11} {med:9.2f} {peaks[key]:9.0f}")
            else:
                print(f"{model:6} {fw:11} {'error':>9}  {errors.get(key, '')}")
    print()
    for model in models:
        ours, theirs = times.get(("seqlint", model)), times.get(("keras", model))
        if ours and theirs:
            ratio = statistics.median(ours) / statistics.median(theirs)
            verdict = "meets" if ratio <= TARGETS[model] else "misses"
            print(
                f"{model}: seqlint/keras = {ratio:.2f}x ({verdict} the target <= {TARGETS[model]}x)"
            )
        gpu_t = times.get(("seqlint-gpu", model))
        if ours and gpu_t:
            speedup = statistics.median(ours) / statistics.median(gpu_t)
            verdict = "meets" if speedup >= GPU_TARGET else "misses"
            print(
                f"{model}: seqlint GPU is {speedup:.1f}x faster than seqlint CPU "
                f"({verdict} the CNN target >= {GPU_TARGET:.0f}x)"
            )
        torch_t = times.get(("torch", model))
        if ours and torch_t:
            ratio = statistics.median(ours) / statistics.median(torch_t)
            print(f"{model}: seqlint/torch = {ratio:.2f}x")


if __name__ == "__main__":
    main()
