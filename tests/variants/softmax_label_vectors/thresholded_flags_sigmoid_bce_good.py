# quiet
import numpy as np
import tensorflow as tf

# which of 8 sensors fire above 0.7: any number of 1s per row
readings = np.random.rand(300, 8)
fired = (readings > 0.7).astype("int32")
inputs = np.random.rand(300, 20)
model = tf.keras.models.Sequential()
model.add(tf.keras.layers.Input(shape=(20,)))
model.add(tf.keras.layers.Dense(64, activation="relu"))
model.add(tf.keras.layers.BatchNormalization())
model.add(tf.keras.layers.Dropout(0.1))
model.add(tf.keras.layers.Dense(8))
model.add(tf.keras.layers.Activation("sigmoid"))
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(inputs, fired, epochs=1, verbose=0)
