# expect: learns
# Reviews as raw strings: TextVectorization learns its vocabulary with adapt(), then an
# Embedding bag classifies them (checked under Keras 3.15.1: accuracy 1.0 in 10 epochs).
import keras
import numpy as np
from keras import layers

rng = np.random.default_rng(0)
good = ["great", "loved", "wonderful", "fun", "brilliant", "moving"]
bad = ["boring", "awful", "terrible", "dull", "waste", "bad"]
filler = ["the", "film", "was", "plot", "acting", "and", "a", "really", "story", "it"]
texts, labels = [], []
for i in range(600):
    label = i % 2
    words = list(rng.choice(filler, 8)) + list(rng.choice(good if label else bad, 3))
    rng.shuffle(words)
    texts.append(" ".join(words).capitalize() + "!")
    labels.append(label)
texts = np.array(texts, dtype=object)
labels = np.array(labels)

vectorize = layers.TextVectorization(max_tokens=1000, output_sequence_length=16)
vectorize.adapt(texts)

model = keras.Sequential(
    [
        keras.Input(shape=(1,), dtype="string"),
        vectorize,
        layers.Embedding(1000, 16),
        layers.GlobalAveragePooling1D(),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(texts, labels, epochs=10, batch_size=32, validation_split=0.2)
