"""``seqlint run``: build the checked model in seqlint.runtime and prove it learns."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from seqlint.cli import cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FAST = ["--epochs", "15", "--time-budget", "4", "--verbose", "0"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["run", *args])
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, code: str, name: str = "model.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(code))
    return str(path)


MLP = """
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
"""


def test_run_never_executes_the_file(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    path = write(
        tmp_path,
        f"""
        import sys
        open({str(marker)!r}, "w").write("ran")
        import keras
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
        sys.exit(3)
        """,
    )
    for args in (["run", path], ["check", path], ["summary", path]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code in (0, 1), result.output
    assert not marker.exists()


def test_forward_pass_without_training(tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, MLP))
    assert code == 0
    assert "Forward pass: [None, 8] -> [2, 3]" in out
    assert "dense (Dense)" in out or "Dense" in out


@pytest.mark.parametrize("name", ["mnist_cnn.py", "housing_regression.py", "text_lstm.py"])
def test_good_fixtures_learn(name: str) -> None:
    code, out, err = run(str(FIXTURES / "good" / name), "--train", *FAST)
    assert code == 0, out + err
    assert "Verdict: learns" in out


def test_buggy_model_is_refused_with_its_findings() -> None:
    code, out, err = run(str(FIXTURES / "buggy" / "softmax_single_unit.py"), "--train", *FAST)
    assert code == 1
    assert "SEQ201" in out
    assert "--force" in err


def test_forced_buggy_model_does_not_learn_and_says_why() -> None:
    path = str(FIXTURES / "buggy" / "softmax_single_unit.py")
    code, out, _ = run(path, "--train", "--force", *FAST)
    assert code == 1
    # the fused loss still falls (Keras computes it from the logits), the predictions do not
    assert "Verdict: does not learn" in out and "majority class" in out


def test_json_output_keeps_progress_on_stderr(tmp_path: Path) -> None:
    path = write(tmp_path, MLP)
    code, out, err = run(
        path,
        "--train",
        "--output-format",
        "json",
        "--epochs",
        "2",
        "--verbose",
        "2",
        "--time-budget",
        "2",
    )
    data = json.loads(out)
    assert data["verdict"] in ("learns", "does not learn")
    assert len(data["history"]["loss"]) == 2
    assert "Epoch 1/2" in err
    assert code in (0, 1)


def test_default_compile_follows_the_output_layer(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        import keras
        model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(8, activation="tanh"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        """,
    )
    code, out, _ = run(path, "--train", "--epochs", "60", "--verbose", "0")
    assert code == 0, out
    assert "one sigmoid unit: binary_crossentropy with Adam" in out


def test_several_models_need_model_option(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        import keras
        a = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
        b = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(5)])
        """,
    )
    code, _, err = run(path)
    assert code == 2 and "--model" in err and "a (line" in err and "b (line" in err
    code, out, _ = run(path, "--model", "b")
    assert code == 0 and "-> [2, 5]" in out


def test_unknown_input_shape_asks_for_it(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(1)])
        """,
    )
    code, _, err = run(path)
    assert code == 2 and "--input-shape" in err
    code, out, _ = run(path, "--input-shape", "7")
    assert code == 0 and "-> [2, 1]" in out


def test_custom_layer_is_named(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        import keras
        class Scale(keras.layers.Layer):
            def call(self, x):
                return 2 * x
        model = keras.Sequential([keras.Input(shape=(4,)), Scale(), keras.layers.Dense(1)])
        """,
    )
    code, _, err = run(path)
    assert code == 1 and "Scale" in err and "custom layer" in err


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"x": np.zeros((4, 8))}, "missing array 'y'"),
        ({"x": np.zeros((4, 5)), "y": np.zeros(4)}, "the model takes (8,)"),
        ({"x": np.zeros((4, 8)), "y": np.zeros(3)}, "4 samples but y has 3"),
        ({"x": np.array([None] * 4), "y": np.zeros(4)}, "object arrays"),
    ],
)
def test_bad_data_files_are_usage_errors(tmp_path: Path, arrays: dict, message: str) -> None:
    data = tmp_path / "data.npz"
    np.savez(data, **arrays)
    code, _, err = run(write(tmp_path, MLP), "--train", "--data", str(data), *FAST)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_broken_npz_is_a_usage_error(tmp_path: Path) -> None:
    data = tmp_path / "data.npz"
    data.write_bytes(b"not a zip file")
    code, _, err = run(write(tmp_path, MLP), "--train", "--data", str(data))
    assert code == 2 and "not a valid .npz" in err


def test_digits_dataset_round_trip(tmp_path: Path) -> None:
    datasets = pytest.importorskip("sklearn.datasets", reason="scikit-learn not installed")
    digits = datasets.load_digits()
    order = np.random.default_rng(0).permutation(len(digits.target))
    x = (digits.data[order] / 16.0).astype("float32")
    y = digits.target[order]
    np.savez(tmp_path / "digits.npz", x=x[:1400], y=y[:1400], x_val=x[1400:], y_val=y[1400:])
    path = write(
        tmp_path,
        """
        import keras
        from keras import layers
        model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(32, activation="relu"),
                                  layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        """,
    )
    weights = tmp_path / "w.npz"
    code, out, _ = run(
        path,
        "--train",
        "--data",
        str(tmp_path / "digits.npz"),
        "--epochs",
        "30",
        "--output-format",
        "json",
        "--verbose",
        "0",
        "--save-weights",
        str(weights),
    )
    data = json.loads(out)
    assert code == 0, data["reasons"]
    assert data["history"]["val_accuracy"][-1] > 0.9
    saved = np.load(weights)
    shapes = [saved[f"w{i:04d}"].shape for i in range(4)]
    assert shapes == [(64, 32), (32,), (32, 10), (10,)]


def test_plot_writes_png_or_explains_the_extra(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, MLP)
    png = tmp_path / "curves.png"
    code, _, _ = run(path, "--train", "--plot", str(png), "--epochs", "2", "--verbose", "0")
    if "matplotlib" in sys.modules:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, _, err = run(path, "--train", "--plot", str(png))
    assert code == 2 and "seqlint[plot]" in err
