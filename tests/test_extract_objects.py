"""Keras objects passed to layers (regularizers, constraints) and names reached through
``tensorflow.compat.v1``: kept as what they are, so ``seqlint run`` builds the model with them
instead of noting that an argument is not known statically."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner
from helpers import findings

from seqlint.cli import cli

PROGRAM = """
import numpy as np
{imports}
model = tf.keras.Sequential([
    tf.keras.Input(shape=(4,)),
    tf.keras.layers.Dense(8, activation={activation}, kernel_regularizer={regularizer}),
    tf.keras.layers.Dense(1, kernel_constraint={constraint}),
])
model.compile(loss="mse", optimizer="adam")
model.fit(np.random.rand(32, 4), np.random.rand(32, 1), epochs=1)
"""


def _run_notes(tmp_path: Path, **parts: str) -> list[str]:
    path = tmp_path / "model.py"
    path.write_text(textwrap.dedent(PROGRAM.format(**parts)))
    result = CliRunner().invoke(cli, ["run", str(path), "--output-format", "json"])
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout)["notes"])


def test_regularizers_and_constraints_are_built(tmp_path: Path) -> None:
    spellings = [
        (
            "import tensorflow as tf",
            "tf.keras.regularizers.L2(1e-4)",
            "tf.keras.constraints.MaxNorm(3)",
        ),
        (
            "import tensorflow as tf\nfrom keras import regularizers, constraints",
            "regularizers.l2(0.01)",
            "constraints.NonNeg()",
        ),
    ]
    for imports, regularizer, constraint in spellings:
        notes = _run_notes(
            tmp_path,
            imports=imports,
            activation='"relu"',
            regularizer=regularizer,
            constraint=constraint,
        )
        assert not [n for n in notes if "not known statically" in n], notes


def test_compat_v1_activations_are_known(tmp_path: Path) -> None:
    notes = _run_notes(
        tmp_path,
        imports="import tensorflow.compat.v1 as tf",
        activation="tf.nn.relu",
        regularizer="None",
        constraint="None",
    )
    assert not [n for n in notes if "not known statically" in n], notes
    bad = textwrap.dedent(
        """
        import tensorflow.compat.v1 as tf
        m = tf.keras.Sequential([tf.keras.Input(shape=(4,)),
                                 tf.keras.layers.Dense(3, activation=tf.nn.relu)])
        m.compile(loss="categorical_crossentropy", optimizer="adam")
        """
    )
    assert findings(bad) == [("output-activation-mismatch", 4)]


def test_a_keras2_constraint_by_attribute_is_still_reported() -> None:
    code = textwrap.dedent(
        """
        import keras
        m = keras.Sequential([keras.Input(shape=(4,)),
                              keras.layers.Dense(1,
                                                 kernel_constraint=keras.constraints.maxnorm(2))])
        """
    )
    assert ("removed-api", 5) in findings(code)
