# expect: output-activation-mismatch@23
import os
import tempfile

import numpy as np
from keras import Input
from keras.layers import Dense, Dropout
from keras.models import Sequential
from keras.utils import to_categorical
from sklearn.model_selection import train_test_split

path = os.path.join(tempfile.mkdtemp(), "rows.csv")
np.savetxt(path, np.random.randint(0, 2, (80, 7)), delimiter=",")
raw = np.loadtxt(path, delimiter=",")
features, labels = raw[:, :6], to_categorical(raw[:, 6].astype(int))
x_train, x_test, y_train, y_test = train_test_split(features, labels, test_size=0.25)

model = Sequential(
    [
        Input(shape=(6,)),
        Dense(32, activation="relu"),
        Dropout(0.2),
        Dense(2, activation="softmax"),
    ]
)
model.compile(loss="mse", optimizer="rmsprop")
model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=1, verbose=0)
