# expect: learns
# Colour augmentation in front of a small RGB CNN (Keras's value_range default: pixels 0-255).
import keras
import numpy as np
from keras import layers

x_train = np.random.randint(0, 256, size=(512, 32, 32, 3)).astype("float32")
y_train = np.random.randint(0, 10, size=(512,))

model = keras.Sequential(
    [
        keras.Input(shape=(32, 32, 3)),
        layers.RandomGrayscale(factor=0.2),
        layers.RandomColorJitter(
            brightness_factor=0.1, saturation_factor=(0.4, 0.6), hue_factor=0.05
        ),
        layers.RandomSharpness(0.2),
        layers.Rescaling(1.0 / 255),
        layers.Conv2D(16, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=3, batch_size=64, validation_split=0.1)
