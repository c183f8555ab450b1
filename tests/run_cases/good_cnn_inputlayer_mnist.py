# expect: learns
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(512, 28, 28).astype("float32")
y = np.random.randint(0, 10, size=(512,))
model = keras.Sequential(
    [
        layers.InputLayer(shape=(28, 28)),
        layers.Reshape((28, 28, 1)),
        layers.Conv2D(8, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=32)
