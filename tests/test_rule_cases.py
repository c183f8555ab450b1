"""What each core rule reports, where, and, as much, what it must leave alone."""

from __future__ import annotations

from helpers import findings, lint, shapes

HEAD = """
import numpy as np
import keras
from keras import layers
"""


def test_missing_input_shape_names_the_input_the_fit_data_needs() -> None:
    code = (
        HEAD
        + """
X = np.random.rand(100, 10)
y = np.random.randint(0, 2, 100)
model = keras.Sequential()
model.add(layers.Dense(32, activation="relu"))
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(X, y)
"""
    )
    (diag,) = lint(code)
    assert (diag.name, diag.span.line, diag.severity) == ("missing-input-shape", 9, "warning")
    assert "keras.Input(shape=(10,))" in diag.message


def test_missing_input_shape_names_the_call_whose_data_it_read() -> None:
    """A model that is only ever ``predict``-ed: the message must not speak of ``fit``
    (held-out sample 2, an Embedding demo summarised before it is predicted on)."""
    code = (
        HEAD
        + """
model = keras.Sequential()
model.add(layers.Embedding(input_dim=100, output_dim=2))
model.summary()
emb = model.predict(np.array([[81, 1, 96, 79], [17, 47, 69, 50]]))
"""
    )
    (diag,) = lint(code)
    assert diag.name == "missing-input-shape"
    assert "`predict` feeds it (None, 4)" in diag.message
    assert "fit" not in diag.message


def test_missing_input_shape_not_reported_when_built_or_called() -> None:
    built = (
        HEAD
        + """
model = keras.Sequential([layers.Dense(8), layers.Dense(1)])
model.build((None, 4))
"""
    )
    called = (
        HEAD
        + """
model = keras.Sequential([layers.Dense(8), layers.Dense(1)])
out = model(keras.Input((4,)))
"""
    )
    nested = (
        HEAD
        + """
body = keras.Sequential([layers.Dense(8)])
model = keras.Sequential([keras.Input((4,)), body, layers.Dense(1)])
"""
    )
    # built from a shape seqlint cannot read (TensorFlow Probability's tests)
    built_unread = (
        HEAD
        + """
import tensorflow as tf
model = keras.Sequential([layers.Dense(8), layers.Dense(1)])
model.build(tf.TensorShape([1, 3]))
"""
    )
    assert findings(built) == findings(called) == findings(nested) == []
    assert findings(built_unread) == []


def test_missing_input_shape_not_reported_when_predict_builds_the_model_first() -> None:
    """The TF tutorials' pattern: an adapted Normalization first, then ``predict`` builds."""
    tutorial = """
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers
x = np.random.rand(100, 9).astype("float32")
norm = tf.keras.layers.Normalization(axis=-1)
norm.adapt(x)
model = tf.keras.Sequential([norm, layers.Dense(units=1)])
model.predict(x[:10])
print(model.layers[1].kernel)
model.compile(optimizer="adam", loss="mse")
model.fit(x, np.random.rand(100), epochs=2)
"""
    assert findings(tutorial) == []
    # a summary before anything builds it still shows an unbuilt model
    summary_first = tutorial.replace("model.predict(", "model.summary()\nmodel.predict(")
    assert findings(summary_first) == [("missing-input-shape", 8)]


def test_missing_flatten_after_conv_is_reported_at_the_dense() -> None:
    code = (
        HEAD
        + """
model = keras.Sequential([
    keras.Input((28, 28, 1)),
    layers.Conv2D(8, 3),
    layers.MaxPooling2D(),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
"""
    )
    (diag,) = lint(code)
    assert (diag.name, diag.span.line) == ("missing-flatten", 10)
    assert "(None, 13, 13, 8)" in diag.message and "MaxPooling2D" in diag.message
    assert diag.trace[-1] == ("Dense(64, ...)", "(None, 13, 13, 64)")


