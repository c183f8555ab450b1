"""Layer roles: every definition says what it is for, and rules ask that instead of class names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from helpers import lint

from seqlint.layers import all_layers
from seqlint.layers.base import ROLES, TRAITS, LayerDef, Param, register

RULES = Path(__file__).resolve().parents[1] / "seqlint" / "rules"

# Quoted class names still allowed in rules: facts about that one layer, not a table of layers.
# (SEQ503/SEQ504 are about BatchNormalization's batch statistics specifically.)
# Rules about one class by name: SEQ503/504 are about BatchNormalization itself, and removed-api's
# Keras 1 signature check is about how Conv1D/Conv2D's positional arguments changed meaning.
_ALLOWED = {
    ("design.py", "BatchNormalization"),
    ("removed_api.py", "Conv1D"),
    ("removed_api.py", "Conv2D"),
}


def test_every_definition_has_a_known_role_and_traits() -> None:
    for name, definition in all_layers().items():
        assert definition.role in ROLES, name
        assert definition.traits <= TRAITS, name


def test_a_definition_without_a_role_is_refused() -> None:
    class NoRole(LayerDef):
        name = "NoRoleLayer"
        params = (Param("units"),)

    with pytest.raises(ValueError, match="no valid role"):
        register(NoRole)


@pytest.mark.parametrize(
    ("name", "role", "traits"),
    [
        ("Dense", "linear_map", {"dense"}),
        ("SeparableConv2D", "linear_map", {"conv", "spatial_output"}),
        ("DepthwiseConv2D", "linear_map", {"depthwise", "spatial_output"}),
        ("MaxPool2D", "pooling", {"spatial_output"}),
        ("GlobalAvgPool1D", "global_pooling", {"linear"}),
        ("SpatialDropout2D", "regularization", {"dropout", "linear", "elementwise"}),
        ("GaussianNoise", "regularization", {"linear", "elementwise"}),
        ("LSTM", "recurrent", {"sequence_output"}),
        ("ConvLSTM2D", "recurrent", {"spatial_output"}),
        ("RMSNormalization", "normalization", {"elementwise"}),
        ("RandomFlip", "augmentation", set()),
        ("AutoContrast", "preprocessing", set()),
        ("Add", "merge", set()),
    ],
)
def test_roles_of_familiar_layers(name: str, role: str, traits: set[str]) -> None:
    definition = all_layers()[name]
    assert (definition.role, set(definition.traits)) == (role, traits)


def test_rules_keep_no_tables_of_layer_class_names() -> None:
    names = set(all_layers())
    found = []
    for path in sorted(RULES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Constant)
                and node.value in names
                and (path.name, node.value) not in _ALLOWED
            ):
                found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert found == []


def test_a_normalization_layer_after_the_output_is_seen_by_its_role() -> None:
    # RMSNormalization was missing from SEQ108's list of names; its role brings it in
    code = """
        import keras
        from keras import layers

        model = keras.Sequential([
            keras.Input(shape=(20,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
            layers.RMSNormalization(),
        ])
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """
    assert [d.code for d in lint(code)] == ["SEQ108"]


def test_layer_norm_between_dense_layers_is_looked_through_by_the_design_rules() -> None:
    # SEQ507 (hidden Dense widths growing towards a narrow output) skips normalisation layers
    code = """
        import keras
        from keras import layers

        model = keras.Sequential([
            keras.Input(shape=(20,)),
            layers.Dense(16, activation="relu"),
            layers.LayerNormalization(),
            layers.Dense(32, activation="relu"),
            layers.Dense(64, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ])
    """
    assert [d.code for d in lint(code, select={"SEQ507"})] == ["SEQ507"]


README = Path(__file__).resolve().parents[1] / "README.md"
_HEADING = "### Layers the runtime does not run, and why"


def _unsupported_in_readme() -> dict[str, str]:
    """Layer name -> the reason its README entry gives."""
    text = README.read_text(encoding="utf-8")
    section = text.split(_HEADING, 1)[1].split("\n#", 1)[0]
    entries = re.split(r"\n- ", "\n" + section.split("\n- ", 1)[1])
    out: dict[str, str] = {}
    for entry in entries:
        names, _, reason = entry.partition(": ")
        for name in re.findall(r"`(\w+)`", names):
            out[name] = " ".join(reason.split())
    return out


def test_every_definition_runs_or_the_readme_says_why_not() -> None:
    from seqlint.runtime.layers import kernel_of

    listed = _unsupported_in_readme()
    definitions = {d.name: d for d in all_layers().values()}
    missing = sorted(n for n, d in definitions.items() if kernel_of(d) is None and n not in listed)
    assert missing == [], "no runtime kernel and no README entry"
    stale = sorted(n for n in listed if n in definitions and kernel_of(definitions[n]) is not None)
    assert stale == [], "listed in the README as not run, but they have a kernel"
    assert set(listed) <= set(definitions)
    assert all(len(reason) > 15 for reason in listed.values())


def test_aliases_reach_the_kernel_through_the_definition() -> None:
    from seqlint.runtime import layers as runtime_layers

    assert runtime_layers.get("MaxPool2D") is runtime_layers.MaxPooling2D
    assert runtime_layers.get("Convolution2D") is runtime_layers.Conv2D
    assert runtime_layers.get("NoSuchLayer") is None


def test_the_runtime_runs_a_layer_without_loading_the_checker() -> None:
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from seqlint.runtime import layers\n"
        "layers.Dense(3)(np.ones((2, 4)))\n"
        "print(sorted(m for m in sys.modules if m.startswith(('seqlint.', 'libcst'))\n"
        "      and not m.startswith(('seqlint.runtime', 'seqlint.layers', 'seqlint.vocab'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
