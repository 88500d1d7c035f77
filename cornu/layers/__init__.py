"""`cornu.layers`: the layer library."""

from cornu.layers.activations.activation import Activation
from cornu.layers.convolutional import (
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
from cornu.layers.core.dense import Dense
from cornu.layers.core.einsum_dense import EinsumDense
from cornu.layers.core.embedding import Embedding
from cornu.layers.core.identity import Identity
from cornu.layers.core.input_layer import Input, InputLayer
from cornu.layers.core.jax_layer import FlaxLayer, JaxLayer
from cornu.layers.core.lambda_layer import Lambda
from cornu.layers.core.masking import Masking
from cornu.layers.core.reversible_embedding import ReversibleEmbedding
from cornu.layers.core.torch_module_wrapper import TorchModuleWrapper
from cornu.layers.core.wrapper import Wrapper
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.pooling import (
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
from cornu.layers.regularization.dropout import Dropout
from cornu.layers.reshaping.flatten import Flatten
from cornu.layers.reshaping.reshape import Reshape

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

# Families whose packages list their layers in __all__ (each package owns its names).
from cornu.export.tfsm_layer import TFSMLayer  # noqa: E402
from cornu.layers.activations import *  # noqa: E402,F401,F403
from cornu.layers.attention import *  # noqa: E402,F401,F403
from cornu.layers.merging import *  # noqa: E402,F401,F403
from cornu.layers.normalization import *  # noqa: E402,F401,F403
from cornu.layers.preprocessing import *  # noqa: E402,F401,F403
from cornu.layers.recurrent import *  # noqa: E402,F401,F403
from cornu.layers.regularization import *  # noqa: E402,F401,F403
from cornu.layers.reshaping import *  # noqa: E402,F401,F403
from cornu.layers.serialization import deserialize, serialize  # noqa: E402
