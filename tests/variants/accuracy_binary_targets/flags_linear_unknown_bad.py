# expect: accuracy-on-regression@12
import numpy as np
from keras.layers import Dense
from keras.models import Sequential


def fit_prices(x, prices):
    # a linear output on targets seqlint cannot see: a regression, so accuracy says nothing
    model = Sequential()
    model.add(Dense(16, input_dim=6, activation="relu"))
    model.add(Dense(1))
    model.compile(loss="mean_squared_error", optimizer="adam", metrics=["accuracy"])
    model.fit(x, prices, epochs=1, verbose=0)
    return model


fit_prices(np.random.rand(80, 6), np.random.rand(80) * 300.0)
