# quiet
import numpy as np
import pandas as pd
import keras

prices = pd.read_csv("prices.csv")
window = 20
series = prices["close"].to_numpy()
X = np.stack([series[i : i + window] for i in range(len(series) - window)])[..., None]
y = series[window:]

model = keras.Sequential()
model.add(keras.layers.LSTM(32, input_shape=X.shape[1:]))
model.add(keras.layers.Dense(1))
model.compile(optimizer="adam", loss="mse")
model.summary()
# the first axis of X counts windows, not time steps
model.fit(X, y, epochs=1, verbose=0)
