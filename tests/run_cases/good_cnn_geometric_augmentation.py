# expect: learns
import keras
import numpy as np
from keras import layers

x = np.random.rand(512, 24, 24, 3).astype("float32")
y = np.random.randint(0, 4, size=(512,))
augment = [
    layers.RandomShear(x_factor=0.1, y_factor=0.1),
    layers.RandomGaussianBlur(factor=0.5, sigma=(0.1, 0.5), value_range=(0, 1)),
    layers.RandomErasing(factor=0.3, scale=(0.02, 0.1), value_range=(0, 1)),
]
model = keras.Sequential(
    [
        keras.Input(shape=(24, 24, 3)),
        *augment,
        layers.Conv2D(16, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(16, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(4, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=32)
