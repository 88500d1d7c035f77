"""`SeparableConv2D`: a 2-D depthwise-separable convolution layer."""

from cornu.layers.convolutional.base_conv import BaseSeparableConv, separable_conv_constructor


class SeparableConv2D(BaseSeparableConv):
    """A 2-D separable convolution (a per-channel convolution, then a 1x1 one mixing the
    channels); the arguments are `BaseSeparableConv`'s, with tuples of 2 ints.

    Example:
        >>> SeparableConv2D(4, 3)(np.ones((2, 8, 8, 3), "float32")).shape
        (2, 6, 6, 4)
    """

    __init__ = separable_conv_constructor(rank=2)
