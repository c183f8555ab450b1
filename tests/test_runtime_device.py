"""The same models train the same way on every device: the CPU (NumPy), the GPU code path on
the strict CuPy stand-in (always), and a real GPU (skipped without CuPy and a GPU)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from seqlint.cli import cli
from seqlint.runtime import Input, Sequential, layers, set_random_seed


def _models() -> dict[str, tuple[list[Any], tuple[int, ...], str]]:
    return {
        "mlp": (
            [Input(shape=(12,)), layers.Dense(16, activation="relu"), layers.Dropout(0.2),
             layers.Dense(3, activation="softmax")],
            (12,),
            "sparse_categorical_crossentropy",
        ),
        "cnn": (
            [Input(shape=(10, 10, 2)), layers.Conv2D(4, 3, activation="relu"),
             layers.MaxPooling2D(), layers.BatchNormalization(), layers.Flatten(),
             layers.Dense(3, activation="softmax")],
            (10, 10, 2),
            "sparse_categorical_crossentropy",
        ),
        "rnn": (
            [Input(shape=(6,)), layers.Embedding(20, 4), layers.Bidirectional(layers.LSTM(5)),
             layers.Dense(3)],
            (6,),
            "sparse_categorical_crossentropy_logits",
        ),
    }  # fmt: skip


def _train(name: str, device: str) -> tuple[list[float], np.ndarray, list[np.ndarray]]:
    set_random_seed(7)
    stack, shape, loss = _models()[name]
    rng = np.random.default_rng(0)
    if name == "rnn":
        x = rng.integers(0, 20, (48, *shape))
    else:
        x = rng.random((48, *shape)).astype(np.float32)
    y = rng.integers(0, 3, 48)
    model = Sequential(stack, device=device)
    if loss.endswith("_logits"):
        from seqlint.runtime import losses

        model.compile(optimizer="adam", loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    else:
        model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    return history.history["loss"], model.predict(x, verbose=0), model.get_weights()


@pytest.mark.parametrize("name", ["mlp", "cnn", "rnn"])
def test_training_matches_the_cpu(name: str, device: str) -> None:
    losses, pred, weights = _train(name, device)
    ref_losses, ref_pred, ref_weights = _train(name, "cpu")
    assert isinstance(pred, np.ndarray)  # results come back to the host
    assert all(isinstance(w, np.ndarray) for w in weights)
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-5)
    np.testing.assert_allclose(pred, ref_pred, rtol=1e-4, atol=1e-6)
    for w, ref in zip(weights, ref_weights, strict=True):
        np.testing.assert_allclose(w, ref, rtol=1e-4, atol=1e-6)


def test_seqlint_run_on_the_gpu_path(device: str, tmp_path: Path) -> None:
    script = tmp_path / "model.py"
    script.write_text(
        "import numpy as np\nimport keras\nfrom keras import layers\n\n"
        "x = np.random.rand(128, 8)\ny = (x.sum(axis=1) > 4).astype('int32')\n"
        "model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, "
        "activation='relu'), layers.Dense(1, activation='sigmoid')])\n"
        "model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])\n"
        "model.fit(x, y, epochs=3)\n"
    )
    result = CliRunner().invoke(cli, ["run", str(script), "--train", "--device", device])
    assert result.exit_code == 0, result.output
    assert "learns" in result.output


def test_the_stand_in_refuses_what_cupy_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake is only useful if it is strict: host arrays and numpy.* calls are refused."""
    import fake_cupy

    cupy = fake_cupy.install(monkeypatch)
    a = cupy.asarray(np.ones((2, 3), np.float32))
    with pytest.raises(TypeError):
        _ = a + np.ones((2, 3), np.float32)
    with pytest.raises(TypeError):
        np.concatenate([a, a])
    assert isinstance(cupy.concatenate([a, a]), cupy.ndarray)
    assert cupy.asnumpy(a * 2).sum() == 12
