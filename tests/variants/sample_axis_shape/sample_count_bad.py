# expect: data-shape-mismatch@15
import numpy as np
from keras.layers import Dense
from keras.models import Sequential

table = np.loadtxt("table.txt")
features, labels = table[:, :-1], table[:, -1]


def train(features, labels):
    model = Sequential()
    model.add(Dense(32, activation="relu", input_dim=features.shape[0]))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(features, labels, epochs=1, verbose=0)
    return model


train(features, labels)
