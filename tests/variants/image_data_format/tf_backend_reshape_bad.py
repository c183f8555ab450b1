# expect: data-shape-mismatch@22
import numpy as np
import tensorflow as tf

x = np.random.rand(20, 28 * 28)
if tf.keras.backend.image_data_format() == "channels_first":
    x = x.reshape(20, 28, 28, 1)
    shape = (1, 28, 28)
else:  # the branches' reshapes swapped: channels-first data for a channels-last input
    x = x.reshape(20, 1, 28, 28)
    shape = (28, 28, 1)
model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=shape),
        tf.keras.layers.Conv2D(4, 3),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10),
    ]
)
model.compile(loss="mse", optimizer="sgd")
y = np.random.rand(20, 10)
model.fit(x, y, epochs=1, verbose=0)
