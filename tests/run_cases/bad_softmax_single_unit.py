# expect: does not learn: a softmax over a single unit always outputs 1.0
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(512, 20).astype("float32")
y = np.random.randint(0, 2, size=(512,))
model = keras.Sequential(
    [
        keras.Input(shape=(20,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=32)
