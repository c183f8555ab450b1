# quiet
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.utils import to_categorical

x = np.random.rand(64, 20)
y = to_categorical(np.random.randint(0, 4, 64))
model = keras.Sequential()
model.add(layers.Dense(16, activation="relu", input_shape=(20,)))
model.add(layers.Dense(4, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x, y, epochs=1, verbose=0)
