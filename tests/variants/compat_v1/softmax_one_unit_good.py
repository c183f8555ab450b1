# quiet
import numpy as np
from tensorflow.compat import v1 as tf

x = np.random.rand(40, 3)
y = np.random.randint(0, 2, (40, 1))
model = tf.keras.Sequential()
model.add(tf.keras.layers.Dense(4, activation=tf.nn.relu, input_dim=3))
model.add(tf.keras.layers.Dense(1, activation=tf.nn.sigmoid))
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
