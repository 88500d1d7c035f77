"""MobileNetV2, with Keras's layer names, model names and weight files.

Sandler et al. 2018, "MobileNetV2: Inverted Residuals and Linear Bottlenecks": a 3x3
convolution, 17 inverted residual blocks (1x1 expansion, 3x3 depthwise convolution, linear
1x1 projection; a residual sum where the shape allows) and a 1x1 convolution to 1280 channels.
`alpha` scales the widths, rounded to multiples of 8.
"""

import warnings

from cornu import layers
from cornu.applications import _blocks, _builder, imagenet_utils
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)

__all__ = ["MobileNetV2", "decode_predictions", "preprocess_input"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"

# (output filters before `alpha`, depthwise stride, expansion) of blocks 0..16
_BLOCKS = (
    (16, 1, 1),
    (24, 2, 6), (24, 1, 6),
    (32, 2, 6), (32, 1, 6), (32, 1, 6),
    (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6),
    (96, 1, 6), (96, 1, 6), (96, 1, 6),
    (160, 2, 6), (160, 1, 6), (160, 1, 6),
    (320, 1, 6),
)  # fmt: skip
_WEIGHT_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
_WEIGHT_ROWS = (96, 128, 160, 192, 224)


@_builder.documented(
    input_shape="the image shape without the batch axis (default `(224, 224, 3)`, or the shape "
    "of `input_tensor`); at least 32x32.",
    alpha="width multiplier (ImageNet weights exist for 0.35, 0.50, 0.75, 1.0, 1.3, 1.4).",
    include_top="whether to end with the pooled Dense classifier.",
    name="the model's name; default `mobilenetv2_{alpha:0.2f}_{rows}`.",
)
def MobileNetV2(
    input_shape=None,
    alpha=1.0,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name=None,
):
    """Instantiates the MobileNetV2 architecture.

    {arguments}

    Example:
        >>> model = MobileNetV2(weights=None, input_shape=(32, 32, 3), include_top=False)
        >>> model.output_shape
        (None, 1, 1, 1280)
    """
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    input_shape = _shape_from_tensor(input_shape, input_tensor)
    rows = _rows_of(input_shape)
    default_size = rows if rows in _WEIGHT_ROWS and _is_square(input_shape) else 224
    shape = _builder.input_shape_for(
        input_shape,
        default_size=default_size,
        min_size=32,
        weights=weights,
        include_top=include_top,
    )
    first = _builder.channel_axis() == 1
    rows, cols = (shape[1], shape[2]) if first else (shape[0], shape[1])
    if weights == "imagenet":
        if alpha not in _WEIGHT_ALPHAS:
            raise ValueError(
                "If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, "
                f"`0.75`, `1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`"
            )
        if rows != cols or rows not in _WEIGHT_ROWS:
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not in [96, 128, 160, "
                "192, 224]. Weights for input shape (224, 224) will be loaded as the default.",
                stacklevel=2,
            )
            rows = 224
    img_input = _builder.make_input(input_tensor, shape)
    axis = _builder.channel_axis()

    first_block_filters = _blocks.make_divisible(32 * alpha, 8)
    x = layers.Conv2D(first_block_filters, kernel_size=3, strides=(2, 2), padding="same",
                      use_bias=False, name="Conv1")(img_input)  # fmt: skip
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, filters, alpha, stride, expansion, block_id)

    # Widening shrinks nothing: alpha < 1 keeps the last layer at 1280 channels.
    last_block_filters = _blocks.make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name="Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)

    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)

    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    stem = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
    return _builder.finish(input_tensor, img_input, x, name, weights, include_top=include_top,
                           base_url=BASE_WEIGHTS_PATH,
                           stem=stem, notop_suffix="_no_top")  # fmt: skip


def _shape_from_tensor(input_shape, input_tensor):
    """`input_shape`, or the image shape of `input_tensor` when only the tensor is given."""
    shape = getattr(input_tensor, "shape", None)
    if input_tensor is None or shape is None or len(shape) != 4:
        return input_shape
    if input_shape is None:
        return tuple(shape[1:])
    if len(input_shape) == 3:
        first = _builder.channel_axis() == 1
        for i in (2, 1) if first else (1, 0):  # width, then height
            if input_shape[i] is not None and input_shape[i] != shape[i + 1]:
                raise ValueError(
                    f"input_tensor.shape[{i + 1}] must equal input_shape[{i}]; Received "
                    f"`input_tensor.shape={tuple(shape)}`, `input_shape={input_shape}`"
                )
    return input_shape


def _rows_of(input_shape):
    if input_shape is None or len(input_shape) != 3:
        return None
    return input_shape[1] if _builder.channel_axis() == 1 else input_shape[0]


def _is_square(input_shape):
    if input_shape is None or len(input_shape) != 3:
        return False
    sides = input_shape[1:] if _builder.channel_axis() == 1 else input_shape[:2]
    return sides[0] == sides[1]


def _inverted_res_block(inputs, filters, alpha, stride, expansion, block_id):
    """Block `block_id`: expand (not in block 0), depthwise, project, and add when it can."""
    axis = _builder.channel_axis()
    in_channels = inputs.shape[axis]
    pointwise_filters = _blocks.make_divisible(int(filters * alpha), 8)
    prefix = f"block_{block_id}_" if block_id else "expanded_conv_"
    x = inputs
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same",
                          use_bias=False, name=prefix + "expand")(x)  # fmt: skip
        x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999,
                                      name=prefix + "expand_BN")(x)  # fmt: skip
        x = layers.ReLU(6.0, name=prefix + "expand_relu")(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=_blocks.correct_pad(x, 3), name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, use_bias=False,
                               padding="same" if stride == 1 else "valid",
                               name=prefix + "depthwise")(x)  # fmt: skip
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999,
                                  name=prefix + "depthwise_BN")(x)  # fmt: skip
    x = layers.ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
                      name=prefix + "project")(x)  # fmt: skip
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999,
                                  name=prefix + "project_BN")(x)  # fmt: skip
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=prefix + "add")([inputs, x])
    return x


def preprocess_input(x, data_format=None):
    """Scales RGB images from 0..255 to -1..1 (mode "tf"), as MobileNetV2 expects."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
