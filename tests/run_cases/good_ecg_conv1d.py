# expect: learns
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(512, 180, 1).astype("float32")
y = np.random.randint(0, 5, size=(512,))
model = keras.Sequential(
    [
        keras.Input(shape=(180, 1)),
        layers.Conv1D(16, 7, activation="relu"),
        layers.MaxPooling1D(2),
        layers.Conv1D(32, 5, activation="relu"),
        layers.MaxPooling1D(2),
        layers.Conv1D(32, 3, activation="relu"),
        layers.GlobalAveragePooling1D(),
        layers.Dense(32, activation="relu"),
        layers.Dense(5, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=32)
