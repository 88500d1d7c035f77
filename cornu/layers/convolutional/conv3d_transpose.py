"""`Conv3DTranspose`: a 3-D transposed convolution layer."""

from cornu.layers.convolutional.base_conv import BaseConvTranspose


class Conv3DTranspose(BaseConvTranspose):
    """A 3-D transposed convolution of volumes; the arguments are `BaseConvTranspose`'s.

    Its constructor is written out because Keras puts `data_format` before `output_padding`
    here (and only here).

    Example:
        >>> Conv3DTranspose(4, 3)(np.ones((2, 2, 2, 2, 3), "float32")).shape
        (2, 4, 4, 4, 4)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1, 1),
        padding="valid",
        data_format=None,
        output_padding=None,
        dilation_rate=(1, 1, 1),
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(3, locals())
