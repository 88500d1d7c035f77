"""`DepthwiseConv1D`: a 1-D depthwise convolution layer."""

from cornu.layers.convolutional.base_conv import BaseDepthwiseConv, depthwise_conv_constructor


class DepthwiseConv1D(BaseDepthwiseConv):
    """A 1-D depthwise convolution; the arguments are `BaseDepthwiseConv`'s.

    Example:
        >>> DepthwiseConv1D(3, depth_multiplier=2)(np.ones((2, 8, 3), "float32")).shape
        (2, 6, 6)
    """

    __init__ = depthwise_conv_constructor(rank=1)
