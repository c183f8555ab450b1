# quiet
# a Dropout has no weights: using one instance twice behaves as two Dropouts
import keras
from keras import layers

drop = layers.Dropout(0.2)
model = keras.Sequential(
    [keras.Input(shape=(32,)), drop, layers.Dense(8, activation="relu"), drop, layers.Dense(1)]
)
