"""Extraction: every way people write a Sequential model leads to the same layers and shapes."""

from __future__ import annotations

import pytest
from helpers import findings, shapes, summary

MLP = [("Dense", [None, 16], 176), ("Dense", [None, 1], 17)]

IMPORT_STYLES = {
    "keras": """
        import keras
        model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(16),
                                  keras.layers.Dense(1)])
    """,
    "from keras import layers, models": """
        from keras import layers, models
        model = models.Sequential([layers.Input(shape=(10,)), layers.Dense(16), layers.Dense(1)])
    """,
    "tf.keras": """
        import tensorflow as tf
        model = tf.keras.models.Sequential()
        model.add(tf.keras.layers.Dense(16, input_shape=(10,)))
        model.add(tf.keras.layers.Dense(1))
    """,
    "tensorflow.keras": """
        from tensorflow.keras.models import Sequential
        from tensorflow.keras.layers import Dense
        model = Sequential([Dense(16, input_dim=10), Dense(1)])
    """,
    "aliases": """
        from tensorflow.keras.layers import Dense as D
        from tensorflow.keras.models import Sequential as Seq
        net = Seq()
        net.add(D(16, input_dim=10))
        net.add(D(1))
    """,
    "keras 2 module paths": """
        from keras.models import Sequential
        from keras.layers.core import Dense
        model = Sequential()
        model.add(Dense(16, input_dim=10))
        model.add(Dense(1))
    """,
    "tf_keras": """
        import tf_keras as keras
        model = keras.Sequential(layers=[keras.layers.Dense(16, input_shape=(10,)),
                                         keras.layers.Dense(1)])
    """,
    "from tensorflow import keras": """
        from tensorflow import keras
        model = keras.Sequential([keras.layers.InputLayer(shape=(10,)),
                                  keras.layers.Dense(16), keras.layers.Dense(1)])
    """,
    "star import": """
        from keras.models import *
        from keras.layers import *
        model = Sequential([Dense(16, input_shape=(10,)), Dense(1)])
    """,
    # a package's re-export of Keras (tensorflow-model-optimization's guides, keras-tuner)
    "from a compatibility module import keras": """
        from tensorflow_model_optimization.python.core.keras.compat import keras
        model = keras.Sequential([keras.layers.InputLayer(input_shape=(10,)),
                                  keras.layers.Dense(16), keras.layers.Dense(1)])
    """,
    "from a relative module import tf_keras": """
        from .internal import tf_keras
        model = tf_keras.Sequential([tf_keras.Input((10,)), tf_keras.layers.Dense(16),
                                     tf_keras.layers.Dense(1)])
    """,
    "try/except import fallback": """
        try:
            from tensorflow import keras
        except ImportError:
            import keras
        model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(16),
                                  keras.layers.Dense(1)])
    """,
}


@pytest.mark.parametrize("style", sorted(IMPORT_STYLES))
def test_import_styles_give_the_same_model(style: str) -> None:
    assert shapes(IMPORT_STYLES[style]) == MLP


def test_module_constants_arithmetic_and_unpacking() -> None:
    code = """
        from keras import layers, models
        (H, W), C = (28, 28), 1
        HIDDEN = 2 * 32
        SHAPE = (H, W, C)
        model = models.Sequential()
        model.add(layers.Flatten(input_shape=SHAPE))
        model.add(layers.Dense(HIDDEN + 0))
    """
    assert shapes(code) == [("Flatten", [None, 784], 0), ("Dense", [None, 64], 50240)]


def test_function_called_with_arguments_and_loop_over_defaults() -> None:
    code = """
        from keras.models import Sequential
        from keras.layers import Dense, Dropout

        def build(n_in, n_out, hidden=(64, 32)):
            model = Sequential()
            model.add(Dense(hidden[0], input_dim=n_in))
            for units in hidden[1:]:
                model.add(Dropout(0.1))
                model.add(Dense(units))
            model.add(Dense(n_out, activation="softmax"))
            return model

        model = build(16, 3)
    """
    assert shapes(code) == [
        ("Dense", [None, 64], 1088),
        ("Dropout", [None, 64], 0),
        ("Dense", [None, 32], 2080),
        ("Dense", [None, 3], 99),
    ]


def test_range_loop_and_list_comprehension_are_unrolled() -> None:
    code = """
        import keras
        from keras import layers
        N = 3
        blocks = [layers.Dense(8) for _ in range(N)]
        model = keras.Sequential([keras.Input((4,)), *blocks])
        for i in range(2):
            model.add(layers.Dense(2 ** (i + 1)))
    """
    got = shapes(code)
    assert [s for _, s, _ in got] == [[None, 8]] * 3 + [[None, 2], [None, 4]]


