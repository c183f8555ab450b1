# expect: data-shape-mismatch@20
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.preprocessing.image import ImageDataGenerator

side = 32
model = keras.Sequential()
model.add(keras.Input(shape=(side, side, 3)))
model.add(layers.Conv2D(8, 3, activation="relu"))
model.add(layers.Flatten())
model.add(layers.Dense(16, activation="relu"))
model.add(layers.Dense(2, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam")

gen = ImageDataGenerator(rescale=1.0 / 255, horizontal_flip=True)
train = gen.flow_from_directory(
    "data/train", target_size=(64, 64), batch_size=4, class_mode="categorical"
)
# the Dense head was built for 32x32 inputs: 64x64 images flatten to another width
model.fit(train, epochs=1)
