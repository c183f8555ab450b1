# quiet
import numpy as np
import keras
from keras.utils import to_categorical

x = np.random.rand(50, 10)
y = to_categorical(np.random.randint(0, 4, 50), 4)
model = keras.Sequential([
    keras.Input(shape=(10,)),
    keras.layers.Dense(4, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y, epochs=2)
