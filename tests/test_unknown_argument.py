"""unknown-argument (SEQ302): arguments Keras 3 rejects, and what is left to removed-api."""

from __future__ import annotations

import textwrap

from helpers import lint

from seqlint import keras_api as api
from seqlint.analysis import Analysis
from seqlint.extract import extract, parse
from seqlint.rules.unknown_argument import argument_problems

CODES = {"SEQ302", "SEQ401"}

HEAD = """\
import numpy as np
import keras
from keras import layers
"""


def found(code: str) -> list[tuple[str, int]]:
    return [(d.name, d.span.line) for d in lint(HEAD + code, select=CODES)]


def messages(code: str) -> list[str]:
    return [d.message for d in lint(HEAD + code, select=CODES)]


def problems(code: str):
    text = textwrap.dedent(HEAD + code)
    return argument_problems(Analysis.of(extract(parse(text)), text))


def test_layer_keyword_typo_names_the_valid_keyword() -> None:
    code = """
model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(64, activaton="relu"),
    layers.Dense(1),
])
"""
    assert found(code) == [("unknown-argument", 7)]
    (message,) = messages(code)
    assert "`activaton`" in message and "did you mean `activation`" in message
    (problem,) = problems(code)
    assert (problem.kind, problem.name, problem.suggestion) == (
        "unknown",
        "activaton",
        "activation",
    )


def test_missing_required_layer_argument() -> None:
    code = """
model = keras.Sequential()
model.add(layers.Conv2D(8, 3, input_shape=(28, 28, 1)))
model.add(layers.AveragePooling2D())
model.add(layers.Flatten())
model.add(layers.Dense(activation="softmax"))
"""
    assert found(code) == [("unknown-argument", 7), ("unknown-argument", 9)]
    assert "`pool_size`" in messages(code)[0]
    assert "`units`" in messages(code)[1]


def test_max_pooling_keeps_its_default_pool_size() -> None:
    code = """
model = keras.Sequential([keras.Input((28, 28, 1)), layers.MaxPooling2D(), layers.Flatten()])
"""
    assert found(code) == []


def test_too_many_positional_arguments() -> None:
    code = """
model = keras.Sequential([keras.Input((4,)), layers.Dropout(0.5, None, 1, 2)])
"""
    assert found(code) == [("unknown-argument", 5)]
    assert "at most 3 positional" in messages(code)[0]


def test_fit_keyword_typo_reported_at_the_fit_call() -> None:
    code = """
x, y = np.random.rand(32, 3), np.random.rand(32)
model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y,
          epoch=10, batch_size=8)
"""
    assert found(code) == [("unknown-argument", 8)]
    assert "did you mean `epochs`" in messages(code)[0]


def test_compile_evaluate_predict_signatures() -> None:
    code = """
x, y = np.random.rand(32, 3), np.random.rand(32)
model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metric=["mae"])
model.fit(x, y, 8, 2, 0)
model.evaluate(x, y, verbos=0)
model.predict()
model.train_on_batch(x, y)
"""
    assert found(code) == [
        ("unknown-argument", 7),
        ("unknown-argument", 9),
        ("unknown-argument", 10),
    ]
    text = " ".join(messages(code))
    assert "did you mean `metrics`" in text and "did you mean `verbose`" in text
    assert "`x`" in text


def test_valid_calls_are_clean() -> None:
    code = """
x, y = np.random.rand(32, 3), np.random.rand(32)
model = keras.Sequential([
    keras.Input((3,)),
    layers.Dense(8, activation="relu", kernel_initializer="he_normal", name="hidden"),
    layers.Dropout(0.2, seed=1),
    layers.Dense(1),
])
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-3, beta_1=0.9, clipnorm=1.0),
    loss=keras.losses.Huber(delta=2.0),
    metrics=[keras.metrics.RootMeanSquaredError(name="rmse"), keras.metrics.MeanIoU(3)],
    jit_compile=False,
)
stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
lr = keras.callbacks.ReduceLROnPlateau(factor=0.5, anything_goes=1)
model.fit(x, y, batch_size=8, epochs=2, validation_split=0.2, callbacks=[stop, lr])
model.evaluate(x, y, return_dict=True)
model.predict(x, verbose=0)
"""
    assert found(code) == []


