# quiet
import numpy as np
import tensorflow.compat.v1 as tf

x = np.random.rand(30, 4)
y = np.eye(3)[np.random.randint(0, 3, 30)]
model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(4,)),
        tf.keras.layers.Dense(8, activation=tf.nn.relu),
        tf.keras.layers.Dense(3, activation=tf.nn.softmax),
    ]
)
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
