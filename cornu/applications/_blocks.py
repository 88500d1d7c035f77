"""Blocks the ImageNet architectures share, written once over functional layers.

Each function takes a symbolic tensor and returns one, naming its layers `prefix + part` so the
weights keep the paths the published checkpoints use (`block2a_expand_conv/kernel`, ...).

- `squeeze_excite`: global pooling, a bottleneck of two 1x1 convolutions, a channel gate
  (Hu et al. 2018, "Squeeze-and-Excitation Networks").
- `mbconv`: the inverted residual with a depthwise convolution (MobileNetV2, Sandler et al.
  2018; with squeeze-excite as in EfficientNet, Tan & Le 2019).
- `fused_mbconv`: the expansion and depthwise convolutions fused into one full convolution
  (EfficientNetV2, Tan & Le 2021).
- `correct_pad`: the asymmetric padding that makes a strided "valid" convolution see the same
  windows as TensorFlow's "same" padding.
"""

from cornu import config, initializers, layers

# EfficientNet's initializers (Tan & Le 2019, reference implementation): He-style fan-out for
# convolutions, a uniform fan-out for the classifier.
CONV_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"},
}
DENSE_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"},
}


def channel_axis():
    """The channel axis of image tensors as Keras's applications name it: 3 or 1."""
    return 3 if config.image_data_format() == "channels_last" else 1


def conv_initializer():
    return initializers.get(CONV_KERNEL_INITIALIZER)