def test_list_returning_helper_spread_into_sequential() -> None:
    code = """
        import keras
        from keras import layers

        def conv_block(filters):
            return [layers.Conv2D(filters, 3, padding="same"), layers.MaxPooling2D()]

        model = keras.Sequential([keras.Input((32, 32, 3)), *conv_block(16), *conv_block(32),
                                  layers.Flatten(), layers.Dense(10)])
    """
    got = shapes(code)
    assert got[3] == ("MaxPooling2D", [None, 8, 8, 32], 0)
    assert got[-1] == ("Dense", [None, 10], 20490)


def test_layer_variables_and_shape_from_data() -> None:
    code = """
        import numpy as np
        import keras
        x = np.random.rand(64, 20).astype("float32")
        first = keras.layers.Dense(8, input_shape=x.shape[1:])
        model = keras.Sequential([first, keras.layers.Dense(1)])
    """
    assert shapes(code) == [("Dense", [None, 8], 168), ("Dense", [None, 1], 9)]


def test_unknown_values_stay_unknown() -> None:
    code = """
        import sys
        import keras
        n = int(sys.argv[1])
        model = keras.Sequential([keras.Input((n,)), keras.layers.Dense(4)])
    """
    assert shapes(code) == [("Dense", [None, 4], None)]


@pytest.mark.parametrize(
    "fill",
    [
        "for word in counts:\n    vocab[word] = len(vocab)",  # keys from data
        "for i in range(len(counts)):\n    if counts[i] > 2:\n        vocab[i] = i",
        "vocab.update(counts)",
        "for word in counts:\n    vocab.setdefault(word, len(vocab))",
        "vocab.popitem()",  # a method without a handler: the keys are no longer known
    ],
)
def test_a_dict_filled_with_unknown_keys_has_an_unknown_length(fill: str) -> None:
    """A vocabulary built from data (held-out sample 2): its ``len`` is not the 0 of the
    empty dict it started as, so ``Embedding(len(vocab), ...)`` is not reported as invalid."""
    code = (
        "import keras\nfrom data import load_counts\n"
        "counts = load_counts()\nvocab = {}\n"
        + fill
        + "\nmodel = keras.Sequential([keras.Input((5,)), keras.layers.Embedding(len(vocab), 8)])"
        + "\nwidth = vocab.get('<pad>', 3)\n"
        + "model.add(keras.layers.Dense(width))\n"
    )
    assert shapes(code) == [("Embedding", [None, 5, 8], None), ("Dense", [None, 5, None], None)]
    assert findings(code) == []
    # keys the code spells out are still counted
    known = code.replace(fill, "for word in ['a', 'b', 'c']:\n    vocab[word] = 1")
    assert shapes(known) == [("Embedding", [None, 5, 8], 24), ("Dense", [None, 5, 3], 27)]


def test_a_list_given_a_slice_of_data_has_an_unknown_length() -> None:
    code = """
        import keras
        from data import load_words
        vocab = ["<pad>"]
        vocab[1:] = load_words()
        model = keras.Sequential([keras.Input((5,)), keras.layers.Embedding(len(vocab), 8)])
    """
    assert shapes(code) == [("Embedding", [None, 5, 8], None)]
    assert shapes(code.replace("vocab[1:] = load_words()", "vocab[0] = 'x'")) == [
        ("Embedding", [None, 5, 8], 8)
    ]


def test_a_function_defined_in_an_uncalled_function_is_checked_too() -> None:
    """A tuner test defines ``build_model(hp)`` inside a test function and hands it to the
    tuner: neither is called in the file, both are run, so the model is checked."""
    code = """
        import keras
        import keras_tuner

        def test_search(tmp_path):
            def build_model(hp):
                model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(16)])
                model.add(keras.layers.Dense(1, activation="softmax"))
                model.compile(loss="binary_crossentropy", optimizer="adam")
                return model

            keras_tuner.RandomSearch(build_model, objective="loss", directory=tmp_path)
    """
    assert shapes(code) == MLP
    assert findings(code) == [("output-activation-mismatch", 8)]


