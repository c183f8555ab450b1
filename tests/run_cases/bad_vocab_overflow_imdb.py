# expect: does not learn: >= Embedding input_dim 1000
from tensorflow import keras
from tensorflow.keras import layers

(x_train, y_train), _ = keras.datasets.imdb.load_data(num_words=20000)
x_train = keras.utils.pad_sequences(x_train, maxlen=200)
model = keras.Sequential(
    [
        keras.Input(shape=(200,)),
        layers.Embedding(1000, 16),
        layers.GlobalAveragePooling1D(),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=1)