def test_dense_per_position_on_purpose_is_not_missing_flatten() -> None:
    time_distributed = (
        HEAD
        + """
model = keras.Sequential([keras.Input((25,)), layers.Embedding(100, 8),
                          layers.LSTM(16, return_sequences=True),
                          layers.TimeDistributed(layers.Dense(5, activation="softmax"))])
"""
    )
    sequence_labels = (
        HEAD
        + """
x = np.random.randint(0, 100, size=(64, 25))
tags = np.random.randint(0, 5, size=(64, 25))
model = keras.Sequential([keras.Input((25,)), layers.Embedding(100, 8),
                          layers.LSTM(16, return_sequences=True),
                          layers.Dense(5, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(x, tags)
"""
    )
    no_targets = (
        HEAD
        + """
model = keras.Sequential([keras.Input((25,)), layers.Embedding(100, 8), layers.Dense(4)])
"""
    )
    flattened_later = (
        HEAD
        + """
model = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(4, 1), layers.Dense(4),
                          layers.Flatten(), layers.Dense(1, activation="sigmoid")])
"""
    )
    bottleneck = (
        HEAD
        + """
x = np.load("signals.npy")
model = keras.Sequential([keras.Input((36, 20)), layers.Conv1D(8, 3, padding="same"),
                          layers.MaxPooling1D(3), layers.Dense(1),
                          layers.Conv1D(8, 3, padding="same"), layers.UpSampling1D(3),
                          layers.Conv1D(20, 3, padding="same", activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(x, x)
"""
    )
    for code in (time_distributed, sequence_labels, no_targets, flattened_later, bottleneck):
        assert findings(code) == [], code


def test_sequence_into_final_dense_with_one_label_per_sample() -> None:
    code = (
        HEAD
        + """
x = np.random.rand(128, 24, 3)
y = np.random.rand(128)
model = keras.Sequential([keras.Input((24, 3)), layers.LSTM(50, return_sequences=True),
                          layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y)
"""
    )
    assert findings(code) == [("missing-flatten", 9)]


def test_incompatible_rank_and_invalid_dimension() -> None:
    rank = (
        HEAD
        + """
model = keras.Sequential()
model.add(layers.Dense(64, input_dim=10))
model.add(layers.LSTM(32))
"""
    )
    dim = (
        HEAD
        + """
model = keras.Sequential()
model.add(layers.Conv1D(8, 3, input_shape=(5, 1)))
model.add(layers.MaxPooling1D(2))
model.add(layers.Conv1D(8, 3))
model.add(layers.Conv1D(8, 3))
"""
    )
    (r,) = lint(rank)
    assert (r.name, r.span.line) == ("incompatible-rank", 8)
    assert "ndim=3" in r.message
    # only the first layer that goes wrong is reported, not its consequences
    assert findings(dim) == [("invalid-dimension", 9)]


def test_output_activation_pairs() -> None:
    def out(act: str, units: int, loss: str, y: str = "np.random.randint(0, 2, 32)") -> list:
        code = (
            HEAD
            + f"""
model = keras.Sequential([keras.Input((4,)), layers.Dense({units}, activation={act!r})])
model.compile(optimizer="adam", loss={loss})
model.fit(np.random.rand(32, 4), {y})
"""
        )
        return [n for n, _ in findings(code)]

    mismatch = ["output-activation-mismatch"]
    assert out("softmax", 1, '"binary_crossentropy"') == mismatch
    assert out("sigmoid", 1, '"binary_crossentropy"') == []
    assert out("linear", 1, '"binary_crossentropy"') == mismatch
    assert out("linear", 1, "keras.losses.BinaryCrossentropy(from_logits=True)") == []
    assert out("softmax", 3, "keras.losses.SparseCategoricalCrossentropy(from_logits=True)") == (
        mismatch
    )
    y3 = "keras.utils.to_categorical(np.random.randint(0, 3, 32), 3)"
    assert out("sigmoid", 3, '"categorical_crossentropy"', y3) == mismatch
    assert out("softmax", 3, '"categorical_crossentropy"', y3) == []
    # a binary sigmoid head compiled with categorical_crossentropy: both the activation and
    # the single unit are wrong for that loss
    assert sorted(out("sigmoid", 1, '"categorical_crossentropy"', "np.random.rand(32)")) == [
        "output-activation-mismatch",
        "output-units-mismatch",
    ]
    # sigmoid + mse is fine for targets in [0, 1] (autoencoders) ...
    assert out("sigmoid", 1, '"mse"', "np.random.rand(32)") == []
    # ... and wrong for prices
    assert out("sigmoid", 1, '"mse"', "np.random.rand(32) * 300.0") == mismatch
    # unknown targets: no claim
    assert out("sigmoid", 1, '"mse"', "load_targets()") == []


