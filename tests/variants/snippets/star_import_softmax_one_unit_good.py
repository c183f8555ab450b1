# quiet
from mylib.layers import *

model = Sequential([
    Dense(64, activation="relu", input_shape=(20,)),
    Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer=Adam(learning_rate=1e-3))
