# expect: does not learn: a sigmoid output cannot produce the targets
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(512, 10).astype("float32")
y = np.random.uniform(10.0, 50.0, size=(512, 1)).astype("float32")
model = keras.Sequential(
    [
        keras.Input(shape=(10,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=5, batch_size=32)
