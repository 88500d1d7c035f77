"""`Conv3DTranspose`: a 3-D transposed convolution layer."""

from cornu.layers.convolutional.base_conv import BaseConvTranspose


class Conv3DTranspose(BaseConvTranspose):
    """A 3-D transposed convolution (also called deconvolution).

    Args:
        filters: the number of output channels.
        kernel_size: an int or a tuple of 3 ints.
        strides, dilation_rate: ints or tuples of 3 ints (not both > 1).
        padding: "valid" or "same".
        output_padding: None (the length follows from `padding`) or the extra output length
            per axis, each smaller than its stride.
        data_format: "channels_last" or "channels_first".
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as in
            `Dense`.

    The kernel has shape `kernel_size + (filters, in_channels)`.

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
        super().__init__(
            rank=3,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
