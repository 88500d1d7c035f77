"""Convolution layers."""

from cornu.layers.convolutional.conv1d import Conv1D
from cornu.layers.convolutional.conv1d_transpose import Conv1DTranspose
from cornu.layers.convolutional.conv2d import Conv2D
from cornu.layers.convolutional.conv2d_transpose import Conv2DTranspose
from cornu.layers.convolutional.conv3d import Conv3D
from cornu.layers.convolutional.conv3d_transpose import Conv3DTranspose
from cornu.layers.convolutional.depthwise_conv1d import DepthwiseConv1D
from cornu.layers.convolutional.depthwise_conv2d import DepthwiseConv2D
from cornu.layers.convolutional.separable_conv1d import SeparableConv1D
from cornu.layers.convolutional.separable_conv2d import SeparableConv2D

__all__ = [
    "Conv1D",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "SeparableConv1D",
    "SeparableConv2D",
]
