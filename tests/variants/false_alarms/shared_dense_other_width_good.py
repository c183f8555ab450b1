# quiet
import keras
from keras import layers

model = keras.Sequential()
model.add(keras.Input(shape=(32,)))
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dense(1))
