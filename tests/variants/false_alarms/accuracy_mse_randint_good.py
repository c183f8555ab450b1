# quiet
import numpy as np
from tensorflow import keras

x = np.random.rand(100, 6)
y = np.random.randint(0, 2, size=(100, 1))
model = keras.Sequential(
    [keras.Input(shape=(6,)), keras.layers.Dense(1, activation="sigmoid")]
)
model.compile(loss="mean_squared_error", optimizer="sgd", metrics=["accuracy"])
model.fit(x, y, epochs=1, verbose=0)
