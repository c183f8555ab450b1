# quiet
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(128, 20).astype("float32")
y = keras.utils.to_categorical(np.random.randint(0, 4, 128), 4)
ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(128).batch(32)
model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(4, activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(ds, epochs=1, verbose=0)
