# expect: learns
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(512, 20).astype("float32")
y = np.random.randint(0, 3, size=(512,))
base = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(16, activation="relu")])
base.trainable = False
model = keras.Sequential(
    [
        keras.Input(shape=(20,)),
        base,
        layers.Dense(16, activation="relu"),
        layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=3)
