# quiet
import numpy as np
import pandas as pd
from tensorflow import keras

pd.DataFrame(np.random.rand(30, 4), columns=["id", "age", "sex", "label"]).to_csv("t.csv")
df = pd.read_csv("t.csv", index_col=0)
X = df.iloc[:, 1:3].values  # age, sex
y = (df.iloc[:, 3].values > 0.5).astype("float32")
model = keras.Sequential()
model.add(keras.layers.Dense(10, input_dim=2, activation="relu"))
model.add(keras.layers.Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
print(X.shape)
model.fit(X, y, batch_size=10, epochs=1, verbose=0)
