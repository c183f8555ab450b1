# expect: output-units-mismatch@23
import numpy as np
import tensorflow as tf
from tensorflow import keras


def samples():
    for _ in range(256):
        x = np.random.rand(20).astype("float32")
        y = keras.utils.to_categorical(np.random.randint(0, 5), num_classes=5)
        yield x, y


ds = tf.data.Dataset.from_generator(
    samples,
    output_signature=(
        tf.TensorSpec(shape=(20,), dtype=tf.float32),
        tf.TensorSpec(shape=(5,), dtype=tf.float32),
    ),
).batch(32)
model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(32, activation="relu")])
model.add(keras.layers.Dropout(0.2))
model.add(keras.layers.Dense(4, activation="softmax"))
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(ds, epochs=1, verbose=0)
