# expect: does not learn: Dense (line 11) never receives a gradient
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(512, 20).astype("float32")
y = np.random.randint(0, 2, size=(512,))
model = keras.Sequential(
    [
        keras.Input(shape=(20,)),
        layers.Dense(16, activation="relu", bias_initializer=keras.initializers.Constant(-100.0)),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=32)
