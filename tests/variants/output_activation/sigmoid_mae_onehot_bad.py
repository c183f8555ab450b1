# expect: output-activation-mismatch@11
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

x = np.random.rand(64, 20)
y = np.random.randint(0, 6, size=(64,))
model = keras.Sequential(
    [
        keras.Input(shape=(20,)),
        layers.Dense(6, activation="sigmoid"),
    ]
)
model.compile(loss="mean_absolute_error", optimizer="adam")
model.fit(x, keras.utils.to_categorical(y), epochs=1, verbose=0)
