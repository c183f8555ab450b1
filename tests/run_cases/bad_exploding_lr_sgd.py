# expect: does not learn: learning rate 50
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(512, 10).astype("float32")
y = np.random.randn(512, 1).astype("float32")
model = keras.Sequential(
    [
        keras.Input(shape=(10,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=50.0), loss="mse")
model.fit(x, y, epochs=5, batch_size=32)
