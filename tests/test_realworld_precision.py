"""False alarms found by reading seqlint's findings on public Keras repositories, each
rewritten as a small variant: the quiet version must stay quiet, the buggy one still caught."""

from __future__ import annotations

from tests.helpers import findings, lint

HEAD = "import numpy as np\nimport keras\n"


def codes(code: str) -> list[str]:
    return [name for name, _line in findings(HEAD + code)]


# Targets shuffled by ``np.random.permutation(n)`` keep their values: a one-unit output on
# shuffled 0/1 targets with mse may report accuracy (issue 14), continuous ones may not.
SHUFFLED = """
half = 200
x = np.random.rand(2 * half, 3)
y = {targets}
order = np.random.permutation(2 * half)
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse", metrics=["binary_accuracy"])
model.fit(x[order], y[order], epochs=1)
"""


def test_accuracy_on_shuffled_binary_targets_is_quiet() -> None:
    targets = "np.concatenate([np.zeros(half), np.ones(half)])"
    assert "accuracy-on-regression" not in codes(SHUFFLED.format(targets=targets))


def test_accuracy_on_shuffled_continuous_targets_is_still_reported() -> None:
    targets = "np.random.rand(2 * half) * 50.0"
    assert "accuracy-on-regression" in codes(SHUFFLED.format(targets=targets))


# ``input_shape`` on a later layer is the model's input in a configuration where the layers
# before it are not added (a script with a "static embeddings" switch).
SWITCH = """
variant = "{variant}"
model = keras.Sequential()
if variant != "static":
    model.add(keras.layers.Embedding(1000, 16))
model.add(keras.layers.Dropout(0.2, input_shape=(40, 16)))
model.add(keras.layers.Conv1D(8, 3))
"""


def test_input_shape_after_a_conditional_layer_is_quiet() -> None:
    for variant in ("trainable", "static"):
        assert "input-shape-not-first" not in codes(SWITCH.format(variant=variant))


def test_input_shape_after_an_unconditional_layer_is_still_reported() -> None:
    code = SWITCH.format(variant="x").replace('if variant != "static":\n    ', "")
    assert "input-shape-not-first" in codes(code)


def test_one_shared_instance_is_reported_once() -> None:
    code = """
block = keras.layers.Dense(16, activation="relu")
model = keras.Sequential([keras.Input(shape=(16,)), block, block, block, block])
"""
    found = [c for c in codes(code) if c == "branching-in-sequential"]
    assert found == ["branching-in-sequential"]


def test_each_rejected_reuse_is_still_an_error() -> None:
    code = """
block = keras.layers.Dense(16)
model = keras.Sequential([keras.Input(shape=(4,)), block, block, block])
"""
    found = [d.severity for d in lint(HEAD + code) if d.name == "branching-in-sequential"]
    assert found == ["error", "error"]


def test_removed_estimator_module_message_reads_as_a_sentence() -> None:
    [diag] = [
        d
        for d in lint("from tensorflow import keras\nkeras.estimator.model_to_estimator(m)\n")
        if d.name == "removed-api"
    ]
    assert diag.message.endswith("use `model.fit` (Keras 3 has no estimators)")


# Two Gaussian clouds labelled 0 and 1, shuffled by a permutation of the sample count.
CLOUDS = """
per_class = 300
reds = np.random.multivariate_normal(mean=[1, -1], cov=[[1, 0], [0, 1]], size=per_class)
blues = np.random.multivariate_normal([-1, 1], [[1, 0], [0, 1]], per_class)
points = np.vstack((reds, blues)).astype(np.float32)
labels = np.vstack((np.zeros((per_class, 1)), np.ones((per_class, 1))))
mix = np.random.permutation(len(points))
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(optimizer="rmsprop", loss="mse", metrics=["binary_accuracy"])
model.fit(points[mix], labels[mix], epochs=1)
"""


def test_gaussian_clouds_with_binary_labels_keep_their_shapes_and_values() -> None:
    found = lint(HEAD + CLOUDS)
    assert "accuracy-on-regression" not in {d.name for d in found}
    [missing] = [d for d in found if d.name == "missing-input-shape"]
    assert "keras.Input(shape=(2,))" in missing.message


# A preprocessing Sequential applied inside ``Dataset.map(lambda ...)`` is built by that call.
MAPPED = """
import tensorflow as tf
augment = keras.Sequential([keras.layers.Rescaling(1.0 / 255)])
{extra}
ds = tf.data.Dataset.from_tensor_slices((np.zeros((8, 32, 32, 3)), np.zeros(8)))
ds = ds.map(lambda images, labels: ({use}, labels))
"""


def test_model_called_in_a_map_lambda_is_built() -> None:
    code = MAPPED.format(extra="", use="augment(images)")
    assert "missing-input-shape" not in codes(code)


def test_model_not_called_in_the_lambda_still_lacks_its_input() -> None:
    code = MAPPED.format(extra="augment.summary()", use="images * 2")
    assert "missing-input-shape" in codes(code)


# ``gen[0]`` of a ``flow_from_directory`` iterator is one batch, an (images, labels) tuple
# (student code feeds ``xy_train[0][0]`` and ``xy_train[0][1]`` to fit); it was read as an
# image array indexed twice.
BATCH_INDEX = """
gen = keras.preprocessing.image.ImageDataGenerator(rescale=1 / 255)
xy = gen.flow_from_directory("d:/data", target_size=(64, 64), batch_size=100,
                             class_mode="{mode}", color_mode="grayscale")
model = keras.Sequential([keras.Input((64, 64, 1)), keras.layers.Conv2D(8, 3),
                          keras.layers.Flatten(), keras.layers.Dense({units}, activation="{act}")])
model.compile(optimizer="adam", loss="{loss}")
model.fit(xy[0][0], xy[0][1], epochs=1)
model.predict(xy[1][0])
"""


def test_a_generator_batch_is_images_and_labels() -> None:
    good = BATCH_INDEX.format(mode="binary", units=1, act="sigmoid", loss="binary_crossentropy")
    assert codes(good) == []
    bad = BATCH_INDEX.format(mode="categorical", units=1, act="softmax", loss="mse")
    assert "output-activation-mismatch" in codes(bad)


# A forecaster's causal Conv1D followed by Dense is per step on purpose (a certification
# exercise requires an output of (batch, 24, 7)); so is a Dense over axes of any length, which
# no Flatten could follow. Targets that show one value per sample are still a bug.
FORECAST = """
model = keras.Sequential([keras.Input({shape}), keras.layers.Conv1D(32, 5, padding="{padding}"),
                          keras.layers.Dense(16), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mae")
model.fit({data}, epochs=1)
"""


def test_per_step_forecasters_are_quiet_unless_targets_are_per_sample() -> None:
    windows = "windowed_dataset(series)"
    assert codes(FORECAST.format(shape="(24, 7)", padding="causal", data=windows)) == []
    assert codes(FORECAST.format(shape="(None, 1)", padding="valid", data=windows)) == []
    per_sample = "np.random.rand(50, 24, 7), np.random.rand(50)"
    for shape, padding in (("(24, 7)", "causal"), ("(24, 7)", "valid")):
        found = codes(FORECAST.format(shape=shape, padding=padding, data=per_sample))
        assert "missing-flatten" in found
    # a plain Conv1D over fixed windows with unknown targets is still reported
    assert "missing-flatten" in codes(
        FORECAST.format(shape="(24, 7)", padding="valid", data=windows)
    )
