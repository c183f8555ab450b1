# expect: learns
from tensorflow import keras
from tensorflow.keras import layers

(x_train, y_train), _ = keras.datasets.boston_housing.load_data()
mean = x_train.mean(axis=0)
x_train = (x_train - mean) / x_train.std(axis=0)
model = keras.Sequential(
    [
        keras.Input(shape=(13,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(64, activation="relu"),
        layers.Dense(1),
    ]
)
model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
model.fit(x_train, y_train, epochs=20, batch_size=16)
