# expect: learns
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.randint(0, 50, size=(256, 12))
y = np.random.randint(0, 4, size=(256, 12))
model = keras.Sequential(
    [
        keras.Input(shape=(12,)),
        layers.Embedding(50, 16, mask_zero=True),
        layers.LSTM(16, return_sequences=True),
        layers.TimeDistributed(layers.Dense(4, activation="softmax")),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=32)
