# expect: does not learn: one prediction per token (None, 200, 1) but the labels are one per sample
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.preprocessing.sequence import pad_sequences

(x_train, y_train), _ = keras.datasets.imdb.load_data(num_words=10000)
x_train = pad_sequences(x_train, maxlen=200)
model = keras.Sequential(
    [
        layers.Embedding(10000, 32),
        layers.LSTM(32, return_sequences=True),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=1)