def test_output_units_against_loss_and_labels() -> None:
    code = (
        HEAD
        + """
y = keras.utils.to_categorical(np.random.randint(0, 10, 64), 10)
model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                          layers.Dense(5, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(np.random.rand(64, 8), y)
"""
    )
    (diag,) = lint(code)
    assert (diag.name, diag.span.line) == ("output-units-mismatch", 8)
    assert "10 classes" in diag.message


def test_trailing_activation_layer_is_the_output() -> None:
    code = (
        HEAD
        + """
model = keras.Sequential([keras.Input((8,)), layers.Dense(10), layers.Activation("softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
"""
    )
    assert findings(code) == []


def test_branching_in_sequential() -> None:
    code = (
        HEAD
        + """
shared = layers.Dense(8)
inputs = keras.Input((8,))
model = keras.Sequential()
model.add(inputs)
model.add(shared)
model.add(layers.Add())
model.add(shared)
model.add(layers.Dense(4)(inputs))
"""
    )
    assert findings(code) == [
        ("branching-in-sequential", 11),
        ("branching-in-sequential", 12),
        ("branching-in-sequential", 13),
    ]


def test_input_shape_not_first_ignores_real_layer_arguments() -> None:
    code = (
        HEAD
        + """
model = keras.Sequential([
    keras.Input((10,)),
    layers.Embedding(input_dim=1000, output_dim=8),
    layers.Flatten(),
    layers.Dense(4, input_shape=(80,)),
])
"""
    )
    assert findings(code) == [("input-shape-not-first", 10)]


def test_syntax_error_is_a_finding_not_a_crash() -> None:
    (diag,) = lint("import keras\nprint 'hello'\n")
    assert (diag.code, diag.name, diag.span.line) == ("SEQ001", "syntax-error", 2)


def test_files_without_keras_are_not_parsed() -> None:
    assert lint("print 'this is python 2, with no deep learning in it'\n") == []


def test_list_filled_in_an_unknown_loop_has_unknown_length() -> None:
    code = (
        HEAD
        + """
import os
classes = []
for d in os.listdir("data"):
    classes.append(d)
model = keras.Sequential([keras.Input((4,)), layers.Dense(8),
                          layers.Dense(len(classes), activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
"""
    )
    assert findings(code) == []
    from helpers import shapes

    assert shapes(code)[-1] == ("Dense", [None, None], None)


def test_keras1_merge_is_branching_not_a_missing_input() -> None:
    code = """
from keras.models import Sequential
from keras.layers import Dense, Merge
a = Sequential()
a.add(Dense(4, input_shape=(3,)))
b = Sequential()
b.add(Dense(4, input_shape=(3,)))
m = Sequential()
m.add(Merge([a, b], mode="concat"))
m.add(Dense(1))
"""
    # the import fails in Keras 3 (removed-api); its use is a branch, not a missing input
    assert findings(code) == [("removed-api", 3), ("branching-in-sequential", 9)]


def test_no_shape_claims_after_a_layer_keras_cannot_construct() -> None:
    code = """
from keras.models import Sequential
from keras.layers import Convolution2D, Flatten, Dense
model = Sequential()
model.add(Convolution2D(16, 5, 5, border_mode="same", input_shape=(3, 64, 64)))
model.add(Flatten())
model.add(Dense(1))
"""
    assert [n for n, _ in findings(code) if n == "invalid-dimension"] == []


def test_model_built_in_an_except_handler_is_found() -> None:
    code = (
        HEAD
        + """
try:
    model = keras.models.load_model("saved.keras")
except OSError:
    model = keras.Sequential()
    model.add(keras.Input((8, 8, 1)))
    model.add(layers.Conv2D(4, 3))
    model.add(layers.Dense(2))
"""
    )
    assert findings(code) == [("missing-flatten", 12)]


def test_compile_under_an_unknown_condition_is_not_used() -> None:
    code = (
        HEAD
        + """
import sys
model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
if sys.argv[1] == "cls":
    model.compile(loss="binary_crossentropy", optimizer="adam")
else:
    model.compile(loss="mse", optimizer="adam")
"""
    )
    assert findings(code) == []


