# expect: missing-flatten@10
from keras.layers import Conv2D, Dense, MaxPooling2D
from keras.models import Sequential


def build(height, width):
    model = Sequential()
    model.add(Conv2D(16, (3, 3), activation="relu", input_shape=(height, width, 3)))
    model.add(MaxPooling2D((2, 2)))
    model.add(Dense(5, activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    return model
