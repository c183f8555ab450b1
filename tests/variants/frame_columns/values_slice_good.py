# quiet
import numpy as np
import pandas
from tensorflow import keras

np.savetxt("sonar.csv", np.random.rand(40, 7), delimiter=",")
dataset = pandas.read_csv("sonar.csv", header=None).values
X = dataset[:, 0:6].astype(float)
Y = (dataset[:, 6] > 0.5).astype(int)
model = keras.Sequential(
    [
        keras.layers.Dense(8, activation="relu", input_shape=(6,)),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(X, Y, epochs=1, verbose=0)
