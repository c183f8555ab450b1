"""``seqlint run`` on stateful RNNs: Keras 3.15.1 needs a static batch size for
``stateful=True``. The run uses the one the file declares (or, for a model built on its first
batch, the one ``fit`` gives), and refuses an input without one with Keras's message."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner

from seqlint.cli import cli

MODEL = """
    import numpy as np
    import keras
    from keras import layers

    x = np.random.rand(200, 10, 3)
    y = np.random.rand(200, 1)
    model = keras.Sequential([{input}layers.LSTM(16, stateful=True), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, batch_size={batch}, epochs=3, shuffle=False)
"""


def _run(tmp_path: Path, input_decl: str, batch: int, *extra: str) -> tuple[int, str, str]:
    path = tmp_path / "model.py"
    path.write_text(textwrap.dedent(MODEL.format(input=input_decl, batch=batch)))
    result = CliRunner().invoke(
        cli, ["run", str(path), "--train", "--verbose", "0", "--output-format", "json", *extra]
    )
    return result.exit_code, result.stdout, result.stderr


def test_the_declared_batch_size_is_the_run_batch_size(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path, "keras.Input(batch_shape=(8, 10, 3)), ", 8)
    data = json.loads(out)
    assert (code, data["verdict"], data["checks"]["batch_size"]) == (0, "learns", 8)


def test_fit_with_another_batch_size_is_refused_as_keras_does(tmp_path: Path) -> None:
    code, _, err = _run(tmp_path, "keras.Input(batch_shape=(8, 10, 3)), ", 16)
    assert code == 1
    assert "Expected batch size: 8 - Received batch size: 16" in err


def test_a_model_built_on_its_first_batch_takes_the_fit_batch_size(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path, "", 10)
    data = json.loads(out)
    assert (code, data["verdict"], data["checks"]["batch_size"]) == (0, "learns", 10)


def test_an_input_without_a_batch_size_is_refused_as_keras_does(tmp_path: Path) -> None:
    code, _, err = _run(tmp_path, "keras.Input(shape=(10, 3)), ", 8)
    assert code == 1 and "1 seqlint check error(s)" in err  # check reports it (SEQ104)
    code, _, err = _run(tmp_path, "keras.Input(shape=(10, 3)), ", 8, "--force")
    assert code == 1
    assert (
        "When using `stateful=True` in a RNN, the batch size must be static. Found dynamic "
        "batch size: sequence.shape=(None, 10, 3)"
    ) in err


def test_check_reports_what_run_refuses(tmp_path: Path) -> None:
    """SEQ104 states Keras's build error for a stateful RNN whose declared input has no batch
    size (keras.Input or input_shape=), and is silent when the batch size is declared or the
    model is built on its first batch."""
    path = tmp_path / "model.py"
    path.write_text(
        textwrap.dedent(
            """
            import keras
            from keras import layers

            a = keras.Sequential([keras.Input((5, 3)), layers.LSTM(4, stateful=True)])
            b = keras.Sequential([keras.Input(batch_shape=(4, 5, 3)), layers.GRU(4, stateful=True)])
            c = keras.Sequential([keras.Input((5, 3), batch_size=4), layers.LSTM(4, stateful=True)])
            d = keras.Sequential([layers.SimpleRNN(4, stateful=True, input_shape=(5, 3))])
            e = keras.Sequential([keras.Input((5, 3)), layers.Bidirectional(
                layers.LSTM(4, stateful=True))])
            f = keras.Sequential([layers.LSTM(4, stateful=True)])
            """
        )
    )
    result = CliRunner().invoke(
        cli, ["check", str(path), "--select", "SEQ104", "--output-format", "json", "--no-cache"]
    )
    found = json.loads(result.stdout)
    assert [f["line"] for f in found] == [5, 8, 9]
    assert found[0]["message"].endswith(
        "When using `stateful=True` in a RNN, the batch size must be static. Found dynamic "
        "batch size: sequence.shape=(None, 5, 3)"
    )


def test_the_input_suggested_for_a_stateful_model_declares_its_batch_size(tmp_path: Path) -> None:
    """SEQ101's fix for a model built on its data: `keras.Input(shape=...)` would make Keras
    refuse the stateful RNN (SEQ104), so it declares fit's batch size too."""
    path = tmp_path / "model.py"
    path.write_text(
        textwrap.dedent(
            """
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(20, 5, 3)
            model = keras.Sequential([layers.LSTM(4, stateful=True), layers.Dense(1)])
            model.compile(loss="mse")
            model.fit(x, x[:, 0, :1], batch_size=4)
            """
        )
    )
    CliRunner().invoke(cli, ["check", str(path), "--fix", "--unsafe-fixes", "--no-cache"])
    assert "keras.Input(batch_shape=(4, 5, 3)), layers.LSTM" in path.read_text()
    result = CliRunner().invoke(cli, ["check", str(path), "--no-cache"])
    assert result.exit_code == 0, result.stdout
