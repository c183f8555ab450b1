# quiet
# a linear classifier trained with mse: 0/1 targets (stacked zeros and ones) on one unit
import numpy as np
from tensorflow import keras

n = 500
inputs = np.random.rand(2 * n, 2)
targets = np.vstack((np.zeros((n, 1), dtype="float32"), np.ones((n, 1), dtype="float32")))
order = np.random.permutation(2 * n)
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
model.compile(optimizer="rmsprop", loss="mse", metrics=["accuracy"])
model.fit(inputs, targets, epochs=1, verbose=0)
model.fit(inputs[order], targets[order], epochs=1, verbose=0)
