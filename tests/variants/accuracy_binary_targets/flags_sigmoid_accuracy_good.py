# quiet
import numpy as np
from keras.layers import Dense
from keras.models import Sequential

x = np.random.rand(80, 6)
flags = np.random.randint(0, 2, (80, 5))
model = Sequential()
model.add(Dense(16, input_dim=6, activation="relu"))
model.add(Dense(5, activation="sigmoid"))
model.compile(loss="mean_squared_error", optimizer="adam", metrics=["binary_accuracy"])
model.fit(x, flags, epochs=1, verbose=0)
