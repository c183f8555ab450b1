# quiet
import numpy as np
import tensorflow as tf
from keras import layers, models

x = np.random.rand(200, 16).astype("float32")
y = np.random.randint(0, 10, size=(200,))
ds = tf.data.Dataset.from_tensor_slices((x, y)).map(lambda a, b: (a, tf.one_hot(b, 10))).batch(32)
model = models.Sequential([layers.Input(shape=(16,)), layers.Dense(32, activation="relu")])
model.add(layers.Dense(10, activation="softmax"))
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(ds, epochs=1, verbose=0)
