# expect: output-units-mismatch@17
import numpy as np
import keras


def sample_stream():
    for _ in range(1000):
        inputs = np.random.uniform(-1, 1, size=(16, 6))
        targets = np.random.uniform(0, 5, size=(16, 3))
        yield inputs, targets


model = keras.Sequential(
    [
        keras.Input(shape=(6,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
model.fit(sample_stream(), steps_per_epoch=4, epochs=1, verbose=0)
