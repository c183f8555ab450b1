# expect: branching-in-sequential@7:error
import keras
from keras import layers

hidden = layers.Dense(64, activation="relu")
model = keras.Sequential()
model.add(keras.Input(shape=(32,))); model.add(hidden); model.add(hidden)
model.add(layers.Dense(1))
