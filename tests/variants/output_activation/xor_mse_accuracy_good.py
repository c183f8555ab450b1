# quiet
import numpy as np
from keras.layers import Dense
from keras.models import Sequential

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
y = np.array([[0], [1], [1], [0]])
model = Sequential()
model.add(Dense(8, input_dim=2, activation="tanh"))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="mean_squared_error", optimizer="sgd", metrics=["accuracy"])
model.fit(X, y, epochs=1, verbose=0)
