# expect: data-shape-mismatch@19
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.preprocessing.image import ImageDataGenerator

model = keras.Sequential([
    layers.Conv2D(16, 3, activation="relu", input_shape=(48, 48, 1)),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])

scans = ImageDataGenerator(rescale=1.0 / 255).flow_from_directory(
    "data/train", target_size=(48, 48), batch_size=4, class_mode="binary"
)
# the folders hold grayscale scans, but flow_from_directory converts them to RGB
# unless color_mode="grayscale" is given
model.fit(scans, epochs=1)
