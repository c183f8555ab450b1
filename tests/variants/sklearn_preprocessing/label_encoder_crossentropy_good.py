# quiet
import numpy as np
from sklearn.preprocessing import LabelEncoder
from tensorflow import keras

x = np.random.rand(30, 4)
names = np.random.choice(["cat", "dog", "bird"], 30)
y = LabelEncoder().fit_transform(names)
model = keras.Sequential(
    [keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")]
)
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
print(y[:5])
model.fit(x, y, epochs=1, verbose=0)
