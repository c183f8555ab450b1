"""Labels followed through ``Dataset.map``, generators and ``from_generator``: what cannot be
followed exactly stays silent (the caught cases are in tests/variants/)."""

from __future__ import annotations

from helpers import lint

MODEL = """
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit({data}, epochs=1)
"""
HEADER = "import numpy as np\nimport tensorflow as tf\nimport keras\n"


def codes(text: str) -> list[str]:
    return [d.name for d in lint(text)]


def test_a_generator_whose_yields_disagree_says_nothing() -> None:
    gen = (
        "def gen():\n"
        "    yield np.random.rand(4, 8), keras.utils.to_categorical(np.zeros(4), 10)\n"
        "    yield np.random.rand(4, 8), keras.utils.to_categorical(np.zeros(4), 5)\n"
    )
    assert codes(HEADER + gen + MODEL.format(data="gen()")) == []


def test_the_same_yields_give_the_labels() -> None:
    gen = (
        "def gen():\n"
        "    while True:\n"
        "        yield np.random.rand(4, 8), keras.utils.to_categorical(np.zeros(4), 10)\n"
    )
    assert codes(HEADER + gen + MODEL.format(data="gen()")) == ["output-units-mismatch"]


def test_a_map_function_that_is_not_visible_says_nothing() -> None:
    data = (
        "ds = tf.data.Dataset.from_tensor_slices((np.random.rand(9, 8), np.zeros(9)))\n"
        "ds = ds.map(preprocess).batch(3)\n"
    )
    assert codes(HEADER + "from helpers import preprocess\n" + data + MODEL.format(data="ds")) == []


def test_a_map_that_keeps_integer_labels_keeps_them() -> None:
    data = (
        "y = np.random.randint(0, 10, size=(9,))\n"
        "ds = tf.data.Dataset.from_tensor_slices((np.random.rand(9, 8), y))\n"
        "ds = ds.map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y)).batch(3)\n"
    )
    sparse = MODEL.replace("categorical_crossentropy", "sparse_categorical_crossentropy")
    assert codes(HEADER + data + sparse.format(data="ds")) == ["output-units-mismatch"]


def test_from_generator_with_arguments_uses_its_signature_only() -> None:
    data = (
        "def gen(n):\n"
        "    for _ in range(n):\n"
        "        yield np.random.rand(8), keras.utils.to_categorical(0, 10)\n"
        "ds = tf.data.Dataset.from_generator(gen, args=(5,), output_signature=(\n"
        "    tf.TensorSpec(shape=(8,)), tf.TensorSpec(shape=(3,)))).batch(2)\n"
    )
    assert codes(HEADER + data + MODEL.format(data="ds")) == []
