# quiet
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(64, 10)
y = keras.utils.to_categorical(np.random.randint(0, 2, 64), 2)
model = keras.Sequential(
    [keras.Input(shape=(10,)), layers.Dense(8, activation="relu"), layers.Dense(2, activation="softmax")]
)
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
