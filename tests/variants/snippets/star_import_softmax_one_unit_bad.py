# expect: output-activation-mismatch@6
from mylib.layers import *

model = Sequential([
    Dense(64, activation="relu", input_shape=(20,)),
    Dense(1, activation="softmax"),
])
model.compile(loss="binary_crossentropy", optimizer=Adam(learning_rate=1e-3))
