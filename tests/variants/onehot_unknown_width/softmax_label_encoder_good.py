# quiet
import numpy as np
from keras.layers import Activation, Dense
from keras.models import Sequential
from keras.utils import to_categorical
from sklearn.preprocessing import LabelEncoder

names = np.array(["setosa", "versicolor", "virginica"])[np.random.randint(0, 3, 90)]
x = np.random.rand(90, 4)
y = to_categorical(LabelEncoder().fit_transform(names))
model = Sequential()
model.add(Dense(16, input_dim=4, activation="tanh"))
model.add(Dense(3))
model.add(Activation("softmax"))
model.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
model.fit(x, y, epochs=1, verbose=0)