def correct_pad(x, kernel_size):
    """`((top, bottom), (left, right))` zero padding for a stride-2 "valid" convolution.

    An even (or unknown) side gets one row/column less before than after, so the strided
    windows line up with TensorFlow's "same" padding.

    Args:
        x: the 4-D symbolic tensor about to be convolved.
        kernel_size: an int or a pair.

    Returns:
        A pair of pairs for `ZeroPadding2D(padding=...)`.
    """
    first = config.image_data_format() == "channels_first"
    sides = tuple(x.shape[2:4]) if first else tuple(x.shape[1:3])
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    pads = []
    for side, kernel in zip(sides, kernel_size):
        adjust = 1 if side is None else 1 - side % 2
        pads.append((kernel // 2 - adjust, kernel // 2))
    return tuple(pads)


def make_divisible(v, divisor=8, min_value=None):
    """`v` rounded to the nearest multiple of `divisor` (at least `min_value`, default
    `divisor`), never more than 10% below `v`: the MobileNets' channel counts."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def conv_bn(x, filters, kernel_size, *, name, strides=1, padding="same", bn_momentum=0.99,
            bn_name=None):  # fmt: skip
    """A bias-free convolution (`name`) and its batch normalization (`bn_name`)."""
    x = layers.Conv2D(
        filters,
        kernel_size,
        strides=strides,
        padding=padding,
        use_bias=False,
        kernel_initializer=conv_initializer(),
        name=name,
    )(x)
    return layers.BatchNormalization(axis=channel_axis(), momentum=bn_momentum, name=bn_name)(x)


def squeeze_excite(x, filters, filters_se, prefix, activation="silu"):
    """Rescales the channels of `x` by a gate computed from their global averages.

    Args:
        x: a 4-D tensor with `filters` channels.
        filters: the channels of `x`.
        filters_se: the bottleneck width.
        prefix: layer-name prefix; layers `{prefix}se_squeeze`, `se_reshape`, `se_reduce`,
            `se_expand`, `se_excite`.
        activation: the bottleneck's activation.
    """
    se = layers.GlobalAveragePooling2D(name=prefix + "se_squeeze")(x)
    shape = (filters, 1, 1) if channel_axis() == 1 else (1, 1, filters)
    se = layers.Reshape(shape, name=prefix + "se_reshape")(se)
    for size, act, part in (
        (filters_se, activation, "se_reduce"),
        (filters, "sigmoid", "se_expand"),
    ):
        se = layers.Conv2D(
            size,
            1,
            padding="same",
            activation=act,
            kernel_initializer=conv_initializer(),
            name=prefix + part,
        )(se)
    return layers.multiply([x, se], name=prefix + "se_excite")


def residual(x, inputs, drop_rate, prefix):
    """`inputs + x`, with the branch dropped per sample at `drop_rate` while training."""
    if drop_rate > 0:
        # Stochastic depth (Huang et al. 2016): one draw per sample, broadcast over the map.
        x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=prefix + "drop")(x)
    return layers.add([x, inputs], name=prefix + "add")


def mbconv(
    inputs,
    *,
    filters_in,
    filters_out,
    kernel_size=3,
    strides=1,
    expand_ratio=1,
    se_ratio=0.0,
    drop_rate=0.0,
    prefix="",
    activation="silu",
    bn_momentum=0.99,
    explicit_padding=True,
    depthwise_name="dwconv",
):
    """The inverted residual block: expand (1x1), depthwise (k x k), squeeze-excite, project.

    Args:
        inputs: a 4-D tensor with `filters_in` channels.
        filters_in, filters_out: input and output channels.
        kernel_size: the depthwise kernel side.
        strides: the depthwise stride.
        expand_ratio: the expansion of the hidden width (1: no expansion convolution).
        se_ratio: the squeeze-excite bottleneck as a fraction of `filters_in` (0: none).
        drop_rate: the stochastic-depth rate of the residual branch.
        prefix: the layers' name prefix (`"block2a_"`).
        activation: the activation after the expansion and depthwise convolutions.
        bn_momentum: the batch normalizations' momentum.
        explicit_padding: pad a strided depthwise convolution with `correct_pad` and run it
            "valid" (EfficientNet); otherwise "same" padding (EfficientNetV2).
        depthwise_name: the depthwise layer's name after `prefix`.

    Returns:
        The block's output, with a residual connection where shapes allow.
    """
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = conv_bn(x, filters, 1, name=prefix + "expand_conv", bn_momentum=bn_momentum,
                    bn_name=prefix + "expand_bn")  # fmt: skip
        x = layers.Activation(activation, name=prefix + "expand_activation")(x)
    padding = "same"
    if strides == 2 and explicit_padding:
        x = layers.ZeroPadding2D(
            padding=correct_pad(x, kernel_size), name=prefix + "dwconv_pad"
        )(x)  # fmt: skip
        padding = "valid"
    x = layers.DepthwiseConv2D(
        kernel_size,
        strides=strides,
        padding=padding,
        use_bias=False,
        depthwise_initializer=conv_initializer(),
        name=prefix + depthwise_name,
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), momentum=bn_momentum, name=prefix + "bn")(x)
    x = layers.Activation(activation, name=prefix + "activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(filters_in * se_ratio)), prefix, activation)
    x = conv_bn(x, filters_out, 1, name=prefix + "project_conv", bn_momentum=bn_momentum,
                bn_name=prefix + "project_bn")  # fmt: skip
    if strides == 1 and filters_in == filters_out:
        x = residual(x, inputs, drop_rate, prefix)
    return x


def fused_mbconv(
    inputs,
    *,
    filters_in,
    filters_out,
    kernel_size=3,
    strides=1,
    expand_ratio=1,
    se_ratio=0.0,
    drop_rate=0.0,
    prefix="",
    activation="silu",
    bn_momentum=0.99,
):
    """The fused inverted residual: one k x k convolution expands, a 1x1 projects.

    With `expand_ratio == 1` the projection itself is the k x k (strided) convolution and is
    followed by the activation. Arguments as in `mbconv`.
    """
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = conv_bn(x, filters, kernel_size, strides=strides, name=prefix + "expand_conv",
                    bn_momentum=bn_momentum, bn_name=prefix + "expand_bn")  # fmt: skip
        x = layers.Activation(activation, name=prefix + "expand_activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(filters_in * se_ratio)), prefix, activation)
    projection = (1, 1) if expand_ratio != 1 else (kernel_size, strides)
    x = conv_bn(x, filters_out, projection[0], strides=projection[1],
                name=prefix + "project_conv", bn_momentum=bn_momentum,
                bn_name=prefix + "project_bn")  # fmt: skip
    if expand_ratio == 1:
        x = layers.Activation(activation, name=prefix + "project_activation")(x)
    if strides == 1 and filters_in == filters_out:
        x = residual(x, inputs, drop_rate, prefix)
    return x
