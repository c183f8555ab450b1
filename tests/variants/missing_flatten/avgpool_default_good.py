# quiet
import numpy as np
from keras.layers import AveragePooling2D, Conv2D, Dense, Flatten, Reshape
from keras.models import Sequential

shape = (8, 8, 1)
model = Sequential()
model.add(Dense(int(np.prod(shape)), input_shape=(10,)))
model.add(Reshape(shape))
model.add(Conv2D(4, 3))
model.add(AveragePooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(3, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam")
