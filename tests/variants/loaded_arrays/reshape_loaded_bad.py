# expect: data-shape-mismatch@14
import numpy as np
from tensorflow import keras

np.save("x.npy", np.random.rand(30, 64))
np.save("y.npy", np.random.rand(30, 1))
x = np.load("x.npy")
y = np.load("y.npy")
x = x.reshape(30, 8, 8, 1)  # images for a model of flat rows
model = keras.Sequential(
    [keras.layers.Dense(16, activation="relu", input_dim=64), keras.layers.Dense(1)]
)
model.compile(loss="mse", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