def test_a_builder_that_main_calls_is_checked_with_mains_arguments() -> None:
    """tensorflow-model-optimization's example: the builder's default input shape lacks the
    channel axis, but ``main`` (run by absl, so uncalled in the file) passes the real one.
    The builder runs through ``main``; only without a caller does it run on its defaults."""
    code = """
        import sys
        import keras
        import numpy as np

        def build(input_shape=(28, 28)):
            return keras.Sequential([keras.Input(input_shape), keras.layers.Conv2D(4, 3),
                                     keras.layers.Flatten(), keras.layers.Dense(2)])

        def main(argv):
            images = np.expand_dims(np.load(argv[1]), -1)
            model = build(images.shape[1:])
            model.compile(optimizer="adam", loss="mse")

        run(main)
    """
    assert findings(code) == []
    alone = code[: code.index("        def main")]
    assert findings(alone) == [("incompatible-rank", 7)]


def test_unknown_custom_layer_gives_unknown_shapes_and_no_finding() -> None:
    code = """
        import keras
        import tensorflow_hub as hub
        model = keras.Sequential([
            hub.KerasLayer("https://tfhub.dev/some/model", input_shape=[], dtype="string"),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ])
        model.compile(loss="binary_crossentropy", optimizer="adam")
    """
    assert findings(code) == []
    assert [s for _, s, _ in shapes(code)] == [None, None, None]


def test_branch_with_unknown_condition_is_not_guessed() -> None:
    code = """
        import sys
        from keras.models import Sequential
        from keras.layers import Conv2D, Dense
        model = Sequential()
        model.add(Conv2D(8, 3, input_shape=(28, 28, 1)))
        if len(sys.argv) > 1:
            model.add(Dense(10))
    """
    # Dense might or might not follow the Conv2D: no missing-flatten claim either way
    assert findings(code) == []


def test_if_name_main_is_followed() -> None:
    code = """
        from keras.models import Sequential
        from keras.layers import Dense
        if __name__ == "__main__":
            model = Sequential([Dense(4, input_dim=3)])
    """
    assert shapes(code) == [("Dense", [None, 4], 16)]


def test_uncalled_function_is_still_checked() -> None:
    code = """
        from keras.models import Sequential
        from keras.layers import Conv2D, Dense, MaxPooling2D

        def create_model():
            model = Sequential()
            model.add(Conv2D(8, 3, input_shape=(28, 28, 1)))
            model.add(MaxPooling2D())
            model.add(Dense(10, activation="softmax"))
            return model
    """
    assert findings(code) == [("missing-flatten", 9)]


def test_models_are_listed_in_keras_order() -> None:
    code = """
        import keras
        from keras import layers
        def make():
            return keras.Sequential([keras.Input((3,)), layers.Dense(2)], name="inner")
        encoder = keras.Sequential([keras.Input((8,)), layers.Dense(4)], name="encoder")
        decoder = make()
        both = keras.Sequential([encoder, decoder])
    """
    models = summary(code)
    assert [m.variable for m in models] == ["encoder", "decoder", "both"]
    assert models[2].layers[0].class_name == "Sequential"
    assert models[2].layers[0].params == 36


def test_notebook_style_model_spread_over_cells() -> None:
    code = """
        # In[1]:
        from keras.models import Sequential
        from keras.layers import Dense
        # In[2]:
        clf = Sequential()
        clf.add(Dense(6, input_dim=11))
        # In[3]:
        clf.add(Dense(1, activation="sigmoid"))
    """
    assert shapes(code) == [("Dense", [None, 6], 72), ("Dense", [None, 1], 7)]


def test_pathological_code_does_not_crash() -> None:
    code = """
        import keras
        def f(n):
            return f(n + 1)
        x = f(0)
        y = [1] * 10**9
        z = 2 ** 10**9
        while True:
            keras.Sequential().add(keras.layers.Dense(1))
        model = keras.Sequential([keras.layers.Dense(x)])
    """
    findings(code)  # must simply return


def test_layers_added_in_an_unresolved_loop_have_unknown_shapes() -> None:
    code = """
        import sys
        from keras.models import Sequential
        from keras.layers import Conv2D, Dense, Flatten
        model = Sequential()
        model.add(Conv2D(8, 3, input_shape=(32, 32, 3)))
        for _ in range(int(sys.argv[1])):
            model.add(Conv2D(8, 3))
        model.add(Flatten())
        model.add(Dense(10))
    """
    (m,) = summary(code)
    assert m.uncertain and not m.built
    assert [layer.output_shape for layer in m.layers] == [[None, 30, 30, 8], None, None, None]


