# expect: output-units-mismatch@17
import numpy as np
import tensorflow as tf
from tensorflow import keras


def prepare(image, label):
    image = tf.cast(image, tf.float32) / 255.0
    return image, tf.one_hot(label, 3)


images = np.random.randint(0, 256, size=(90, 8, 8, 1)).astype("uint8")
labels = np.random.randint(0, 3, size=(90,))
train = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(90).map(prepare).batch(16)
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten()])
model.add(keras.layers.Dense(16, activation="relu"))
model.add(keras.layers.Dense(1, activation="sigmoid"))
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(train, epochs=1, verbose=0)
