"""Every golden ``model.fit`` run reproduced end to end: build the model from the entry's layers,
load ``winit*`` (no re-initialisation), compile and fit as Keras did (shuffle=False), and compare
the weights after the first batch and after fit, the History, the per-batch logs, evaluate and
predict before and after fit (rtol 1e-10 in float64, 1e-4 for ``__f32``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from runtime_golden import close, entries, load, rel_err

from seqlint.runtime import Input, Sequential, callbacks, config, layers, losses, optimizers

# golden/README.md: dense_1/bias feeds BatchNormalization, its exact gradient is 0 and Keras's
# value is rounding noise (~1e-12): compare it with an absolute tolerance.
ABSOLUTE = {("bn_dropout_mlp", "dense_1/bias"): 1e-9}


class Recorder(callbacks.Callback):
    """The logs of every ``on_train_batch_end`` and the weights after the first batch."""

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.first: list[np.ndarray] | None = None

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.batches.append([])

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.batches[-1].append(dict(logs or {}))
        if self.first is None:
            self.first = self.model.get_weights()


def build_model(entry: dict[str, Any], through_floatx: bool = False) -> Sequential:
    spec = entry["model"]
    input_dtype = "int32" if spec["input_dtype"].startswith("int") else None
    stack: list[Any] = [Input(shape=tuple(spec["input_shape"]), dtype=input_dtype)]
    for layer in spec["layers"]:
        stack.append(getattr(layers, layer["class"])(**layer["config"]))
    return Sequential(stack, dtype=None if through_floatx else entry["dtype"])


def _compile(model: Sequential, entry: dict[str, Any]) -> None:
    spec = entry["compile"]
    optimizer = optimizers.get(
        {"class": spec["optimizer"]["class"], "kwargs": spec["optimizer"]["kwargs"]}
    )
    model.compile(optimizer=optimizer, loss=losses.get(spec["loss"]), metrics=spec["metrics"])


def _check_weights(
    entry: dict[str, Any], actual: list[np.ndarray], data: dict[str, Any], prefix: str, rtol: float
) -> None:
    for i, (name, value) in enumerate(zip(entry["weights"], actual, strict=True)):
        expected = data[f"{prefix}{i}"]
        assert value.shape == expected.shape, name
        atol = ABSOLUTE.get((entry["name"], name))
        if atol is not None:
            assert np.abs(value - expected).max() <= atol, (prefix, name)
        else:
            assert close(value, expected, rtol), (prefix, name, rel_err(value, expected))


@pytest.fixture
def floatx_default() -> Any:
    """Restores ``floatx`` after a test that changes it."""
    yield
    config.set_floatx("float32")


@pytest.mark.parametrize("through_floatx", [False, True], ids=["dtype", "set_floatx"])
@pytest.mark.parametrize("entry", entries("training"))
def test_golden_fit(entry: dict[str, Any], through_floatx: bool, floatx_default: Any) -> None:
    """Each case with the dtype passed to the model, and again with the dtype set through
    ``seqlint.runtime.config.set_floatx`` (Keras code that calls ``keras.config.set_floatx``)."""
    data = load(entry)
    rtol = 1e-10 if entry["dtype"] == "float64" else 1e-4
    if through_floatx:
        config.set_floatx(entry["dtype"])
        assert config.floatx() == entry["dtype"]
    model = build_model(entry, through_floatx)
    assert model.dtype == entry["dtype"]
    n_weights = len(entry["weights"])
    assert [w.name.split("/")[-1] for w in model.weights] == [
        path.split("/")[-1] for path in entry["weights"]
    ]
    assert [list(w.shape) for w in model.weights] == entry["weight_shapes"]
    assert [w.trainable for w in model.weights] == entry["trainable"]
    model.set_weights([data[f"winit{i}"] for i in range(n_weights)])
    _compile(model, entry)
    fit = entry["fit"]
    x, y = data["x"], data["y"]
    batch_size = fit["batch_size"]

    initial = model.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
    for key, value in initial.items():
        assert close(value, data[f"eval_initial_{key}"], rtol), key
    assert close(model.predict(x, batch_size=batch_size, verbose=0), data["pred_initial"], rtol)

    recorder = Recorder()
    history = model.fit(
        x,
        y,
        batch_size=batch_size,
        epochs=fit["epochs"],
        shuffle=fit["shuffle"],
        validation_split=fit["validation_split"],
        verbose=0,
        callbacks=[recorder],
    )
    assert sorted(history.history) == sorted(entry["history"])
    assert history.epoch == list(range(fit["epochs"]))
    for key, values in history.history.items():
        assert all(isinstance(v, float) for v in values)
        assert close(values, data[f"hist_{key}"], rtol), key
    steps = len(fit["train_batch_sizes"])
    assert [len(epoch) for epoch in recorder.batches] == [steps] * fit["epochs"]
    for key in entry["history"]:
        if not key.startswith("val_"):
            logged = [[batch[key] for batch in epoch] for epoch in recorder.batches]
            assert close(logged, data[f"batch_{key}"], rtol), key
    assert recorder.first is not None
    _check_weights(entry, recorder.first, data, "wfirst", rtol)
    _check_weights(entry, model.get_weights(), data, "wfinal", rtol)

    final = model.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
    assert sorted(final) == sorted(entry["eval_final"])
    for key, value in final.items():
        assert close(value, data[f"eval_final_{key}"], rtol), key
    assert close(model.predict(x, batch_size=batch_size, verbose=0), data["pred_final"], rtol)
    if "bce_on_clipped_probs_initial" in data:
        # the fused-logits loss is what Keras logs, not the clipped-probability formula
        assert not close(initial["loss"], data["bce_on_clipped_probs_initial"], 1e-3)


COMPILE_ACCURACY = [
    p
    for p in entries("metrics")
    if p.values[0] is None or p.values[0]["kind"] == "compile_accuracy"
]


@pytest.mark.parametrize("entry", COMPILE_ACCURACY)
def test_golden_compile_accuracy_through_evaluate(entry: dict[str, Any]) -> None:
    """``compile(metrics=["accuracy"])`` on a pass-through model, evaluated like Keras did."""
    data = load(entry)
    y_true, y_pred = data["y_true"], data["y_pred"]
    model = Sequential(
        [Input(shape=y_pred.shape[1:]), layers.Activation("linear")], dtype=entry["dtype"]
    )
    model.compile(optimizer="sgd", loss=entry["loss"], metrics=entry["compile_metrics"])
    loss, accuracy = model.evaluate(y_pred, y_true, verbose=0)
    assert type(model.metrics[1]).__name__ == entry["resolved"][0]["class"]
    assert abs(accuracy - float(data["accuracy"])) <= 1e-12
    assert close(loss, data["loss"], 1e-10)
