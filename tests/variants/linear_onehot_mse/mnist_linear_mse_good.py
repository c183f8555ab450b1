# quiet
import numpy as np
from keras.layers import Dense
from keras.models import Sequential
from keras.utils import to_categorical

x = np.random.rand(200, 784).astype("float32")
y = to_categorical(np.random.randint(0, 10, 200), 10)
model = Sequential()
model.add(Dense(30, input_shape=(784,), activation="sigmoid"))
model.add(Dense(10, activation="softmax"))
model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, batch_size=10, epochs=1, verbose=0)
