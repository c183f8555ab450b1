# expect: output-units-mismatch@20
import numpy as np
from keras import layers
from keras.models import Sequential
from keras.utils import to_categorical

x_all = np.random.rand(500, 12)
y_all = to_categorical(np.random.randint(0, 10, size=(500,)), num_classes=10)


def batches(batch_size=32):
    while True:
        idx = np.random.randint(0, 500, size=batch_size)
        yield x_all[idx], y_all[idx]


model = Sequential()
model.add(layers.Input(shape=(12,)))
model.add(layers.Dense(24, activation="relu"))
model.add(layers.Dense(3, activation="softmax"))
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(batches(), steps_per_epoch=5, epochs=1, verbose=0)
