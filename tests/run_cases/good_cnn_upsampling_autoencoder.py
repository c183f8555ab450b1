# expect: learns
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(256, 16, 16, 1).astype("float32")
model = keras.Sequential(
    [
        keras.Input(shape=(16, 16, 1)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.UpSampling2D(),
        layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="mse")
model.fit(x, x, epochs=3)
