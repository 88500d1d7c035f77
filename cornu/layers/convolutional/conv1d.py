"""`Conv1D`: a 1-D convolution layer."""

from cornu.layers.convolutional.base_conv import BaseConv, conv_constructor


class Conv1D(BaseConv):
    """A 1-D convolution: `activation(conv(inputs, kernel) + bias)`; the arguments are
    `BaseConv`'s, with `padding="causal"` too (left padding only, for temporal models).

    Example:
        >>> Conv1D(4, 3)(np.ones((2, 8, 3), "float32")).shape
        (2, 6, 4)
    """

    __init__ = conv_constructor(rank=1)
