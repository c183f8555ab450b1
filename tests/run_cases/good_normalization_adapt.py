# expect: learns
# Normalization adapted on the training inputs (values up to 1000), as the file does.
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.uniform(0.0, 1000.0, size=(512, 8)).astype("float32")
y = np.random.randint(0, 3, size=(512,))
norm = layers.Normalization()
norm.adapt(x)
model = keras.Sequential(
    [
        keras.Input(shape=(8,)),
        norm,
        layers.Dense(32, activation="relu"),
        layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=20, batch_size=32)
