# quiet
import numpy as np
from keras import layers
from keras.models import Sequential
from keras.utils import to_categorical
from tensorflow.keras.preprocessing.image import ImageDataGenerator

x = np.random.rand(64, 32, 32, 3)
y = to_categorical(np.random.randint(0, 10, 64), 10)
batches = ImageDataGenerator(horizontal_flip=True).flow(x, y, batch_size=16)
model = Sequential(
    [
        layers.Input(shape=(32, 32, 3)),
        layers.Conv2D(8, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
    ]
)
model.add(layers.Dense(10, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(batches, epochs=1, verbose=0)
