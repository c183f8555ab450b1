"""The runtime's layers, under their Keras names (``layers.Dense``, ``layers.Conv2D``...) and
Keras aliases (``Convolution2D``, ``MaxPool2D``...).

    >>> from seqlint.runtime import layers
    >>> dense = layers.Dense(4, activation="relu", dtype="float64")
    >>> y = dense(x, training=False)      # builds on first call, then forward
    >>> dx = dense.backward(dy)           # input gradient; dense.kernel.grad, dense.bias.grad

See :mod:`seqlint.runtime.layers.base` for the forward/backward contract.
"""

from __future__ import annotations

from seqlint.layers.base import LayerDef, all_layers, get_layer
from seqlint.runtime.core import Layer
from seqlint.runtime.layers.activation import ELU, LeakyReLU, PReLU, ReLU, Softmax
from seqlint.runtime.layers.augment_color import (
    AugMix,
    AutoContrast,
    ContrastLimitedAdaptiveHistogramEqualization,
    Equalization,
    RandAugment,
    RandomColorDegeneration,
    RandomColorJitter,
    RandomGrayscale,
    RandomHue,
    RandomInvert,
    RandomPosterization,
    RandomSaturation,
    RandomSharpness,
    Solarization,
)
from seqlint.runtime.layers.augment_geometric import (
    CutMix,
    MixUp,
    RandomElasticTransform,
    RandomErasing,
    RandomGaussianBlur,
    RandomPerspective,
    RandomShear,
)
from seqlint.runtime.layers.augmentation import (
    RandomBrightness,
    RandomContrast,
    RandomCrop,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
)
from seqlint.runtime.layers.base import KERNELS, RuntimeLayer, kernel
from seqlint.runtime.layers.conv import (
    Conv1D,
    Conv1DTranspose,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Conv3DTranspose,
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
)
from seqlint.runtime.layers.convlstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D
from seqlint.runtime.layers.core import (
    Activation,
    Dense,
    EinsumDense,
    Embedding,
    Identity,
    Masking,
    ReversibleEmbedding,
)
from seqlint.runtime.layers.function import Lambda
from seqlint.runtime.layers.lookup import IntegerLookup, StringLookup
from seqlint.runtime.layers.normalization import (
    BatchNormalization,
    GroupNormalization,
    LayerNormalization,
    RMSNormalization,
    UnitNormalization,
)
from seqlint.runtime.layers.pooling import (
    AdaptiveAveragePooling1D,
    AdaptiveAveragePooling2D,
    AdaptiveAveragePooling3D,
    AdaptiveMaxPooling1D,
    AdaptiveMaxPooling2D,
    AdaptiveMaxPooling3D,
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
)
from seqlint.runtime.layers.preprocessing import (
    CategoryEncoding,
    CenterCrop,
    Discretization,
    Normalization,
    RandomFlip,
    Rescaling,
    Resizing,
)
from seqlint.runtime.layers.recurrent import GRU, LSTM, SimpleRNN
from seqlint.runtime.layers.regularization import (
    ActivityRegularization,
    AlphaDropout,
    Dropout,
    GaussianDropout,
    GaussianNoise,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
from seqlint.runtime.layers.reshaping import (
    Cropping1D,
    Cropping2D,
    Cropping3D,
    Flatten,
    Permute,
    RepeatVector,
    Reshape,
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from seqlint.runtime.layers.text import Hashing, TextVectorization
from seqlint.runtime.layers.wrappers import Bidirectional, TimeDistributed

# Keras aliases
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
MaxPool3D = MaxPooling3D
AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
AvgPool3D = AveragePooling3D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalMaxPool3D = GlobalMaxPooling3D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D

LAYERS: dict[str, type[Layer]] = {
    name: KERNELS[definition] for name, definition in all_layers().items() if definition in KERNELS
}
"""Every runtime layer class by Keras name and alias (the aliases come from the definitions)."""


def get(name: str) -> type[Layer] | None:
    """The runtime kernel registered for the layer definition of a Keras class name or alias."""
    definition = get_layer(name)
    return None if definition is None else KERNELS.get(definition)


def kernel_of(definition: LayerDef) -> type[Layer] | None:
    """The runtime kernel registered against ``definition``, or ``None``."""
    return KERNELS.get(definition)


__all__ = [
    "AdaptiveAveragePooling1D",
    "AdaptiveAveragePooling2D",
    "AdaptiveAveragePooling3D",
    "AdaptiveMaxPooling1D",
    "AdaptiveMaxPooling2D",
    "AdaptiveMaxPooling3D",
    "GroupNormalization",
    "CategoryEncoding",
    "Hashing",
    "TextVectorization",
    "Discretization",
    "RMSNormalization",
    "Resizing",
    "UnitNormalization",
    "RandomFlip",
    "CutMix",
    "MixUp",
    "RandomElasticTransform",
    "RandomErasing",
    "RandomGaussianBlur",
    "RandomPerspective",
    "RandomShear",
    "AugMix",
    "AutoContrast",
    "RandAugment",
    "ContrastLimitedAdaptiveHistogramEqualization",
    "Equalization",
    "RandomColorDegeneration",
    "RandomColorJitter",
    "RandomGrayscale",
    "RandomHue",
    "RandomInvert",
    "RandomPosterization",
    "RandomSaturation",
    "RandomSharpness",
    "Solarization",
    "RandomBrightness",
    "RandomContrast",
    "RandomCrop",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Normalization",
    "CenterCrop",
    "ActivityRegularization",
    "Activation",
    "AlphaDropout",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "BatchNormalization",
    "Bidirectional",
    "Conv1D",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
    "Convolution1D",
    "Convolution1DTranspose",
    "Convolution2D",
    "Convolution2DTranspose",
    "Convolution3D",
    "Convolution3DTranspose",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "Dense",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "Dropout",
    "ELU",
    "EinsumDense",
    "Embedding",
    "ReversibleEmbedding",
    "Flatten",
    "GRU",
    "GaussianDropout",
    "GaussianNoise",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalAvgPool3D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPool3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "Identity",
    "IntegerLookup",
    "KERNELS",
    "LAYERS",
    "LSTM",
    "LayerNormalization",
    "Lambda",
    "Masking",
    "LeakyReLU",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "PReLU",
    "Permute",
    "ReLU",
    "RepeatVector",
    "Rescaling",
    "Reshape",
    "RuntimeLayer",
    "SeparableConv1D",
    "SeparableConv2D",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
    "SimpleRNN",
    "Softmax",
    "StringLookup",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "TimeDistributed",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "get",
    "kernel",
    "kernel_of",
]
