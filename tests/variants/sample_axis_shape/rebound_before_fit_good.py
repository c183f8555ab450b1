# quiet
import numpy as np
import keras

row = np.load("row.npy")
target = np.load("target.npy")

model = keras.Sequential([keras.layers.Dense(4, input_shape=row.shape), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
row = row[None, :]
model.fit(row, target, epochs=1, verbose=0)
