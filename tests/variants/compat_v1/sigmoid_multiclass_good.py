# quiet
import numpy as np
import tensorflow.compat.v1 as tf

x = np.random.rand(30, 6)
y = tf.keras.utils.to_categorical(np.random.randint(0, 4, 30), 4)
model = tf.keras.models.Sequential()
model.add(tf.keras.layers.Dense(16, activation=tf.nn.tanh, input_shape=(6,)))
model.add(tf.keras.layers.Dense(4, activation=tf.nn.softmax))
model.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
model.fit(x, y, epochs=1, verbose=0)
