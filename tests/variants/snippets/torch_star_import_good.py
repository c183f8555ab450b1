# quiet
# PyTorch's names: nothing is guessed once torch is imported
from torch.nn import *

model = Sequential(Linear(4, 2), ReLU(), Dense(3))
