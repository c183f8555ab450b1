# quiet
import os
import tempfile

import numpy as np
from tensorflow import keras


def train(x, y, classes):
    model = keras.Sequential([
        keras.Input(shape=(x.shape[1],)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    model.fit(x, y, epochs=1, verbose=0)


# targets seqlint cannot see under a softmax: class scores, where accuracy is meaningful
path = os.path.join(tempfile.mkdtemp(), "scores.npy")
np.save(path, np.random.dirichlet(np.ones(3), 60))
train(np.random.rand(60, 5), np.load(path), 3)
