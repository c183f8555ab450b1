# expect: data-shape-mismatch@16
import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler
from tensorflow import keras

pd.DataFrame(np.random.rand(40, 5), columns=list("abcde")).to_csv("s.csv", index=False)
data = pd.read_csv("s.csv")
X = data.iloc[:, 0:4].values
y = data.iloc[:, 4].values
sc = StandardScaler()
X = sc.fit_transform(X)
model = keras.Sequential()
model.add(keras.layers.Dense(1, input_dim=5))
model.compile(loss="mse", optimizer="adam")
model.fit(X, y, epochs=1, verbose=0)
