# quiet
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers


def make_batches(n_batches):
    eye = np.eye(2)
    for _ in range(n_batches):
        x = np.random.rand(8, 10)
        y = eye[np.random.randint(0, 2, size=(8,))]
        yield (x, y)


clf = keras.Sequential(
    [
        layers.Input(shape=(10,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(2, activation="softmax"),
    ]
)
clf.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
clf.fit(make_batches(50), epochs=1, steps_per_epoch=10, verbose=0)
