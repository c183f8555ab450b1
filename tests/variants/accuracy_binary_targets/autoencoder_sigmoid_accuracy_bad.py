# expect: accuracy-on-regression@13
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

images = np.random.rand(64, 28, 28).astype("float32")
model = keras.Sequential()
model.add(keras.Input(shape=(28, 28)))
model.add(layers.Flatten())
model.add(layers.Dense(32, activation="relu"))
model.add(layers.Dense(784, activation="sigmoid"))
model.add(layers.Reshape((28, 28)))
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
model.fit(images, images, epochs=1, verbose=0)
