# quiet
import numpy as np
from keras import backend as K
from keras import layers, models

K.set_image_data_format("channels_first")
if K.image_data_format() == "channels_first":
    shape = (3, 16, 16)
else:
    shape = (16, 16, 3)
model = models.Sequential(
    [layers.Input(shape=shape), layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(1)]
)
model.compile(loss="mse", optimizer="adam")
y = np.random.rand(8, 1)
x = np.random.rand(8, 3, 16, 16)
model.fit(x, y, epochs=1, verbose=0)
