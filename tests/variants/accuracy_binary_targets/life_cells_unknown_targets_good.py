# quiet
import numpy as np
import tensorflow as tf


def step(board):
    around = sum(np.roll(np.roll(board, i, 1), j, 2) for i in (-1, 0, 1) for j in (-1, 0, 1))
    around = around - board
    return ((around == 3) | ((board == 1) & (around == 2))).astype("float32")


def build(size):
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu", input_shape=(size, size, 1)),
        tf.keras.layers.Conv2D(1, 1, activation="sigmoid"),
    ])
    model.compile(loss="mse", optimizer="adam", metrics=["accuracy"])
    return model


def train(model, boards):
    model.fit(boards, step(boards), epochs=1, verbose=0)


train(build(12), (np.random.rand(32, 12, 12, 1) < 0.4).astype("float32"))
