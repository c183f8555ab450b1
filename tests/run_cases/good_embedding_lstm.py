# expect: learns
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.randint(1, 5000, size=(512, 40))
y = np.random.randint(0, 4, size=(512,))
model = keras.Sequential(
    [
        keras.Input(shape=(40,)),
        layers.Embedding(5000, 32),
        layers.LSTM(16),
        layers.Dense(4, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=32)
