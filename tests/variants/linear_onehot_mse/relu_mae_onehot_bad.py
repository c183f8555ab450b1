# expect: output-activation-mismatch@13
import numpy as np
import tensorflow as tf

labels = np.random.randint(0, 3, 120)
onehot = tf.keras.utils.to_categorical(labels, num_classes=3)
features = np.random.normal(size=(120, 5))
model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(5,)),
        tf.keras.layers.Dense(24, activation="relu"),
        tf.keras.layers.Dense(24, activation="relu"),
        tf.keras.layers.Dense(3, activation="relu"),
    ]
)
model.compile(optimizer="adam", loss=tf.keras.losses.MeanAbsoluteError(), metrics=["accuracy"])
model.fit(features, onehot, epochs=1, verbose=0)
