# expect: learns
from tensorflow import keras
from tensorflow.keras import layers

(x_train, y_train), _ = keras.datasets.reuters.load_data(num_words=5000)
x_train = keras.utils.pad_sequences(x_train, maxlen=80)
model = keras.Sequential(
    [
        keras.Input(shape=(80,)),
        layers.Embedding(5000, 16),
        layers.GlobalAveragePooling1D(),
        layers.Dense(64, activation="relu"),
        layers.Dense(46, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=2)
