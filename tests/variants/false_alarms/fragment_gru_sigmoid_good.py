# quiet
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([keras.Input(shape=(20, 3)), layers.GRU(16, activation="sigmoid")])
model.add(layers.Dropout(0.5))
