"""`Conv2DTranspose`: a 2-D transposed convolution layer."""

from cornu.layers.convolutional.base_conv import BaseConvTranspose, conv_transpose_constructor


class Conv2DTranspose(BaseConvTranspose):
    """A 2-D transposed convolution (up-sampling images with a learned kernel); the arguments
    are `BaseConvTranspose`'s, with tuples of 2 ints.

    Example:
        >>> Conv2DTranspose(4, 3)(np.ones((2, 4, 4, 3), "float32")).shape
        (2, 6, 6, 4)
    """

    __init__ = conv_transpose_constructor(rank=2)
