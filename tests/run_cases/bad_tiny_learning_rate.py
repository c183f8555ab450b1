# expect: does not learn: the loss did not change
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(512, 20).astype("float32")
y = np.random.randint(0, 3, size=(512,))
model = keras.Sequential(
    [
        keras.Input(shape=(20,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(3, activation="softmax"),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-9),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(x, y, epochs=5, batch_size=32)
