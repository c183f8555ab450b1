# expect: data-shape-mismatch@23
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.preprocessing.image import ImageDataGenerator

model = keras.Sequential([
    keras.Input(shape=(40, 40, 3)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(2, activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
datagen = ImageDataGenerator(rescale=1.0 / 255)
train = datagen.flow_from_directory(
    "data/train", target_size=(40, 40), batch_size=4, class_mode="categorical"
)
model.fit(train, epochs=1)
test = datagen.flow_from_directory(
    "data/test", target_size=(50, 50), batch_size=4, class_mode="categorical"
)
# the test images keep another size than the training ones
model.evaluate(test)