def test_data_tracking_for_targets() -> None:
    from seqlint.extract import extract_text

    code = """
import numpy as np
import tensorflow as tf
import keras
X = np.random.rand(128, 6)
y = X @ np.array([1.0, -2.0, 0.5, 3.0, 0.0, 1.5]) + 1.0
labels = (X.sum(axis=1) > 3).astype(int)
picked = np.random.choice([0, 1, 2], size=50)
onehot = tf.one_hot(np.random.randint(0, 5, 64), 5)
model = keras.Sequential([keras.layers.Dense(1)])
model.fit(X, y)
model.fit(X, labels)
model.fit(X, picked)
model.fit(X, onehot)
"""
    (model,) = extract_text(code).models
    y, labels, picked, onehot = (call.args[1] for call in model.calls)
    assert y.shape == (128,)
    assert (labels.shape, labels.encoding, labels.n_classes) == ((128,), "int", 2)
    assert (picked.shape, picked.n_classes) == ((50,), 3)
    assert (onehot.shape, onehot.encoding, onehot.n_classes) == ((64, 5), "onehot", 5)


def test_list_arguments_read_like_tuples() -> None:
    """Keras takes ``kernel_size=[3, 3]`` and ``Reshape([-1, 3])`` like tuples (checked under
    Keras 3.15.1: the same shapes and parameter counts)."""
    code = """
import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(30, 30, 3)),
    layers.Conv2D(8, kernel_size=[3, 3], strides=[2, 2]),
    layers.ZeroPadding2D([[1, 1], [2, 0]]),
    layers.MaxPooling2D(pool_size=[2, 2]),
    layers.PReLU(shared_axes=[1, 2]),
    layers.Reshape([-1, 8]),
    layers.Permute([2, 1]),
])
"""
    assert shapes(code) == [
        ("Conv2D", [None, 14, 14, 8], 224),
        ("ZeroPadding2D", [None, 16, 16, 8], 0),
        ("MaxPooling2D", [None, 8, 8, 8], 0),
        ("PReLU", [None, 8, 8, 8], 8),
        ("Reshape", [None, 64, 8], 0),
        ("Permute", [None, 8, 64], 0),
    ]


def test_a_sequential_used_as_a_layer_is_built_by_the_model_that_uses_it() -> None:
    """Keras builds ``features`` when ``classifier`` is built (checked under Keras 3.15.1)."""
    code = """
import keras
from keras import layers
features = keras.Sequential([layers.Conv2D(8, 3), layers.MaxPooling2D(2)], name="features")
classifier = keras.Sequential(
    [keras.Input(shape=(28, 28, 3)), features, layers.Flatten(), layers.Dense(5)]
)
"""
    assert shapes(code, model=0) == [
        ("Conv2D", [None, 26, 26, 8], 224),
        ("MaxPooling2D", [None, 13, 13, 8], 0),
    ]
    # used with two different inputs: which one built it is not known
    twice = code + "other = keras.Sequential([keras.Input(shape=(30, 30, 3)), features])\n"
    assert shapes(twice, model=0) == [("Conv2D", None, None), ("MaxPooling2D", None, None)]


def test_lambda_reducing_one_axis_has_the_reduced_shape() -> None:
    """Shapes as Keras 3.15.1 traced them; a reduction over the batch axis or over several
    axes stays unknown."""
    code = """
import keras
import tensorflow as tf
from keras import layers, ops
model = keras.Sequential([
    keras.Input(shape=(20,), dtype="int32"),
    layers.Embedding(500, 16),
    layers.Lambda(lambda t: ops.mean(t, axis=1)),
    layers.Dense(16),
])
kept = keras.Sequential([
    keras.Input(shape=(10, 6)),
    layers.Lambda(lambda t: tf.reduce_sum(t * 2.0, -1, keepdims=True)),
    layers.Lambda(lambda t: ops.mean(t, axis=0)),
])
"""
    assert shapes(code)[1:] == [("Lambda", [None, 16], 0), ("Dense", [None, 16], 272)]
    assert shapes(code, model=1) == [("Lambda", [None, 10, 1], 0), ("Lambda", None, 0)]


def test_summary_marks_models_made_under_a_condition() -> None:
    models = summary(
        """
        import sys
        import keras

        STATELESS = False
        if len(sys.argv) > 1:
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        elif sys.argv[0] == "x":
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        else:
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
        if STATELESS:
            other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5)])
        plain = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        """
    )
    by_units = {m.layers[-1].output_shape[-1]: m.conditions for m in models}
    assert by_units == {
        2: (("len(sys.argv) > 1", "line 6"),),
        3: (("sys.argv[0] == 'x'", "line 8"),),
        4: (("none of the tests from len(sys.argv) > 1 holds", "line 6"),),
        5: (("STATELESS, which does not hold here", "line 12"),),
        1: (),
    }
