# expect: output-units-mismatch@20
import numpy as np
import tensorflow as tf
from keras import Sequential, layers

x_train = np.random.rand(300, 9).astype("float32")
y_train = np.random.rand(300, 3).astype("float32")


def pairs():
    for i in range(len(x_train)):
        yield x_train[i], y_train[i]


ds = tf.data.Dataset.from_generator(
    pairs, output_types=(tf.float32, tf.float32), output_shapes=((9,), (3,))
)
model = Sequential([layers.Input(shape=(9,))])
model.add(layers.Dense(16, activation="relu"))
model.add(layers.Dense(2))
model.compile(optimizer="rmsprop", loss="mae")
model.fit(ds.batch(25), epochs=1, verbose=0)
