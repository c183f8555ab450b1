"""hidden-softmax, layer-after-output, label-encoding-mismatch, accuracy-on-regression,
fit-before-compile and data-shape-mismatch: what they flag, and what they must leave alone."""

from __future__ import annotations

import pytest

from tests.helpers import findings, lint

HEAD = "import numpy as np\nimport keras\nfrom keras import layers\n"


def hits(code: str, rule: str) -> list[int]:
    return [line for name, line in findings(HEAD + code) if name == rule]


# ---------------------------------------------------------------------------- hidden-softmax


def test_hidden_softmax_on_a_dense_and_on_an_activation_layer() -> None:
    code = """
model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    layers.Conv2D(8, 3),
    layers.Activation("softmax"),
    layers.Flatten(),
    layers.Dense(64, activation="softmax"),
    layers.Dense(1, activation="sigmoid"),
])
"""
    # reported once, at the first softmax that a computing layer follows
    assert hits(code, "hidden-softmax") == [8]


@pytest.mark.parametrize(
    "tail",
    [
        'layers.Dense(10, activation="softmax")',
        'layers.Dense(10), layers.Activation("softmax")',
        "layers.Dense(10), layers.Softmax()",
        # softmax on the output, then a reshape: still the output
        'layers.Dense(10, activation="softmax"), layers.Reshape((2, 5))',
    ],
)
def test_softmax_on_the_output_is_not_hidden(tail: str) -> None:
    code = f"model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16), {tail}])\n"
    assert hits(code, "hidden-softmax") == []


def test_hidden_softmax_stays_silent_when_the_stack_is_not_known() -> None:
    code = """
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="softmax")])
if np.random.rand() > 0.5:
    model.add(layers.Dense(4))
"""
    assert hits(code, "hidden-softmax") == []


# ------------------------------------------------------------------------ layer-after-output


@pytest.mark.parametrize(
    "output, after, expected",
    [
        ('layers.Dense(3, activation="softmax")', "layers.Dropout(0.3)", [10]),
        ('layers.Dense(1, activation="sigmoid")', "layers.BatchNormalization()", [10]),
        ('layers.Dense(1), layers.Activation("sigmoid")', "layers.GaussianNoise(0.1)", [10]),
        # a linear output of a compiled model (regression, logits) is the prediction layer too
        ("layers.Dense(8)", "layers.Dropout(0.3)", [10]),
        # dropout before the output is the normal place
        ("layers.Dropout(0.3)", 'layers.Dense(3, activation="softmax")', []),
    ],
)
def test_layer_after_output(output: str, after: str, expected: list[int]) -> None:
    code = f"""
model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(32, activation="relu"),
    {output},

    {after},
])
model.compile(optimizer="adam", loss="mse")
"""
    assert hits(code, "layer-after-output") == expected


def test_a_linear_stack_that_is_never_compiled_has_no_known_output() -> None:
    code = """
features = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(8), layers.Dropout(0.3)])
features.summary()
"""
    assert hits(code, "layer-after-output") == []


def test_layer_after_output_without_compile() -> None:
    code = """
model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(10, activation="softmax"),
    layers.BatchNormalization(),
])
model.summary()
"""
    assert hits(code, "layer-after-output") == [8]


def test_layer_after_output_ignores_a_stack_used_inside_another_model() -> None:
    code = """
head = keras.Sequential([layers.Dense(4, activation="sigmoid"), layers.Dropout(0.2)])
model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(8), head, layers.Dense(1)])
head.compile(optimizer="adam", loss="mse")
model.compile(optimizer="adam", loss="mse")
"""
    assert hits(code, "layer-after-output") == []


# ------------------------------------------------------------------- label-encoding-mismatch

MODEL3 = (
    'model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="softmax")])\n'
)


