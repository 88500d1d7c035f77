"""`DepthwiseConv2D`: a 2-D depthwise convolution layer."""

from cornu.layers.convolutional.base_conv import BaseDepthwiseConv, depthwise_conv_constructor


class DepthwiseConv2D(BaseDepthwiseConv):
    """A 2-D depthwise convolution (one filter set per image channel); the arguments are
    `BaseDepthwiseConv`'s, with tuples of 2 ints.

    Example:
        >>> DepthwiseConv2D(3, depth_multiplier=2)(np.ones((2, 8, 8, 3), "float32")).shape
        (2, 6, 6, 6)
    """

    __init__ = depthwise_conv_constructor(rank=2)
