# expect: incompatible-rank@3
model = tf.keras.models.Sequential()
model.add(tf.keras.layers.LSTM(16, return_sequences=True, input_shape=(20, 8, 1)))
model.add(tf.keras.layers.LSTM(8))
model.add(tf.keras.layers.Dense(3, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam")
