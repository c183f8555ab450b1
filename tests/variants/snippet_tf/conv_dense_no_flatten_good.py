# quiet
x = np.random.rand(32, 28, 28, 1)
y = tf.keras.utils.to_categorical(np.random.randint(0, 10, 32), 10)
model = tf.keras.Sequential()
model.add(tf.keras.layers.Conv2D(8, 3, activation="relu", input_shape=(28, 28, 1)))
model.add(tf.keras.layers.Flatten())
model.add(tf.keras.layers.Dense(10, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
