# expect: output-activation-mismatch@9, output-units-mismatch@9
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(64, 20)
y = np.random.randint(0, 6, size=(64,))
model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(16, activation="relu")])
model.add(layers.Dense(6, activation="softmax"))
model.compile(loss="mse", optimizer="adam", metrics=["accuracy"])
model.fit(x, y, epochs=1, verbose=0)
