# expect: output-activation-mismatch@5
model = tf.keras.Sequential(
    [
        tf.keras.layers.Dense(12, activation="relu", input_shape=(6,)),
        tf.keras.layers.Dense(1, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
