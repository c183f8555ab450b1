# expect: output-units-mismatch@11
import numpy as np
import tensorflow as tf
from keras import Sequential
from keras.layers import Dense, Input

features = np.random.normal(size=(128, 5)).astype("float32")
classes = np.random.randint(0, 4, size=(128,))
data = tf.data.Dataset.from_tensor_slices((features, classes)).batch(32)
data = data.map(lambda f, c: (f, tf.one_hot(c, depth=4))).prefetch(2)
net = Sequential([Input((5,)), Dense(8, activation="relu"), Dense(2, activation="softmax")])
net.compile(loss="categorical_crossentropy", optimizer="sgd")
net.fit(data, epochs=1, verbose=0)
