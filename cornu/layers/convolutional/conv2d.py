"""`Conv2D`: a 2-D convolution layer."""

from cornu.layers.convolutional.base_conv import BaseConv, conv_constructor


class Conv2D(BaseConv):
    """A 2-D convolution: `activation(conv(inputs, kernel) + bias)`; the arguments are
    `BaseConv`'s (`kernel_size`, `strides` and `dilation_rate`: ints or tuples of 2 ints).

    Example:
        >>> Conv2D(4, 3)(np.ones((2, 8, 8, 3), "float32")).shape
        (2, 6, 6, 4)
    """

    __init__ = conv_constructor(rank=2)
