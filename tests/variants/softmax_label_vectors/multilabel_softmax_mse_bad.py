# expect: output-activation-mismatch@15
from keras.layers import Activation, Dense, Dropout
from keras.models import Sequential
from sklearn.datasets import make_multilabel_classification
from sklearn.model_selection import train_test_split

features, tags = make_multilabel_classification(n_samples=500, n_features=10, n_classes=4)
x_train, x_test, y_train, y_test = train_test_split(features, tags, test_size=0.2)
model = Sequential()
model.add(Dense(16, input_dim=10))
model.add(Activation("relu"))
model.add(Dropout(0.5))
model.add(Dense(4))
model.add(Activation("relu"))
model.add(Activation("softmax"))
model.compile(loss="mean_squared_error", optimizer="sgd", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=1, validation_data=(x_test, y_test), verbose=0)
