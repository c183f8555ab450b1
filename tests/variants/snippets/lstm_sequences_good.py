# quiet
# a notebook cell whose imports live in another notebook
model = Sequential()
model.add(Embedding(1000, 32, input_shape=(50,)))
model.add(LSTM(64, return_sequences=True))
model.add(LSTM(32))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
