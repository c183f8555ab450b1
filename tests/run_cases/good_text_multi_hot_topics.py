# expect: learns
# Bag-of-words topic classifier: TextVectorization(output_mode="multi_hot") adapted before the
# model is built (its vocabulary sizes the Dense input), three topics (checked under Keras
# 3.15.1: validation accuracy 1.0 in 10 epochs).
import keras
import numpy as np
from keras import layers

rng = np.random.default_rng(1)
topics = [
    ["goal", "match", "team", "league", "coach"],
    ["stock", "market", "bank", "profit", "shares"],
    ["rain", "storm", "sunny", "cloud", "forecast"],
]
common = ["today", "the", "new", "report", "says", "in", "city", "big"]
texts, labels = [], []
for i in range(900):
    topic = i % 3
    words = list(rng.choice(common, 6)) + list(rng.choice(topics[topic], 2))
    rng.shuffle(words)
    texts.append(" ".join(words))
    labels.append(topic)
texts = np.array(texts, dtype=object)
labels = np.array(labels)

vectorize = layers.TextVectorization(max_tokens=200, output_mode="multi_hot")
vectorize.adapt(texts)

model = keras.Sequential(
    [
        keras.Input(shape=(1,), dtype="string"),
        vectorize,
        layers.Dense(32, activation="relu"),
        layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(texts, labels, epochs=10, batch_size=32, validation_split=0.2)
