"""Derive seqlint/data/removed_api.json: the Keras 2 public names Keras 3 no longer has.

Run it in a throwaway environment that has TensorFlow, Keras 3 and ``tf_keras`` (Keras 2),
never in seqlint's own environment:

    python scripts/derive_removed_api.py dump tf_keras > keras2.json
    python scripts/derive_removed_api.py dump keras > keras3.json
    python scripts/derive_removed_api.py dump keras._tf_keras.keras > tf_keras3.json
    python scripts/derive_removed_api.py diff keras2.json keras3.json > removed.json
    python scripts/derive_removed_api.py verify removed.json > seqlint/data/removed_api.json
    python scripts/derive_removed_api.py targets keras3.json > seqlint/data/keras3_names.json

``targets`` keeps the Keras 3 names of the modules that removed-api's fixes rewrite imports to
(``keras.layers.core`` -> ``keras.layers`` is safe only when every imported name is there).

``dump`` walks a package's public modules (names not starting with ``_``) and lists each
module's public names, with the package renamed to ``keras``. ``diff`` keeps the Keras 2 modules
and names that ``import keras`` (Keras 3) lacks; ``verify`` (run with Keras 3) keeps only those
whose import really fails there. A removed name that Keras 3 still has in another module gets
that module as its replacement. Only standalone ``keras`` is covered: ``tf.keras`` of
TensorFlow >= 2.16 re-exports several legacy names, and is left to the hand-written tables.
"""

from __future__ import annotations

import importlib
import json
import sys
import types
from typing import Any

# Parts of the Keras 2 namespace that are not Keras API (TensorFlow internals it re-exports).
_SKIP = {"src", "protobuf", "dtensor", "estimator", "api"}


def dump(package: str) -> dict[str, list[str]]:
    root = importlib.import_module(package)
    out: dict[str, list[str]] = {}
    todo: list[tuple[str, types.ModuleType]] = [("keras", root)]
    seen: set[int] = set()
    while todo:
        name, module = todo.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        names = []
        for attr in sorted(dir(module)):
            if attr.startswith("_"):
                continue
            try:
                value = getattr(module, attr)
            except Exception:  # noqa: BLE001 (a lazy attribute that fails to load)
                continue
            if isinstance(value, types.ModuleType):
                inside = getattr(value, "__name__", "").startswith(package.split(".")[0])
                if inside and attr not in _SKIP:
                    todo.append((f"{name}.{attr}", value))
                continue
            names.append(attr)
        out[name] = names
    return dict(sorted(out.items()))


def _where(name: str, keras3: dict[str, list[str]]) -> str | None:
    """The shortest Keras 3 module path that still has ``name``."""
    found = sorted((m for m, names in keras3.items() if name in names), key=lambda m: (len(m), m))
    return f"{found[0]}.{name}" if found else None


def diff(keras2: dict[str, list[str]], keras3: dict[str, list[str]]) -> dict[str, Any]:
    modules: dict[str, None] = {}
    names: dict[str, dict[str, str | None]] = {}
    for module, old in keras2.items():
        if module not in keras3:
            if not any(module.startswith(m + ".") for m in modules):
                modules[module] = None
            continue
        gone = sorted(set(old) - set(keras3[module]))
        if gone:
            names[module] = {n: _where(n, keras3) for n in gone}
    return {"modules": sorted(modules), "names": names}


def _fails(statement: str) -> bool:
    try:
        exec(statement, {})  # noqa: S102 (our own import statement)
    except ImportError:
        return True
    return False


def verify(result: dict[str, Any]) -> dict[str, Any]:
    """Keep what really fails to import under the Keras 3 running this."""
    modules = [m for m in result["modules"] if _fails(f"import {m}")]
    names = {}
    for module, gone in result["names"].items():
        kept = {n: r for n, r in gone.items() if _fails(f"from {module} import {n}")}
        if kept:
            names[module] = kept
    return {**result, "modules": modules, "names": names}


# Keras 3 modules that removed-api's import fixes point to.
TARGETS = (
    "keras",
    "keras.layers",
    "keras.utils",
    "keras.losses",
    "keras.metrics",
    "keras.initializers",
    "keras.callbacks",
    "keras.optimizers",
    "keras.models",
    "keras.constraints",
    "keras.backend",
    "keras.regularizers",
    "keras.activations",
)


def targets(keras3: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "derived_by": "scripts/derive_removed_api.py targets (keras 3.15.1)",
        "modules": {m: keras3[m] for m in TARGETS if m in keras3},
    }


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "dump":
        json.dump(dump(argv[1]), sys.stdout, indent=1)
        return 0
    if len(argv) == 3 and argv[0] == "diff":
        keras2, keras3 = (json.load(open(p)) for p in argv[1:])  # noqa: SIM115
        result = {
            "derived_by": "scripts/derive_removed_api.py (tf_keras 2.21.0 vs keras 3.15.1)",
            **diff(keras2, keras3),
        }
        json.dump(result, sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    if len(argv) == 2 and argv[0] == "verify":
        json.dump(verify(json.load(open(argv[1]))), sys.stdout, indent=1, sort_keys=True)  # noqa: SIM115
        sys.stdout.write("\n")
        return 0
    if len(argv) == 2 and argv[0] == "targets":
        keras3 = json.load(open(argv[1]))  # noqa: SIM115
        json.dump(targets(keras3), sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    sys.stderr.write(__doc__ or "")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
