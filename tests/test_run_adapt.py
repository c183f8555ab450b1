"""``layer.adapt(data)`` on a layer that is not the model's first: the run adapts it, as Keras
does, on the data the file passes (the run's own inputs when that is what ``fit`` trains on,
else data synthesized with the shape and value range of the file's array)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from seqlint import check as engine
from seqlint.cli import cli
from seqlint.runcheck.build import RunError, adapt_layers, runtime_layers
from seqlint.runtime import Input, Sequential
from seqlint.sources import source_from_bytes

SEPARATE = """
    import numpy as np
    import keras
    from keras import layers

    x = np.random.uniform(0, 1, size=(600, 8))
    y = (x[:, 0] > 0.5).astype("float32")
    features = np.random.uniform(20, 60, size=(1000, {width}))
    norm = layers.Normalization()
    norm.adapt(features)
    model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16), norm, layers.Dense(1)])
"""


def _adapted(code: str) -> tuple[list[str], object]:
    src = source_from_bytes("model.py", textwrap.dedent(code).encode())
    ((model, _),) = list(engine.analyse(src).models())
    notes: list[str] = []
    built = runtime_layers(model, 1, notes)
    Sequential([Input(shape=(8,)), *[layer for _, layer, _ in built]])
    x = np.random.default_rng(0).uniform(0, 1, size=(64, 8)).astype("float32")
    return adapt_layers(built, x, None, seed=0), built[1][1]


def test_separate_adapt_data_is_synthesized_with_its_shape_and_range() -> None:
    notes, norm = _adapted(SEPARATE.format(width=16))
    mean = np.asarray(norm.mean.value)  # type: ignore[attr-defined]
    assert mean.shape == (16,)
    assert np.all((mean > 35) & (mean < 45))  # uniform(20, 60) has mean 40
    assert notes == [
        "Normalization (line 9) is adapted on synthetic data of the shape and value range the "
        "file gives it, as the file's adapt() at line 10 does with its data"
    ]


def test_adapt_data_of_another_shape_than_the_layer_receives_is_refused() -> None:
    with pytest.raises(RunError, match=r"gets data of shape \(None, 12\) but the layer receives"):
        _adapted(SEPARATE.format(width=12))


def test_adapting_a_later_layer_on_the_fit_inputs_uses_the_run_inputs(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(
        textwrap.dedent(
            """
            import numpy as np
            import keras
            from keras import layers

            x = np.random.uniform(0, 100, size=(600, 8))
            y = (x[:, 0] > 50).astype("float32")
            norm = layers.Normalization()
            norm.adapt(x)
            model = keras.Sequential([keras.Input(shape=(8,)), layers.GaussianNoise(0.1), norm,
                                      layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            model.fit(x, y, epochs=5, batch_size=32)
            """
        )
    )
    result = CliRunner().invoke(
        cli, ["run", str(path), "--train", "--verbose", "0", "--output-format", "json"]
    )
    data = json.loads(result.stdout)
    assert (result.exit_code, data["verdict"]) == (0, "learns")
    assert "Normalization (line 8) is adapted on the run's training inputs" in data["notes"][0]
