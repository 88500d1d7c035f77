"""`Conv1DTranspose`: a 1-D transposed convolution layer."""

from cornu.layers.convolutional.base_conv import BaseConvTranspose, conv_transpose_constructor


class Conv1DTranspose(BaseConvTranspose):
    """A 1-D transposed convolution; the arguments are `BaseConvTranspose`'s.

    Example:
        >>> Conv1DTranspose(4, 3)(np.ones((2, 4, 3), "float32")).shape
        (2, 6, 4)
    """

    __init__ = conv_transpose_constructor(rank=1)
