# expect: learns
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(256, 12, 5).astype("float32")
y = np.random.randint(0, 3, size=(256, 12))
model = keras.Sequential(
    [
        keras.Input(shape=(12, 5)),
        layers.LSTM(16, return_sequences=True),
        layers.TimeDistributed(layers.Dense(3, activation="softmax")),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=32)
