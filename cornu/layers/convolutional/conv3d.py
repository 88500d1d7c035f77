"""`Conv3D`: a 3-D convolution layer."""

from cornu.layers.convolutional.base_conv import BaseConv, conv_constructor


class Conv3D(BaseConv):
    """A 3-D convolution of volumes; the arguments are `BaseConv`'s (tuples of 3 ints).

    Example:
        >>> Conv3D(4, 3)(np.ones((2, 4, 4, 4, 3), "float32")).shape
        (2, 2, 2, 2, 4)
    """

    __init__ = conv_constructor(rank=3)
