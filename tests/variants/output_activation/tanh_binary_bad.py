# expect: output-activation-mismatch@10
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(64, 20)
y = np.random.randint(0, 2, 64)
model = keras.Sequential()
model.add(layers.Dense(16, activation="relu", input_shape=(20,)))
model.add(layers.Dense(1, activation="tanh"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x, y, epochs=1, verbose=0)
