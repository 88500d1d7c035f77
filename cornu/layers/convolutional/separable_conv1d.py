"""`SeparableConv1D`: a 1-D depthwise-separable convolution layer."""

from cornu.layers.convolutional.base_conv import BaseSeparableConv


class SeparableConv1D(BaseSeparableConv):
    """A 1-D separable convolution: a depthwise convolution followed by a pointwise
    (1-wide) convolution mixing the channels.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a tuple of 1 ints.
        strides, dilation_rate: ints or tuples of 1 ints (not both > 1).
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first".
        depth_multiplier: depthwise filters per input channel.
        activation, use_bias: as in `Dense`.
        depthwise_*, pointwise_*: initializer, regularizer and constraint of each kernel.
        bias_initializer, bias_regularizer, bias_constraint, activity_regularizer: as in
            `Dense`.

    Weights: `depthwise_kernel` `kernel_size + (in_channels, depth_multiplier)`,
    `pointwise_kernel` `(1,) * 1 + (in_channels * depth_multiplier, filters)`, `bias`.

    Example:
        >>> SeparableConv1D(4, 3)(np.ones((2, 8, 3), "float32")).shape
        (2, 6, 4)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            rank=1,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            depth_multiplier=depth_multiplier,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
