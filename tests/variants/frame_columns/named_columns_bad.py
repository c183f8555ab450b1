# expect: data-shape-mismatch@14
import numpy as np
import pandas as pd
from tensorflow import keras

pd.DataFrame(np.random.rand(25, 4), columns=["a", "b", "c", "t"]).to_csv("n.csv", index=False)
frame = pd.read_csv("n.csv")
features = frame[["a", "b", "c"]].to_numpy()
target = frame["t"].values
model = keras.Sequential(
    [keras.Input(shape=(4,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)]
)
model.compile(loss="mse", optimizer="adam")
model.fit(features, target, epochs=1, verbose=0)
