# quiet
import numpy as np
from sklearn import preprocessing
from sklearn.model_selection import train_test_split
from tensorflow import keras

x = np.random.rand(50, 6)
labels = np.random.choice(["a", "b"], 50)
encoder = preprocessing.LabelEncoder()
encoder.fit(labels)
y = keras.utils.to_categorical(encoder.transform(labels), 2)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2)
model = keras.Sequential()
model.add(keras.layers.Dense(8, activation="relu", input_dim=6))
model.add(keras.layers.Dense(2, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=1, verbose=0)
