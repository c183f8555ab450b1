# expect: data-shape-mismatch@13
import numpy as np
from tensorflow import keras

age, income, debt = map(float, "35 52000 0.3".split())
model = keras.Sequential()
model.add(keras.layers.Dense(12, input_dim=3, activation="relu"))
model.add(keras.layers.Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(np.random.rand(20, 3), np.random.randint(0, 2, (20, 1)), epochs=1, verbose=0)
# three one-feature samples instead of one three-feature sample
x = np.array([[age], [income], [debt]])
print(model.predict(x, verbose=0))
