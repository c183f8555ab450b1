# expect: learns
# Layers built through functools.partial (Geron, ch. 14): later keyword arguments win.
import functools

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

DefaultConv2D = functools.partial(layers.Conv2D, kernel_size=3, activation="relu", padding="same")

x = np.random.rand(256, 28, 28, 1).astype("float32")
y = np.random.randint(0, 10, size=(256,))
model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        DefaultConv2D(filters=16, kernel_size=5),
        layers.MaxPooling2D(2),
        DefaultConv2D(filters=32),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=32)
