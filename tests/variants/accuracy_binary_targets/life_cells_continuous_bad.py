# expect: accuracy-on-regression@10
import numpy as np
import tensorflow as tf

# the targets are densities in [0, 1], not 0/1 cells: accuracy thresholds them meaninglessly
density = np.random.rand(32, 12, 12, 1)
model = tf.keras.Sequential()
model.add(tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu", input_shape=(12, 12, 1)))
model.add(tf.keras.layers.Conv2D(1, 1, activation="sigmoid"))
model.compile(loss="mse", optimizer="adam", metrics=["accuracy"])
model.fit(np.random.rand(32, 12, 12, 1), density, epochs=1, verbose=0)