def test_optimizer_loss_metric_callback_constructors() -> None:
    code = """
opt = keras.optimizers.Adam(learnig_rate=0.01)
loss = keras.losses.BinaryCrossentropy(from_logit=True)
metric = keras.metrics.MeanIoU()
stop = keras.callbacks.EarlyStopping(patiance=3)
"""
    assert found(code) == [("unknown-argument", n) for n in (5, 6, 7, 8)]
    text = " ".join(messages(code))
    for word in ("learning_rate", "from_logits", "num_classes", "patience"):
        assert f"`{word}`" in text


def test_removed_keras2_keywords_are_left_to_removed_api() -> None:
    code = """
from keras.optimizers import RMSprop
model = keras.Sequential()
model.add(layers.Dense(output_dim=8, init="uniform", input_dim=4))
model.add(layers.Dropout(p=0.5))
model.add(layers.Conv1D(nb_filter=4, filter_length=3, border_mode="same"))
model.compile(optimizer=RMSprop(lr=0.001), loss="mse")
model.fit(np.zeros((4, 4)), np.zeros(4), nb_epoch=5)
"""
    names = {name for name, _ in found(code)}
    assert names == {"removed-api"}  # no missing `units` / `rate`, no unknown `lr`


def test_typo_next_to_a_removed_keyword_is_still_reported() -> None:
    code = """
model = keras.Sequential([keras.Input((4,)), layers.Dense(8, init="uniform", activaton="relu")])
"""
    assert sorted(found(code)) == [("removed-api", 5), ("unknown-argument", 5)]
    assert "activaton" in " ".join(messages(code))
    assert "init" not in [p.name for p in problems(code)]


def test_custom_and_opaque_calls_are_silent() -> None:
    code = """
class MyDense(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__()

params = {"units": 8}
def build(flag, fit_args):
    model = keras.Sequential([keras.Input((4,)), MyDense(sizes=3), layers.Dense(**params)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((4, 4)), np.zeros(4), **fit_args)
    return model
"""
    assert found(code) == []


def test_a_layer_added_under_an_unknown_condition_is_still_checked() -> None:
    # whether the branch runs is unknown, but when it does, the constructor raises
    code = """
def build(flag):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8)])
    if flag:
        model.add(layers.Dense(4, activaton="relu"))
    for _ in range(flag):
        model.fit(np.zeros((4, 4)), np.zeros(4), epoch=3)
    return model
"""
    assert sorted(p.name for p in problems(code)) == ["activaton", "epoch"]


def test_handled_failures_are_silent() -> None:
    code = """
model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
try:
    model.fit(np.zeros((4, 4)), np.zeros(4), epoch=3)
except TypeError:
    model.fit(np.zeros((4, 4)), np.zeros(4), epochs=3)
"""
    assert found(code) == []


def test_keras2_files_are_silent() -> None:
    code = """
from tf_keras.layers import Dense
model = keras.Sequential([Dense(8, input_shape=(4,), weights=None, activaton="relu")])
"""
    assert found(code) == []


def test_signature_binding() -> None:
    sig = api.MODEL_METHODS["fit"]
    b = sig.bind(2, ["x", "epoch", "epochs"])
    assert (b.unknown_keywords, b.duplicate, b.missing) == (["epoch"], ["x"], [])
    b = api.MODEL_METHODS["predict"].bind(0, [])
    assert b.missing == ["x"]
    b = api.OBJECT_SIGNATURES["keras.optimizers.SGD"].bind(20, ["decay"])
    assert b.too_many_positional == 20 - len(api.OBJECT_SIGNATURES["keras.optimizers.SGD"].params)
    assert b.unknown_keywords == []
    assert api.did_you_mean("Epochs", ["epochs"]) == "epochs"
    assert api.did_you_mean("zzz", ["epochs"]) is None


def test_a_loss_function_called_with_no_tensors() -> None:
    """``loss=tf.keras.losses.MSE()`` calls the function (a TypeError); passing it, calling it
    with tensors, or constructing the loss class is fine."""
    code = """
import tensorflow as tf
model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
model.compile(optimizer="adam", loss=tf.keras.losses.MSE())
model.compile(optimizer="adam", loss=keras.losses.mean_squared_error)
model.compile(optimizer="adam", loss=keras.losses.MeanSquaredError())

def doubled(y_true, y_pred):
    return 2 * keras.losses.binary_crossentropy(y_true, y_pred, from_logits=True)
"""
    assert found(code) == [("unknown-argument", 7)]
    assert "y_true" in messages(code)[0]