@pytest.mark.parametrize(
    "labels, loss, flagged",
    [
        (
            "keras.utils.to_categorical(np.random.randint(0, 3, 50), 3)",
            "sparse_categorical_crossentropy",
            True,
        ),
        ("np.eye(3)[np.random.randint(0, 3, 50)]", "sparse_categorical_crossentropy", True),
        ("np.random.randint(0, 3, 50)", "categorical_crossentropy", True),
        ("np.random.randint(0, 3, (50, 1))", "categorical_crossentropy", True),
        ("np.random.randint(0, 3, 50)", "sparse_categorical_crossentropy", False),
        (
            "keras.utils.to_categorical(np.random.randint(0, 3, 50), 3)",
            "categorical_crossentropy",
            False,
        ),
        # a column of class indices stays class indices
        ("np.random.randint(0, 3, 50).reshape(-1, 1)", "categorical_crossentropy", True),
        ("np.expand_dims(np.random.randint(0, 3, 50), -1)", "categorical_crossentropy", True),
        (
            "keras.utils.to_categorical(np.random.randint(0, 3, 50), 3).reshape(50, 1, 3)",
            "sparse_categorical_crossentropy",
            True,
        ),
        # reshaped into something else: nothing is known about the encoding any more
        ("np.random.randint(0, 3, 50).reshape(25, 2)", "categorical_crossentropy", False),
        # multi-hot rows of 0/1 integers are not class indices
        ("np.random.randint(0, 2, (50, 3))", "categorical_crossentropy", False),
        # labels from somewhere seqlint cannot see
        ("np.load('labels.npy')", "categorical_crossentropy", False),
    ],
)
def test_label_encoding(labels: str, loss: str, flagged: bool) -> None:
    code = (
        f"x = np.random.rand(50, 4)\ny = {labels}\n{MODEL3}"
        f'model.compile(optimizer="adam", loss="{loss}")\n'
        "model.fit(x, y, epochs=1)\n"
    )
    assert hits(code, "label-encoding-mismatch") == ([8] if flagged else [])


# -------------------------------------------------------------------- accuracy-on-regression


@pytest.mark.parametrize(
    "loss, metrics, flagged",
    [
        ('"mse"', '["accuracy"]', True),
        ('"mean_absolute_error"', '["acc"]', True),
        ("keras.losses.Huber()", '{"out": ["accuracy"]}', True),
        ('"mse"', "[keras.metrics.BinaryAccuracy()]", True),
        ('"mse"', '"accuracy"', True),
        ('"mse"', '["mae"]', False),
        ('"binary_crossentropy"', '["accuracy"]', False),
    ],
)
def test_accuracy_on_regression(loss: str, metrics: str, flagged: bool) -> None:
    code = (
        "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])\n"
        f"model.compile(optimizer='adam', loss={loss}, metrics={metrics})\n"
    )
    assert hits(code, "accuracy-on-regression") == ([5] if flagged else [])


def test_accuracy_with_mse_on_class_labels_is_left_to_other_rules() -> None:
    code = (
        "y = keras.utils.to_categorical(np.random.randint(0, 3, 50), 3)\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3)])\n"
        "model.compile(optimizer='adam', loss='mse', metrics=['accuracy'])\n"
        "model.fit(np.random.rand(50, 4), y)\n"
    )
    assert hits(code, "accuracy-on-regression") == []


# ------------------------------------------------------------------------ fit-before-compile

BUILD = "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])\n"
FIT = "model.fit(np.random.rand(32, 4), np.random.rand(32))\n"
COMPILE = "model.compile(optimizer='adam', loss='mse')\n"


def test_fit_before_compile_and_never_compiled() -> None:
    assert hits(BUILD + FIT + COMPILE, "fit-before-compile") == [5]
    assert hits(BUILD + FIT, "fit-before-compile") == [5]
    evaluate = "model.evaluate(np.random.rand(8, 4), np.random.rand(8))\n"
    assert hits(BUILD + evaluate, "fit-before-compile") == [5]


