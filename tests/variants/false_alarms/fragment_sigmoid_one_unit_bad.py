# expect: layer-after-output@8
from keras.layers import Dense, Dropout
from keras.models import Sequential

model = Sequential()
model.add(Dense(32, activation="relu", input_shape=(10,)))
model.add(Dense(1, activation="sigmoid"))
model.add(Dropout(0.2))
