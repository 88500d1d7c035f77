"""`SeparableConv1D`: a 1-D depthwise-separable convolution layer."""

from cornu.layers.convolutional.base_conv import BaseSeparableConv, separable_conv_constructor


class SeparableConv1D(BaseSeparableConv):
    """A 1-D separable convolution; the arguments are `BaseSeparableConv`'s.

    Example:
        >>> SeparableConv1D(4, 3)(np.ones((2, 8, 3), "float32")).shape
        (2, 6, 4)
    """

    __init__ = separable_conv_constructor(rank=1)