def test_fresh_model_from_a_helper_inside_a_loop_over_unknown_folds() -> None:
    """The helper's return is certain even though the loop may run any number of times."""
    code = (
        "def build():\n    return keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])\n\n"
        "model = build()\n" + COMPILE + "for fold in np.array_split(np.arange(32), 4):\n"
        "    model = build()\n    " + FIT
    )
    assert hits(code, "fit-before-compile") == [11]


@pytest.mark.parametrize(
    "code",
    [
        BUILD + COMPILE + FIT,
        # predict needs no compile
        BUILD + "model.predict(np.random.rand(8, 4))\n",
        # compiled by a helper of the file
        "def setup(m):\n    m.compile(optimizer='adam', loss='mse')\n\n"
        + BUILD
        + "setup(model)\n"
        + FIT,
        # compiled by code seqlint cannot see
        "from mylib import prepare\n" + BUILD + "prepare(model)\n" + FIT,
        # compiled under a condition
        BUILD + "if np.random.rand() > 0.5:\n    " + COMPILE + FIT,
    ],
)
def test_no_fit_before_compile_when_compiled_or_unknown(code: str) -> None:
    assert hits(code, "fit-before-compile") == []


# ------------------------------------------------------------------------ data-shape-mismatch


def test_data_with_other_features_than_the_declared_input() -> None:
    code = (
        "x = np.random.rand(100, 12)\ny = np.random.rand(100)\n"
        "model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')\n"
        "model.fit(x, y)\n"
    )
    found = [d for d in lint(HEAD + code) if d.name == "data-shape-mismatch"]
    assert [d.span.line for d in found] == [8]
    assert "(None, 10)" in found[0].message and "(100, 12)" in found[0].message


def test_x_and_y_with_different_sample_counts() -> None:
    code = (
        "model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')\n"
        "model.fit(np.random.rand(100, 3), np.random.rand(90))\n"
    )
    assert hits(code, "data-shape-mismatch") == [6]


@pytest.mark.parametrize(
    "declared, data, flagged",
    [
        # Flatten + Dense were built for 28x28 images
        ("(28, 28, 1)", "(16, 32, 32, 1)", True),
        # Keras adds the missing channel axis of size 1 itself
        ("(28, 28, 1)", "(16, 28, 28)", False),
        ("(28, 28, 1)", "(16, 28, 28, 1)", False),
    ],
)
def test_image_data_against_a_flattening_model(declared: str, data: str, flagged: bool) -> None:
    code = (
        f"model = keras.Sequential([keras.Input(shape={declared}), layers.Conv2D(4, 3), "
        "layers.Flatten(), layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')\n"
        f"model.fit(np.random.rand{data}, np.random.rand(16))\n"
    )
    assert hits(code, "data-shape-mismatch") == ([6] if flagged else [])


def test_a_fully_convolutional_model_takes_other_image_sizes() -> None:
    code = (
        "model = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(4, 3), "
        "layers.GlobalAveragePooling2D(), layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')\n"
        "model.fit(np.random.rand(16, 64, 64, 1), np.random.rand(16))\n"
    )
    assert hits(code, "data-shape-mismatch") == []


def test_data_shape_mismatch_needs_known_data() -> None:
    code = (
        "x = np.load('x.npy')\n"
        "model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')\n"
        "model.fit(x, x[:, 0])\n"
    )
    assert hits(code, "data-shape-mismatch") == []


def test_a_trained_model_handed_to_an_unknown_helper_keeps_its_findings() -> None:
    code = """
from plots import plot_boundary
model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(4, activation="softmax"),
                          layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(np.random.rand(10, 2), np.random.rand(10))
plot_boundary(model)
"""
    assert hits(code, "hidden-softmax") == [6]
    # compiled, not trained: the helper looks at the model, it does not add layers
    untrained = code.replace("model.fit(np.random.rand(10, 2), np.random.rand(10))\n", "")
    assert hits(untrained, "hidden-softmax") == [6]
    # before compile, the helper might have changed the layers: silence
    before = untrained.replace('model.compile(optimizer="adam", loss="mse")\n', "")
    before = before.replace(
        "plot_boundary(model)\n", "plot_boundary(model)\nmodel.compile(loss='mse')\n"
    )
    assert hits(before, "hidden-softmax") == []


