"""`Conv2D`: a 2-D convolution layer."""

from cornu.layers.convolutional.base_conv import BaseConv


class Conv2D(BaseConv):
    """A 2-D convolution: `activation(conv(inputs, kernel) + bias)`.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a tuple of 2 ints.
        strides, dilation_rate: ints or tuples of 2 ints (not both > 1).
        padding: "valid" or "same".
        data_format: "channels_last" (`(batch, *spatial, channels)`) or "channels_first".
        groups: the number of channel groups (divides both the input channels and `filters`).
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as in
            `Dense`.

    The kernel has shape `kernel_size + (in_channels // groups, filters)`.

    Example:
        >>> Conv2D(4, 3)(np.ones((2, 8, 8, 3), "float32")).shape
        (2, 6, 6, 4)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1),
        groups=1,
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
            rank=2,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
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
