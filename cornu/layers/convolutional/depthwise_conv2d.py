"""`DepthwiseConv2D`: a 2-D depthwise convolution layer."""

from cornu.layers.convolutional.base_conv import BaseDepthwiseConv


class DepthwiseConv2D(BaseDepthwiseConv):
    """A 2-D depthwise convolution: each input channel gets its own `depth_multiplier`
    filters; output channel `c * depth_multiplier + m` comes from input channel `c`.

    Args:
        kernel_size: an int or a tuple of 2 ints.
        strides, dilation_rate: ints or tuples of 2 ints (not both > 1).
        padding: "valid" or "same".
        depth_multiplier: the number of filters per input channel.
        data_format: "channels_last" or "channels_first".
        activation, use_bias: as in `Dense`.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: for the kernel.
        bias_initializer, bias_regularizer, bias_constraint, activity_regularizer: as in
            `Dense`.

    The kernel has shape `kernel_size + (in_channels, depth_multiplier)`.

    Example:
        >>> DepthwiseConv2D(3, depth_multiplier=2)(np.ones((2, 8, 8, 3), "float32")).shape
        (2, 6, 6, 6)
    """

    def __init__(
        self,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=(1, 1),
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            rank=2,
            depth_multiplier=depth_multiplier,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
