# quiet
import numpy as np
from keras import backend as K
from keras import layers, models

if K.image_data_format() == "channels_first":
    input_shape = (1, 8, 8)
else:
    input_shape = (8, 8, 1)
model = models.Sequential(
    [layers.Input(shape=input_shape), layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(1)]
)
model.compile(loss="mse", optimizer="adam")
x = np.random.rand(16, 8, 8, 1)
y = np.random.rand(16, 1)
model.fit(x, y, epochs=1, verbose=0)