def test_a_clone_is_compiled_only_if_its_original_was() -> None:
    code = """
x, y = np.random.rand(16, 4), np.random.rand(16)
base = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])
fresh = keras.models.clone_model(base)
fresh.fit(x, y)
base.compile(optimizer="adam", loss="mse")
copy = keras.models.clone_model(base)
copy.fit(x, y)
"""
    assert hits(code, "fit-before-compile") == [8]


def test_labels_turned_back_into_indices_with_argmax() -> None:
    code = """
x = np.random.rand(50, 4)
y = np.argmax(keras.utils.to_categorical(np.random.randint(0, 3, 50), 3), axis=1)
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y)
"""
    assert hits(code, "label-encoding-mismatch") == [9]


def test_a_layer_repeated_by_a_spread_is_reported_at_the_spread() -> None:
    code = """
hidden = layers.Dense(8, activation="relu")
model = keras.Sequential([
    keras.Input(shape=(8,)),
    *[hidden] * 3,
    layers.Dense(1),
])
"""
    assert hits(code, "branching-in-sequential") == [8]


@pytest.mark.parametrize(
    "use",
    [
        "[keras.Input(shape=(8,))] + residual(8) + [layers.Dense(1)]",
        "[keras.Input(shape=(8,)), *residual(8), layers.Dense(1)]",
    ],
)
def test_a_layer_a_helper_lists_twice_is_reported_at_its_second_place(use: str) -> None:
    code = f"""
def residual(units):
    proj = layers.Dense(units, activation="relu")
    return [
        proj,
        layers.Dropout(0.1),
        proj,
    ]

model = keras.Sequential({use})
"""
    assert hits(code, "branching-in-sequential") == [10]


def test_a_block_spread_twice_is_reported_at_its_second_spread() -> None:
    code = """
block = [layers.Dense(8, activation="relu"), layers.Dropout(0.2)]
model = keras.Sequential([
    keras.Input(shape=(8,)),
    *block,
    *block,
    layers.Dense(1),
])
"""
    assert hits(code, "branching-in-sequential") == [9]


AGENT = """
class Agent:
    def __init__(self, n_in):
        self.model = keras.Sequential([keras.Input(shape=(n_in,)), layers.Dense(1)])

    def setup(self):
        self.model.compile(optimizer="adam", loss="mse")

    def train(self, x, y):
        self.model.fit(x, y)
"""


def test_models_kept_on_an_instance_are_followed_through_its_methods() -> None:
    code = AGENT + "\nagent = Agent(3)\n"
    wrong = code + "agent.train(np.random.rand(8, 3), np.random.rand(8))\nagent.setup()\n"
    right = code + "agent.setup()\nagent.train(np.random.rand(8, 3), np.random.rand(8))\n"
    assert hits(wrong, "fit-before-compile") == [13]
    assert hits(right, "fit-before-compile") == []


def test_methods_nobody_calls_run_on_an_instance_of_their_class() -> None:
    """A DQN agent class whose methods the file never calls: ``self.model`` in ``train`` is
    the model ``__init__`` built, so its Keras 1 ``fit`` is seen; the order of the methods is
    unknown, so a fit in one and a compile in another is not called out of order."""
    code = AGENT.replace("fit(x, y)", "fit(x, y, nb_epoch=1)")
    assert findings(HEAD + code) == [("removed-api", 13)]
    # the file's own instance is the one used
    made = code + "agent = Agent(3)\n"
    assert findings(HEAD + made) == [("removed-api", 13)]
