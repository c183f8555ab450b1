# expect: data-shape-mismatch@13
import json

import numpy as np
from tensorflow import keras

row = json.loads('{"temp": 21.5, "humidity": 0.4}')
model = keras.Sequential(
    [keras.Input(shape=(2,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)]
)
model.compile(loss="mse", optimizer="adam")
x = np.array([[row["temp"]], [row["humidity"]]])
print(model.predict(x, verbose=0))
