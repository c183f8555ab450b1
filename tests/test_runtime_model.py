"""The runtime ``Sequential`` API: building, weights in Keras order, saving and loading, the fit
loop's bookkeeping, callbacks, evaluate/predict shapes, summary/config, and learning a task."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from seqlint.runtime import (
    Input,
    Sequential,
    callbacks,
    constraints,
    layers,
    load_model,
    losses,
    metrics,
    optimizers,
    regularizers,
    set_floatx,
    set_random_seed,
)
from seqlint.runtime.model import floatx


def mlp(units: int = 8, n_in: int = 4, n_out: int = 3, **kwargs: Any) -> Sequential:
    return Sequential(
        [
            Input(shape=(n_in,)),
            layers.Dense(units, activation="relu"),
            layers.Dense(n_out, activation="softmax"),
        ],
        **kwargs,
    )


def blobs(n: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.normal(size=(n, 2)) * 0.5 + np.where(y[:, None] == 1, 1.5, -1.5)
    return x, y.astype(float)


# ---- structure and weights --------------------------------------------------------------------


def test_get_weights_order_and_shapes() -> None:
    model = Sequential(
        [
            Input(shape=(6,)),
            layers.Dense(8, name="d1"),
            layers.BatchNormalization(name="bn"),
            layers.Dense(3, name="d2"),
        ]
    )
    assert model.built
    names = [w.name for w in model.weights]
    assert names == [
        "d1/kernel",
        "d1/bias",
        "bn/gamma",
        "bn/beta",
        "bn/moving_mean",
        "bn/moving_variance",
        "d2/kernel",
        "d2/bias",
    ]
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(6, 8), (8,), (8,), (8,), (8,), (8,), (8, 3), (3,)]
    assert [w.trainable for w in model.weights] == [True] * 4 + [False] * 2 + [True] * 2
    assert len(model.trainable_weights) == 6 and len(model.non_trainable_weights) == 2
    assert model.count_params() == 6 * 8 + 8 + 4 * 8 + 8 * 3 + 3
    assert all(w.dtype == np.float32 for w in model.get_weights())

    new = [np.full(w.shape, i, np.float64) for i, w in enumerate(model.get_weights())]
    model.set_weights(new)
    for i, w in enumerate(model.get_weights()):
        assert np.all(w == i) and w.dtype == np.float32
    with pytest.raises(ValueError, match="expects 8 weights"):
        model.set_weights(new[:-1])
    with pytest.raises(ValueError, match=r"weight 6 \(d2/kernel\)"):
        model.set_weights([*new[:6], np.zeros((8, 4)), new[7]])


def test_get_weights_returns_copies() -> None:
    model = mlp()
    weights = model.get_weights()
    weights[0][...] = 123.0
    assert not np.any(model.get_weights()[0] == 123.0)


def test_unbuilt_model_builds_on_data() -> None:
    model = Sequential([layers.Dense(5), layers.Dense(2)])
    assert not model.built
    with pytest.raises(ValueError, match="isn't built"):
        model.get_weights()
    out = model.predict(np.zeros((3, 7)), verbose=0)
    assert out.shape == (3, 2) and model.built
    assert model.get_weights()[0].shape == (7, 5)
    declared = Sequential([layers.Dense(4, input_shape=(3,))])
    assert declared.built and declared.input_shape == (None, 3)


def test_structure_errors() -> None:
    model = Sequential([Input(shape=(3,)), layers.Dense(2, name="same")])
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(2, name="same"))
    with pytest.raises(ValueError, match="Input"):
        model.add(Input(shape=(3,)))
    with pytest.raises(ValueError, match="Only instances of `keras.Layer`"):
        model.add("dense")  # type: ignore[arg-type]
    popped = model.pop()
    assert popped.name == "same" and model.layers == []


def test_dtype_float64_and_floatx() -> None:
    model = mlp(dtype="float64")
    assert all(w.dtype == np.float64 for w in model.get_weights())
    assert model.predict(np.zeros((2, 4)), verbose=0).dtype == np.float64
    assert floatx() == "float32"
    set_floatx("float64")
    try:
        assert all(w.dtype == np.float64 for w in mlp().get_weights())
    finally:
        set_floatx("float32")
    with pytest.raises(ValueError, match="floatx"):
        set_floatx("int32")


# ---- saving -----------------------------------------------------------------------------------


def test_save_and_load_weights_round_trip(tmp_path: Path) -> None:
    model = mlp()
    path = tmp_path / "w.npz"
    model.save_weights(path)
    assert sorted(os.listdir(tmp_path)) == ["w.npz"]  # the temporary file was renamed
    with np.load(path, allow_pickle=False) as data:
        assert "__format__" in data.files
    other = mlp()
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(FileExistsError):
        model.save_weights(path, overwrite=False)


def test_save_weights_writes_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    target = tmp_path / "store" / "w.npz"
    target.write_bytes(b"old")
    link = tmp_path / "w.npz"
    link.symlink_to(target)
    model = mlp()
    model.save_weights(link)
    assert link.is_symlink() and os.readlink(link) == str(target)  # the link is kept
    other = mlp()
    other.load_weights(target)
    for a, b in zip(model.get_weights(), other.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert sorted(os.listdir(tmp_path / "store")) == ["w.npz"]  # no temporary file left
    device = tmp_path / "null.npz"
    device.symlink_to(os.devnull)
    with pytest.raises(ValueError, match="not a regular file"):
        model.save_weights(device)
    assert os.path.exists(os.devnull) and not os.path.isfile(os.devnull)  # left a device


def test_load_weights_mismatch_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    mlp(units=8).save_weights(path)
    wider = mlp(units=9)
    before = wider.get_weights()
    with pytest.raises(ValueError, match=r"weight 0 .* shape \(4, 9\) in the model but \(4, 8\)"):
        wider.load_weights(path)
    for a, b in zip(before, wider.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # left unchanged
    deeper = Sequential([Input(shape=(4,)), layers.Dense(8), layers.Dense(8), layers.Dense(3)])
    with pytest.raises(ValueError, match="holds 4 arrays but model .* has 6 weights"):
        deeper.load_weights(path)
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match="not a seqlint.runtime weights file"):
        mlp().load_weights(tmp_path / "other.npz")
    with pytest.raises(ValueError, match=r"\.npz"):
        mlp().save_weights(tmp_path / "w.weights.h5")


def test_save_and_load_model(tmp_path: Path) -> None:
    model = mlp()
    model.save(tmp_path / "model.npz")
    again = load_model(tmp_path / "model.npz")
    assert [type(layer).__name__ for layer in again.layers] == ["Dense", "Dense"]
    x = np.random.default_rng(0).normal(size=(5, 4))
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0))
    mlp().save_weights(tmp_path / "weights.npz")
    with pytest.raises(ValueError, match="no model configuration"):
        load_model(tmp_path / "weights.npz")


def test_get_config() -> None:
    model = mlp(name="net")
    config = model.get_config()
    assert config["name"] == "net"
    assert [entry["class_name"] for entry in config["layers"]] == ["InputLayer", "Dense", "Dense"]
    assert config["layers"][0]["config"]["batch_shape"] == [None, 4]
    assert config["layers"][1]["config"]["units"] == 8
    assert config["build_input_shape"] == [None, 4]
    rebuilt = Sequential.from_config(config)
    assert [w.shape for w in rebuilt.weights] == [w.shape for w in model.weights]


def test_summary(capsys: pytest.CaptureFixture[str]) -> None:
    model = mlp()
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "' in out and "Output Shape" in out
    assert "(None, 8)" in out and "(None, 3)" in out
    assert " Total params: 67 (268.00 B)" in out
    assert " Non-trainable params: 0 (0.00 B)" in out
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(np.zeros((4, 4)), np.zeros(4), verbose=0)
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    assert "Optimizer params: 136" in lines[0]
    unbuilt = Sequential([layers.Dense(3)])
    unbuilt.summary(print_fn=lines.append)
    assert "0 (unbuilt)" in lines[-1]


# ---- fit / evaluate / predict -----------------------------------------------------------------


def test_small_model_learns() -> None:
    set_random_seed(7)
    x, y = blobs(128)
    model = Sequential(
        [
            Input(shape=(2,)),
            layers.Dense(8, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["acc"])
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["acc"][-1] > 0.95
    loss, acc = model.evaluate(x, y, verbose=0)
    assert acc > 0.95 and loss < 0.2


def test_random_seed_makes_runs_repeatable() -> None:
    def run() -> list[float]:
        set_random_seed(3)
        x, y = blobs(32)
        model = Sequential(
            [Input(shape=(2,)), layers.Dropout(0.3), layers.Dense(1, activation="sigmoid")]
        )
        model.compile(optimizer="sgd", loss="binary_crossentropy")
        return model.fit(x, y, epochs=2, batch_size=8, verbose=0).history["loss"]

    assert run() == run()


def test_evaluate_and_predict_shapes() -> None:
    model = mlp()
    x = np.random.default_rng(0).normal(size=(10, 4))
    y = np.arange(10) % 3
    assert model.predict(x, batch_size=4, verbose=0).shape == (10, 3)
    assert model.predict_on_batch(x[:2]).shape == (2, 3)
    assert model(x).shape == (10, 3)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    model.compile(
        optimizer="sgd",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy", metrics.SparseTopKCategoricalAccuracy(k=2, name="top2")],
    )
    result = model.evaluate(x, y, batch_size=3, verbose=0)
    assert isinstance(result, list) and len(result) == 3
    assert model.metrics_names == ["loss", "accuracy", "top2"]
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["accuracy", "loss", "top2"]
    step = model.train_on_batch(x[:4], y[:4])
    assert isinstance(step, list) and len(step) == 3
    assert set(model.test_on_batch(x[:4], y[:4], return_dict=True)) == {"loss", "accuracy", "top2"}
    # Keras 3 resets the metrics in every train_on_batch/test_on_batch call
    first = model.test_on_batch(x[:4], y[:4], return_dict=True)
    model.test_on_batch(x[4:], y[4:])
    assert model.test_on_batch(x[:4], y[:4], return_dict=True) == first
    assert first["loss"] == pytest.approx(model.evaluate(x[:4], y[:4], verbose=0)[0], rel=1e-12)
    model.compile(optimizer=optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
    model.train_on_batch(x[4:], y[4:])
    assert model.train_on_batch(x[:4], y[:4]) == pytest.approx(first["loss"], rel=1e-6)


def test_evaluate_loss_is_batch_weighted_and_sample_weighted() -> None:
    model = Sequential([Input(shape=(1,)), layers.Dense(1, use_bias=False)], dtype="float64")
    model.set_weights([np.ones((1, 1))])
    model.compile(optimizer="sgd", loss="mse")
    x = np.arange(5.0)[:, None]
    y = np.zeros((5, 1))
    assert model.evaluate(x, y, batch_size=2, verbose=0) == pytest.approx((x**2).mean())
    weights = np.array([0.0, 1.0, 1.0, 1.0, 2.0])
    expected = (weights * x[:, 0] ** 2).sum() / 5
    assert model.evaluate(x, y, sample_weight=weights, verbose=0) == pytest.approx(expected)


def test_fit_errors() -> None:
    model = mlp()
    x, y = np.zeros((4, 4)), np.zeros(4)
    with pytest.raises(ValueError, match="compile"):
        model.fit(x, y, verbose=0)
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="loss"):
        model.fit(x, y, verbose=0)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="cardinality"):
        model.fit(x, y[:3], verbose=0)


def test_validation_split_holds_out_the_last_samples() -> None:
    model = mlp(dtype="float64")
    model.compile(optimizer=optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(1).normal(size=(10, 4))
    y = np.arange(10) % 3
    history = model.fit(x, y, validation_split=0.3, epochs=2, batch_size=4, verbose=0)
    val_loss = model.evaluate(x[7:], y[7:], batch_size=4, verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-12)
    history = model.fit(x, y, validation_data=(x[:2], y[:2]), epochs=1, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(x[:2], y[:2], verbose=0), rel=1e-12
    )


def test_shuffle_changes_batches_but_not_data() -> None:
    x = np.arange(12.0)[:, None]
    y = np.zeros((12, 1))
    seen: list[np.ndarray] = []

    class Spy(layers.Identity):  # type: ignore[misc,valid-type]
        def forward(self, x: Any, training: bool = False) -> Any:
            if training:
                seen.append(np.array(x[:, 0]))
            return super().forward(x, training)

    model = Sequential([Input(shape=(1,)), Spy(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=5, epochs=1, shuffle=False, verbose=0)
    assert [len(b) for b in seen] == [5, 5, 2]
    np.testing.assert_array_equal(np.concatenate(seen), x[:, 0])
    seen.clear()
    model.fit(x, y, batch_size=5, epochs=1, shuffle=True, verbose=0)
    assert sorted(np.concatenate(seen)) == list(x[:, 0])


def test_class_weight_and_sample_weight() -> None:
    model = mlp(dtype="float64")
    model.compile(optimizer=optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(2).normal(size=(6, 4))
    y = np.array([0, 1, 2, 0, 1, 2])
    plain = model.fit(x, y, batch_size=6, verbose=0).history["loss"][0]
    doubled = model.fit(x, y, batch_size=6, sample_weight=np.full(6, 2.0), verbose=0)
    assert doubled.history["loss"][0] == pytest.approx(2 * plain)
    by_class = model.fit(x, y, batch_size=6, class_weight={0: 2.0, 1: 2.0, 2: 2.0}, verbose=0)
    assert by_class.history["loss"][0] == pytest.approx(2 * plain)
    # like Keras: not both at once, and the validation samples are not class-weighted
    with pytest.raises(ValueError, match="class_weight"):
        model.fit(x, y, sample_weight=np.ones(6), class_weight={0: 2.0}, verbose=0)
    cw = {0: 3.0, 1: 0.5, 2: 2.0}
    history = model.fit(x, y, batch_size=6, class_weight=cw, validation_split=0.5, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(x[3:], y[3:], verbose=0), rel=1e-12
    )
    weights = np.array([cw[c] for c in y[:3]])
    assert history.history["loss"][0] == pytest.approx(
        model.evaluate(x[:3], y[:3], sample_weight=weights, verbose=0), rel=1e-12
    )


def test_metric_objects_and_weighted_metrics() -> None:
    model = Sequential([Input(shape=(2,)), layers.Dense(1, activation="sigmoid")])
    model.compile(
        optimizer="adam",
        loss=losses.BinaryCrossentropy(),
        metrics=[metrics.AUC(), metrics.Precision(name="prec")],
        weighted_metrics=["binary_accuracy"],
    )
    x, y = blobs(16)
    history = model.fit(x, y, epochs=1, verbose=0, sample_weight=np.ones(16))
    assert set(history.history) == {"auc", "prec", "binary_accuracy", "loss"}
    # repeated names get Keras's log keys instead of an error
    model.compile(
        optimizer="sgd",
        loss="binary_crossentropy",
        metrics=["accuracy", "mae", "mae"],
        weighted_metrics=["accuracy", "accuracy"],
    )
    sw = np.linspace(0.5, 1.5, 16)
    logs = model.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True)
    assert set(logs) == {
        "loss",
        "accuracy",
        "mae",
        "mae_1",
        "weighted_accuracy",
        "weighted_accuracy_1",
    }
    assert logs["mae"] == logs["mae_1"]
    pred = model.predict(x, verbose=0)[:, 0] > 0.5
    correct = (pred == (y > 0.5)).astype(float)
    assert logs["accuracy"] == pytest.approx(correct.mean())
    assert logs["weighted_accuracy"] == pytest.approx((sw * correct).sum() / sw.sum())


def test_verbose_progress_output(capsys: pytest.CaptureFixture[str]) -> None:
    model = mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(np.zeros((8, 4)), np.zeros(8), epochs=2, batch_size=4, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "2/2" in out and "loss:" in out and "accuracy:" in out
    model.fit(np.zeros((8, 4)), np.zeros(8), epochs=1, batch_size=4, verbose=2)
    assert "loss:" in capsys.readouterr().out


# ---- callbacks --------------------------------------------------------------------------------


class HookLog(callbacks.Callback):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("on_"):
            calls = object.__getattribute__(self, "calls")
            return lambda *args: calls.append(name)
        return object.__getattribute__(self, name)


def test_hook_order() -> None:
    model = mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    log = HookLog()
    x, y = np.zeros((6, 4)), np.zeros(6)
    model.fit(x, y, batch_size=4, validation_data=(x[:2], y[:2]), callbacks=[log], verbose=0)
    assert log.calls == [
        "on_train_begin",
        "on_epoch_begin",
        "on_train_batch_begin",
        "on_train_batch_end",
        "on_train_batch_begin",
        "on_train_batch_end",
        "on_test_begin",
        "on_test_batch_begin",
        "on_test_batch_end",
        "on_test_end",
        "on_epoch_end",
        "on_train_end",
    ]
    assert log.model is model and log.params["epochs"] == 1 and log.params["steps"] == 2
    log.calls.clear()
    model.predict(x, callbacks=[log], verbose=0)
    assert log.calls[0] == "on_predict_begin" and log.calls[-1] == "on_predict_end"


def _steady_model() -> Sequential:
    model = mlp(dtype="float64")
    model.compile(optimizer=optimizers.SGD(0.01), loss="sparse_categorical_crossentropy")
    return model


def test_early_stopping_and_restore_best_weights() -> None:
    model = _steady_model()
    x = np.random.default_rng(0).normal(size=(8, 4))
    y = np.arange(8) % 3
    weights_after: list[list[np.ndarray]] = []
    keep = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: weights_after.append(model.get_weights())
    )
    stop = callbacks.EarlyStopping(
        monitor="loss", min_delta=10.0, patience=2, restore_best_weights=True
    )
    history = model.fit(x, y, epochs=10, callbacks=[keep, stop], verbose=0)
    assert len(history.history["loss"]) == 3 and stop.stopped_epoch == 2
    assert stop.best_epoch == 0
    for a, b in zip(model.get_weights(), weights_after[0], strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="maximized or minimized"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.EarlyStopping(monitor="foo")])
    auto = callbacks.EarlyStopping(monitor="val_accuracy")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=1, validation_split=0.25, verbose=0, callbacks=[auto])
    assert auto.monitor_op is np.greater


def test_reduce_lr_on_plateau() -> None:
    model = _steady_model()
    x, y = np.zeros((4, 4)), np.zeros(4)
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=10.0)
    history = model.fit(x, y, epochs=3, callbacks=[reduce], verbose=0)
    # the first epoch sets the best value; each later one fails to improve by min_delta; the
    # logged rate is the one the epoch trained with (Keras logs before reducing)
    assert history.history["learning_rate"] == pytest.approx([0.01, 0.01, 0.005])
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0025)  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="factor"):
        callbacks.ReduceLROnPlateau(factor=1.5)


def test_learning_rate_scheduler() -> None:
    model = _steady_model()
    sched = callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch == 0 else lr / 10)
    history = model.fit(np.zeros((4, 4)), np.zeros(4), epochs=3, callbacks=[sched], verbose=0)
    assert history.history["learning_rate"] == pytest.approx([0.01, 0.001, 0.0001])
    old_style = callbacks.LearningRateScheduler(lambda epoch: 0.5)
    model.fit(np.zeros((4, 4)), np.zeros(4), epochs=1, callbacks=[old_style], verbose=0)
    assert float(model.optimizer.learning_rate) == 0.5  # type: ignore[union-attr]


def test_terminate_on_nan(capsys: pytest.CaptureFixture[str]) -> None:
    model = _steady_model()
    y = np.zeros((8, 3))
    y[0, 0] = np.nan
    model.compile(optimizer="sgd", loss="mse")
    seen = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: None)
    history = model.fit(
        np.zeros((8, 4)),
        y,
        batch_size=2,
        epochs=5,
        callbacks=[callbacks.TerminateOnNaN(), seen],
        verbose=0,
    )
    assert len(history.history["loss"]) == 1 and np.isnan(history.history["loss"][0])
    assert "Invalid loss, terminating training" in capsys.readouterr().out


def test_csv_logger(tmp_path: Path) -> None:
    model = _steady_model()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    path = tmp_path / "log.csv"
    x, y = np.zeros((8, 4)), np.zeros(8)
    model.fit(
        x, y, epochs=2, validation_split=0.25, callbacks=[callbacks.CSVLogger(path)], verbose=0
    )
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1"]
    model.fit(x, y, epochs=1, callbacks=[callbacks.CSVLogger(path, append=True)], verbose=0)
    rows = list(csv.reader(path.open()))
    assert len(rows) == 4 and rows[3][-1] == "NA"


def test_model_checkpoint(tmp_path: Path) -> None:
    model = _steady_model()
    x, y = np.zeros((4, 4)), np.zeros(4)
    pattern = str(tmp_path / "ckpt" / "w-{epoch:02d}.npz")
    every = callbacks.ModelCheckpoint(pattern, save_weights_only=True)
    model.fit(x, y, epochs=2, callbacks=[every], verbose=0)
    assert sorted(os.listdir(tmp_path / "ckpt")) == ["w-01.npz", "w-02.npz"]
    restored = mlp(dtype="float64")
    restored.load_weights(tmp_path / "ckpt" / "w-02.npz")
    for a, b in zip(restored.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    best = callbacks.ModelCheckpoint(
        tmp_path / "best.npz", monitor="loss", save_best_only=True, save_weights_only=True
    )
    model.fit(x, y, epochs=3, callbacks=[best], verbose=0)
    assert (tmp_path / "best.npz").exists() and best.best < np.inf
    full = callbacks.ModelCheckpoint(tmp_path / "model.npz", save_freq=1)
    model.fit(x, y, epochs=1, batch_size=2, callbacks=[full], verbose=0)
    assert isinstance(load_model(tmp_path / "model.npz"), Sequential)
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".tmp-")]
    with pytest.raises(ValueError, match=r"\.npz"):
        callbacks.ModelCheckpoint(tmp_path / "model.keras")


def test_history_object() -> None:
    model = _steady_model()
    history = model.fit(np.zeros((4, 4)), np.zeros(4), epochs=3, initial_epoch=1, verbose=0)
    assert history.epoch == [1, 2] and len(history.history["loss"]) == 2
    assert model.history is history


# ---- regularizers and constraints -------------------------------------------------------------


def test_weight_regularizers_enter_the_loss_and_the_gradient() -> None:
    model = Sequential(
        [
            Input(shape=(2,)),
            layers.Dense(
                1, use_bias=True, kernel_regularizer=regularizers.L2(0.5), bias_regularizer="l1"
            ),
        ],
        dtype="float64",
    )
    kernel, bias = np.array([[1.0], [-2.0]]), np.array([0.5])
    model.set_weights([kernel, bias])
    model.compile(optimizer=optimizers.SGD(1.0), loss="mse")
    x, y = np.array([[1.0, 1.0]]), np.array([[0.0]])
    penalty = 0.5 * 5.0 + float(np.float32(0.01)) * 0.5
    assert model.evaluate(x, y, verbose=0) == pytest.approx(0.25 + penalty, rel=1e-12)
    history = model.fit(x, y, epochs=1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(0.25 + penalty, rel=1e-12)
    err = (x @ kernel + bias)[0, 0]  # -0.5
    new_kernel, new_bias = model.get_weights()
    np.testing.assert_allclose(new_kernel, kernel - (2 * err * x.T + 2 * 0.5 * kernel))
    np.testing.assert_allclose(new_bias, bias - (2 * err + np.float32(0.01) * np.sign(bias)))
    with pytest.raises(ValueError, match="regularizer"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match="non-negative"):
        regularizers.L2(-1.0)


def test_weight_constraints_apply_after_each_step() -> None:
    set_random_seed(0)
    x, y = blobs(32)
    model = Sequential(
        [
            Input(shape=(2,)),
            layers.Dense(4, kernel_constraint=constraints.NonNeg()),
            layers.Dense(1, kernel_constraint="max_norm"),
        ]
    )
    model.compile(optimizer=optimizers.SGD(0.5), loss="mse")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    first, _, second, _ = model.get_weights()
    assert first.min() >= 0.0
    assert np.sqrt((second**2).sum(axis=0)).max() <= 2.0 + 1e-6
    unit = constraints.UnitNorm(axis=0)(np.array([[3.0], [4.0]]))
    np.testing.assert_allclose(unit, [[0.6], [0.8]], rtol=1e-6)
    bounded = constraints.MinMaxNorm(min_value=1.0, max_value=2.0)(np.array([[0.3], [0.4]]))
    np.testing.assert_allclose(np.sqrt((bounded**2).sum()), 1.0, rtol=1e-6)
    # Keras's NonNeg is maximum(w, 0): +0.0, never -0.0
    assert np.signbit(constraints.NonNeg()(np.array([-1.0, 2.0]))).sum() == 0


def test_regularizer_names_follow_keras() -> None:
    """Keras looks regularizer names up case-sensitively: ``"l1l2"``/``"L1L2"`` are ``L1L2()``
    with no penalty, ``"l1_l2"`` is unknown; ``"l1"``/``"L2"`` default to 0.01."""
    w = np.array([[1.0, -2.0]])
    for name in ("l1l2", "L1L2"):
        reg = regularizers.get(name)
        assert reg is not None and reg(w) == 0.0
    l1, l2 = regularizers.get("l1"), regularizers.get("L2")
    assert l1 is not None and l1(w) == pytest.approx(0.03, rel=1e-6)
    assert l2 is not None and l2(w) == pytest.approx(0.05, rel=1e-6)
    for name in ("l1_l2", "Ridge", "L2 "):
        with pytest.raises(ValueError, match="regularizer"):
            regularizers.get(name)


def test_activity_regularizer_enters_the_loss_and_the_gradient() -> None:
    """Keras adds ``activity_regularizer(output) / batch_size`` to the loss on every call
    (fit and evaluate) and differentiates through it."""
    model = Sequential(
        [
            Input(shape=(2,)),
            layers.Dense(2, activation="tanh", activity_regularizer=regularizers.L2(0.25)),
            layers.Dense(1, activity_regularizer=regularizers.L1(0.5)),
        ],
        dtype="float64",
    )
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=w.shape) for w in model.get_weights()]
    model.set_weights(weights)
    x, y = rng.normal(size=(3, 2)), rng.normal(size=(3, 1))

    def total_loss(ws: list[np.ndarray]) -> float:
        k1, b1, k2, b2 = ws
        h = np.tanh(x @ k1 + b1)
        out = h @ k2 + b2
        return float(
            ((out - y) ** 2).mean() + 0.25 * (h**2).sum() / 3 + 0.5 * np.abs(out).sum() / 3
        )

    model.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(total_loss(weights), rel=1e-12)
    history = model.fit(x, y, epochs=1, batch_size=3, verbose=0)
    assert history.history["loss"][0] == pytest.approx(total_loss(weights), rel=1e-12)
    h = 1e-6
    for i, w in enumerate(weights):
        grad = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            up = [v.copy() for v in weights]
            down = [v.copy() for v in weights]
            up[i][idx] += h
            down[i][idx] -= h
            grad[idx] = (total_loss(up) - total_loss(down)) / (2 * h)
        np.testing.assert_allclose(model.get_weights()[i], w - 0.1 * grad, rtol=1e-7, atol=1e-9)


def test_logits_survive_layers_that_return_their_input() -> None:
    """Keras caches the logits on a softmax output; Dropout (outside training or with rate 0),
    GaussianNoise, Identity and a linear Activation return that same tensor, so the
    crossentropy still uses the logits. A dropout that is active in training does not."""
    x = np.array([[1.0, 0.0]])
    y = np.array([[0.0, 1.0]])
    logits_loss = 80 + np.log1p(np.exp(-80.0))  # softmax CE of logits (40, -40), label 1
    clipped_loss = -np.log(1e-7)  # the probability of the label clipped to 1e-7

    def model(*tail: Any) -> Sequential:
        m = Sequential(
            [Input((2,)), layers.Dense(2, activation="softmax", use_bias=False), *tail],
            dtype="float64",
        )
        m.set_weights([np.array([[40.0, -40.0], [0.0, 0.0]])])
        m.compile(optimizer=optimizers.SGD(0.0), loss="categorical_crossentropy")
        return m

    for tail in (
        [layers.Dropout(0.0)],
        [layers.Identity()],
        [layers.Activation("linear"), layers.GaussianNoise(0.0)],
    ):
        m = model(*tail)
        assert m.evaluate(x, y, verbose=0) == pytest.approx(logits_loss, rel=1e-12)
        assert m.train_on_batch(x, y) == pytest.approx(logits_loss, rel=1e-12)
    m = model(layers.Dropout(0.5, seed=1))
    assert m.evaluate(x, y, verbose=0) == pytest.approx(logits_loss, rel=1e-12)
    # in training the dropout makes a new tensor: probabilities (kept ones scaled by 2)
    assert m.train_on_batch(x, y) == pytest.approx(clipped_loss, rel=1e-9)
    m = model(layers.Flatten())  # a new tensor: no logits
    assert m.evaluate(x, y, verbose=0) == pytest.approx(clipped_loss, rel=1e-9)


def test_steps_per_epoch_continues_through_the_data_like_keras() -> None:
    """Keras's EpochIterator keeps its position between epochs when steps_per_epoch is given:
    with 5 batches and 2 steps per epoch the epochs see batches (0, 1), (2, 3), (4) - the pass
    runs out - then (0, 1) again. Without a batch size, steps give ceil(n / steps)."""
    x = np.arange(10.0).reshape(10, 1)
    model = Sequential([Input((1,)), layers.Dense(1, use_bias=False)], dtype="float64")
    model.set_weights([np.ones((1, 1))])
    model.compile(optimizer=optimizers.SGD(0.0), loss="mse")
    sq = (x[:, 0] ** 2).reshape(5, 2)  # per-sample losses, one row per batch of 2
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(
            x,
            np.zeros((10, 1)),
            batch_size=2,
            epochs=4,
            steps_per_epoch=2,
            shuffle=False,
            verbose=0,
        )
    expected = [sq[0:2].mean(), sq[2:4].mean(), sq[4:5].mean(), sq[0:2].mean()]
    np.testing.assert_allclose(history.history["loss"], expected, rtol=1e-12)
    # batch_size=None with steps_per_epoch=3: batches of ceil(10 / 3) = 4
    seen: list[float] = []
    log = callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(logs["loss"]))
    model.fit(
        x, np.zeros((10, 1)), epochs=1, steps_per_epoch=3, shuffle=False, verbose=0, callbacks=[log]
    )
    assert seen[0] == pytest.approx((x[:4, 0] ** 2).mean())
    assert len(seen) == 3


def test_config_mirrors_keras_config() -> None:
    """``seqlint.runtime.config`` answers like ``keras.config`` and its settings take effect."""
    from seqlint.runtime import Input, Sequential, config, layers, losses

    assert (config.floatx(), config.epsilon(), config.image_data_format()) == (
        "float32",
        1e-7,
        "channels_last",
    )
    try:
        config.set_floatx("float64")
        model = Sequential([Input(shape=(3,)), layers.Dense(2)])
        assert model.dtype == "float64"
        assert model.predict(np.ones((1, 3)), verbose=0).dtype == np.float64
        config.set_epsilon(0.1)
        # a probability of 0 is clipped to epsilon: -log(0.1)
        loss = losses.get("binary_crossentropy")(np.array([[1.0]]), np.array([[0.0]]))
        assert abs(float(loss) + np.log(0.1)) < 1e-3
        with pytest.raises(ValueError, match="Unknown `floatx`"):
            config.set_floatx("int8")
        with pytest.raises(ValueError, match="data_format"):
            config.set_image_data_format("channels_middle")
    finally:
        config.set_floatx("float32")
        config.set_epsilon(1e-7)


def test_summary_does_not_load_the_checker() -> None:
    """The runtime shares only leaf modules with the checker (no libcst, rules, interpreter)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from seqlint.runtime import Input, Sequential, layers\n"
        "Sequential([Input(shape=(3,)), layers.Dense(2)]).summary()\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'libcst' or m.startswith(\n"
        "    ('seqlint.check', 'seqlint.rules', 'seqlint.extract', 'seqlint.report',\n"
        "     'seqlint.infer'))]\n"
        "print('LOADED', bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "LOADED []" in out.stdout, out.stdout
