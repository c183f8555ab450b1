# quiet
import os
import tempfile

import numpy as np
from keras.layers import Dense
from keras.models import Sequential

# labels read back from disk: unknown to seqlint, but a sigmoid output says they are 0/1
path = os.path.join(tempfile.mkdtemp(), "labels.npy")
np.save(path, np.random.randint(0, 2, 100))
labels = np.load(path)
model = Sequential()
model.add(Dense(8, input_dim=4, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="mse", optimizer="adam", metrics=["accuracy"])
model.fit(np.random.rand(100, 4), labels, epochs=1, verbose=0)
