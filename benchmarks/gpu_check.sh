#!/usr/bin/env bash
# GPU check for seqlint.runtime's CuPy backend, in well under 5 minutes on one GPU:
#   1. the golden parity tests (every layer against real Keras) and the device tests, on the GPU;
#   2. the training benchmark's CNN, seqlint on the CPU vs seqlint on the GPU (target >= 5x).
# Needs CuPy and a visible GPU: python -m pip install -e '.[gpu,test]'
# Usage: bash benchmarks/gpu_check.sh   (from anywhere; ../shared must sit beside the checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python}"

"$PY" - <<'PYEOF'
import sys
try:
    import cupy
    n = cupy.cuda.runtime.getDeviceCount()
except Exception as exc:  # ImportError, or no CUDA driver
    sys.exit(f"gpu_check: CuPy with a GPU is needed ({exc.__class__.__name__}: {exc})")
props = cupy.cuda.runtime.getDeviceProperties(0)
print(f"gpu_check: CuPy {cupy.__version__}, {n} GPU(s), {props['name'].decode()}")
PYEOF

echo "== golden parity and device tests on the GPU"
"$PY" -m pytest -q -p no:cacheprovider tests/test_runtime_layers.py tests/test_runtime_device.py \
    -k "gpu and not fake"

echo "== training speed: CNN epoch, seqlint CPU vs GPU"
"$PY" benchmarks/train_speed.py --models cnn --frameworks seqlint --gpu --repeat 3 --native-blas \
    --threads "$(nproc)"
