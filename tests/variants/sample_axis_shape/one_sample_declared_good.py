# quiet
import numpy as np
import keras

images = np.load("images.npy")
labels = np.load("labels.npy")
first = images[0]

model = keras.Sequential(
    [
        keras.layers.Conv2D(8, 3, activation="relu", input_shape=first.shape),
        keras.layers.Flatten(),
        keras.layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(images, labels, epochs=1, verbose=0)
