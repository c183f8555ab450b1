# quiet
import numpy as np
import tensorflow as tf

# 0/1 cells under a per-cell sigmoid: binary accuracy counts the cells predicted right
mask = (np.random.rand(32, 12, 12, 1) > 0.5).astype("int32")
model = tf.keras.Sequential()
model.add(tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu", input_shape=(12, 12, 1)))
model.add(tf.keras.layers.Conv2D(1, 1, activation="sigmoid"))
model.compile(loss="mse", optimizer="adam", metrics=["accuracy"])
model.fit(np.random.rand(32, 12, 12, 1), mask, epochs=1, verbose=0)
