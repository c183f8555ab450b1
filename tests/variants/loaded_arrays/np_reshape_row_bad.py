# expect: data-shape-mismatch@14
import numpy as np
from tensorflow import keras

np.save("feats.npy", np.random.rand(12, 4, 4, 2))
feats = np.load("feats.npy")
model = keras.Sequential(
    [keras.Input(shape=(32,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
)
model.compile(loss="mse", optimizer="adam")
model.fit(np.reshape(feats, (12, 32)), np.random.rand(12, 1), epochs=1, verbose=0)
one = feats[0]
one = np.reshape(one, (1, 4, 4, 2))  # still an image, not the flat row the model takes
print(model.predict(one, verbose=0))
