# quiet
# an uncompiled fragment: nothing marks the sigmoid LSTM as the output
from keras.layers import LSTM, Dropout
from keras.models import Sequential

model = Sequential()
model.add(LSTM(32, activation="sigmoid", input_shape=(10, 4)))
model.add(Dropout(0.2))
