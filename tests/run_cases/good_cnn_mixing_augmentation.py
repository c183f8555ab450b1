# expect: learns
import keras
import numpy as np
from keras import layers

x = np.random.rand(512, 20, 20, 1).astype("float32")
y = np.random.randint(0, 3, size=(512,))
model = keras.Sequential(
    [
        keras.Input(shape=(20, 20, 1)),
        layers.RandomPerspective(factor=0.5, scale=0.3),
        layers.RandomElasticTransform(factor=0.5, scale=0.5, value_range=(0, 1)),
        layers.MixUp(alpha=0.2),
        layers.CutMix(factor=0.5),
        layers.Conv2D(8, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=32)
