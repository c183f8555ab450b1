"""Layer roles: every definition says what it is for, and rules ask that instead of class names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import lint

from seqlint.layers import all_layers
from seqlint.layers.base import ROLES, TRAITS, LayerDef, Param, register

RULES = Path(__file__).resolve().parents[1] / "seqlint" / "rules"

# Quoted class names still allowed in rules: facts about that one layer, not a table of layers.
# (SEQ503/SEQ504 are about BatchNormalization's batch statistics specifically.)
_ALLOWED = {("design.py", "BatchNormalization")}


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
