# quiet
import numpy as np
from keras.layers import Dense, Flatten
from keras.models import Sequential

x = np.random.rand(100, 8, 8)
y = np.random.randint(0, 2, 100)
model = Sequential()
model.add(Flatten(input_shape=(8, 8)))
model.add(Dense(32, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
