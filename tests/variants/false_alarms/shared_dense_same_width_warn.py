# expect: branching-in-sequential@8:warning
import keras
from keras import layers

# one Dense used twice on purpose: Keras 3 builds it and shares its weights
hidden = layers.Dense(64, activation="relu")
model = keras.Sequential(
    [keras.Input(shape=(64,)), hidden, hidden, layers.Dense(1)]
)
model.compile(loss="mse", optimizer="adam")
