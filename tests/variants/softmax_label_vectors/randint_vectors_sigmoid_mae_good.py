# quiet
import numpy as np
from tensorflow import keras

# several 0/1 flags per sample under one sigmoid each: mse is a weaker loss, not a wrong one
x = np.random.rand(64, 6)
y = np.random.randint(0, 2, (64, 5))
model = keras.Sequential([
    keras.layers.Dense(10, activation="relu", input_shape=(6,)),
    keras.layers.Dense(5, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="mae")
model.fit(x, y, epochs=1, verbose=0)
