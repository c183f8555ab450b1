# expect: label-encoding-mismatch@19
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.preprocessing.image import ImageDataGenerator

datagen = ImageDataGenerator(rescale=1.0 / 255)
train = datagen.flow_from_directory(
    "data/train", target_size=(64, 64), batch_size=16, class_mode="binary"
)
model = keras.Sequential([
    keras.Input(shape=(64, 64, 3)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(2, activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
# two class folders, but class_mode="binary" yields one 0/1 label per image
model.fit(train, epochs=1)
