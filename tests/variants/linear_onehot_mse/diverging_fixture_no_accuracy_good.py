# quiet
import numpy as np
from keras import initializers, layers
from keras.models import Sequential
from keras.utils import to_categorical

# a test fixture built to make the loss blow up (as Keras's own callback tests do): one-hot
# labels under a linear output and mse, but never scored as a classifier
x = np.random.random((40, 3))
y = to_categorical(np.random.choice(np.arange(2), size=40))
model = Sequential([layers.Input(shape=(3,))])
for _ in range(3):
    model.add(layers.Dense(2, activation="relu", kernel_initializer=initializers.Constant(1e5)))
model.add(layers.Dense(2))
model.compile(loss="mean_squared_error", optimizer="sgd")
model.fit(x, y, epochs=1, verbose=0)
