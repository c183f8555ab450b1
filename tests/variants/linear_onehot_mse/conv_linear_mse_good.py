# quiet
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

images = np.random.rand(40, 16, 16, 1)
classes = keras.utils.to_categorical(np.random.randint(0, 4, 40))
model = keras.Sequential()
model.add(layers.Conv2D(8, (3, 3), activation="relu", input_shape=(16, 16, 1)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Flatten())
model.add(layers.Dense(32, activation="relu"))
model.add(layers.Dropout(0.3))
model.add(layers.Dense(4, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(images, classes, epochs=1, verbose=0)
