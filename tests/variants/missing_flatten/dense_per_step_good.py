# quiet
# a Dense applied per time step on purpose: the targets keep the time axis
import numpy as np
from keras.layers import Dense
from keras.models import Sequential

x = np.random.rand(100, 12, 4)
y = np.random.rand(100, 12, 1)
model = Sequential()
model.add(Dense(16, activation="relu", input_shape=(12, 4)))
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
