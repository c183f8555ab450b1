# quiet
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
    "data/train", target_size=(side, side), batch_size=4, class_mode="categorical"
)
# the images are resized to the size the model was built for
model.fit(train, epochs=1)