def test_output_width_is_known_without_an_input_shape() -> None:
    code = (
        HEAD
        + """
model = keras.Sequential([layers.Embedding(100, 8), layers.Flatten(),
                          layers.Dense(1, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
"""
    )
    got = sorted(n for n, _ in findings(code))
    assert got == ["missing-input-shape", "output-activation-mismatch", "output-units-mismatch"]


def test_models_are_named_like_keras() -> None:
    from helpers import summary

    code = (
        HEAD
        + """
a = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
b = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
c = keras.Sequential([keras.Input((3,)), layers.Dense(2)], name="head")
"""
    )
    assert [m.name for m in summary(code)] == ["sequential", "sequential_1", "head"]
    assert [m.layers[0].name for m in summary(code)] == ["dense", "dense_1", "dense_2"]


def test_missing_input_shape_does_not_propose_a_shape_the_layers_reject() -> None:
    code = (
        HEAD
        + """
x = np.random.rand(32, 28, 28)
model = keras.Sequential([layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, np.random.rand(32))
"""
    )
    diags = {d.name: d for d in lint(code)}
    assert set(diags) == {"missing-input-shape", "incompatible-rank"}
    missing = diags["missing-input-shape"]
    assert "shape=(28, 28)" not in missing.message and missing.fix is None


def test_elementwise_lambda_layers_keep_the_shape() -> None:
    code = (
        HEAD
        + """
import tensorflow as tf
model = keras.Sequential([
    layers.Lambda(lambda t: t / 100.0, input_shape=(6,)),
    layers.Dense(16),
    layers.Lambda(lambda x: tf.math.exp(x) - 1.0),
    layers.Lambda(lambda x: x[:, 0]),
])
"""
    )
    got = [(name, shape) for name, shape, _ in shapes(code)]
    assert got == [
        ("Lambda", [None, 6]),
        ("Dense", [None, 16]),
        ("Lambda", [None, 16]),
        ("Lambda", None),  # slicing: not worked out, stays unknown
    ]


def test_a_layer_made_by_a_helper_is_reported_at_its_constructor() -> None:
    """The line that sets the bad activation is inside the helper, for the list and add forms;
    a layer placed twice is still reported where it is placed again."""
    helper = (
        HEAD
        + """
def head(n_classes):
    if n_classes > 2:
        return layers.Dense(n_classes, activation="softmax")
    return layers.Dense(1)
"""
    )
    listed = helper + (
        "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8), head(2)])\n"
        'model.compile(optimizer="adam", loss="binary_crossentropy")\n'
    )
    added = helper + (
        "model = keras.Sequential([keras.Input(shape=(4,))])\n"
        "model.add(layers.Dense(8))\nmodel.add(head(2))\n"
        'model.compile(optimizer="adam", loss="binary_crossentropy")\n'
    )
    assert findings(listed) == findings(added) == [("output-activation-mismatch", 9)]
    reused = helper + (
        "shared = head(2)\n"
        "model = keras.Sequential([keras.Input(shape=(1,)), shared, keras.layers.Identity(),\n"
        "                          shared])\n"
    )
    assert findings(reused) == [("branching-in-sequential", 12)]


def test_sequential_sub_models_of_a_subclassed_model_are_not_missing_an_input() -> None:
    """The TF autoencoder tutorial: ``call`` applies them to tensors, which builds them."""
    code = """
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

class AnomalyDetector(keras.Model):
    def __init__(self):
        super().__init__()
        self.encoder = keras.Sequential([layers.Dense(8, activation="relu")])
        self.decoder = keras.Sequential([layers.Dense(140, activation="sigmoid")])

    def call(self, x):
        return self.decoder(self.encoder(x))
"""
    assert findings(code) == []
    made = code + "detector = AnomalyDetector()\ndetector.compile(optimizer='adam', loss='mae')\n"
    assert findings(made) == []


def test_attention_layers_need_a_query_and_a_value_like_merges() -> None:
    """Keras 3.15.1: 'Attention layer must be called on a list of inputs, namely [query,
    value] or [query, value, key]'."""
    code = """
import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(10, 4)),
    layers.Bidirectional(layers.LSTM(8, return_sequences=True)),
    layers.Attention(),
    layers.Flatten(),
    layers.Dense(1, activation="sigmoid"),
])
"""
    assert findings(code) == [("branching-in-sequential", 7)]
