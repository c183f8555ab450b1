# expect: output-units-mismatch@22
import json

import tensorflow as tf
from keras import layers, models

with open("rows.json") as handle:
    rows = json.load(handle)


def read_rows():
    for features, target in rows:
        yield features, target


signature = (
    tf.TensorSpec(shape=(7,), dtype=tf.float32),
    tf.TensorSpec(shape=(2,), dtype=tf.float32),
)
ds = tf.data.Dataset.from_generator(read_rows, output_signature=signature).batch(16)
model = models.Sequential([layers.Input(shape=(7,)), layers.Dense(12, activation="relu")])
model.add(layers.Dense(1))
model.compile(optimizer="adam", loss="mean_squared_error")
model.fit(ds, epochs=1, verbose=0)
