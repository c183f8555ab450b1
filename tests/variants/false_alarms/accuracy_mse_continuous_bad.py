# expect: accuracy-on-regression@10
import numpy as np
from tensorflow import keras

x = np.random.rand(100, 6)
y = np.random.rand(100, 1) * 50.0
model = keras.Sequential(
    [keras.Input(shape=(6,)), keras.layers.Dense(1)]
)
model.compile(loss="mse", optimizer="adam", metrics=["accuracy"])
model.fit(x, y, epochs=1, verbose=0)
