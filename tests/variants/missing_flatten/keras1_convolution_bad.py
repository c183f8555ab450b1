# expect: removed-api@7, missing-flatten@9
from keras.layers import Convolution2D, Dense, MaxPooling2D
from keras.models import Sequential

model = Sequential()
# Keras 1: (nb_filter, nb_row, nb_col) and border_mode
model.add(Convolution2D(32, 3, 3, border_mode="same", input_shape=(32, 32, 3)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dense(10, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam")
