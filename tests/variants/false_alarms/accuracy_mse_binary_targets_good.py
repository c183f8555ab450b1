# quiet
import numpy as np
from keras.layers import Dense
from keras.metrics import BinaryAccuracy
from keras.models import Sequential

X = np.random.rand(100, 3)
y = (X.sum(axis=1) > 1.5).astype("float32")
model = Sequential()
model.add(Dense(8, input_dim=3, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="mse", optimizer="adam", metrics=[BinaryAccuracy()])
model.fit(X, y, epochs=1, verbose=0)
