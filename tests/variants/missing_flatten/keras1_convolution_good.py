# quiet
from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D
from keras.models import Sequential

model = Sequential()
# the Keras 3 spelling of the same layer
model.add(Conv2D(32, (3, 3), padding="same", input_shape=(32, 32, 3)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(10, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam")
