# expect: branching-in-sequential@9:warning
from tensorflow import keras
from tensorflow.keras import layers

conv = layers.Conv2D(8, 3, padding="same", activation="relu")
model = keras.Sequential()
model.add(keras.Input(shape=(16, 16, 8)))
model.add(conv)
model.add(conv)
model.add(layers.GlobalAveragePooling2D())
model.add(layers.Dense(1))
