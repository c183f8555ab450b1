# quiet
from keras.layers import BatchNormalization, Dense
from keras.models import Sequential

model = Sequential()
model.add(Dense(64, activation="sigmoid", input_shape=(12,)))
model.add(BatchNormalization())
