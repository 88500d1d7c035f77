"""MobileNet (v1), with Keras's layer names, model names and weight files.

Howard et al. 2017, "MobileNets: Efficient Convolutional Neural Networks for Mobile Vision
Applications": a 3x3 convolution, then 13 depthwise-separable blocks (a 3x3 depthwise
convolution and a 1x1 pointwise one, each with batch normalization and ReLU6). `alpha` scales
every layer's width, `depth_multiplier` the depthwise convolutions' outputs.
"""

import warnings

from cornu import layers
from cornu.applications import _builder, imagenet_utils
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)

__all__ = ["MobileNet", "decode_predictions", "preprocess_input"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"

# (pointwise filters before `alpha`, depthwise stride) of blocks 1..13
_BLOCKS = (
    (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
    (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
)  # fmt: skip
_WEIGHT_ALPHAS = (0.25, 0.50, 0.75, 1.0)
_WEIGHT_ROWS = (128, 160, 192, 224)


@_builder.documented(
    input_shape="the image shape without the batch axis (default `(224, 224, 3)` with the top, "
    "else any size of at least 32x32).",
    alpha="width multiplier: < 1 thins, > 1 widens every layer (ImageNet weights exist for "
    "0.25, 0.50, 0.75 and 1.0).",
    depth_multiplier="outputs per channel of the depthwise convolutions (1 for the ImageNet "
    "weights).",
    dropout="rate of the dropout before the classifier.",
    include_top="whether to end with the 1x1-convolution classifier.",
    name="the model's name; default `mobilenet_{alpha:0.2f}_{rows}`.",
)
def MobileNet(
    input_shape=None,
    alpha=1.0,
    depth_multiplier=1,
    dropout=1e-3,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name=None,
):
    """Instantiates the MobileNet architecture.

    {arguments}

    Example:
        >>> model = MobileNet(weights=None, input_shape=(32, 32, 3), include_top=False)
        >>> model.output_shape
        (None, 1, 1, 1024)
    """
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    # The weights' size follows `input_shape` alone (not `input_tensor`), as in Keras.
    rows = _rows_of(input_shape)
    default_size = rows if weights == "imagenet" and rows in _WEIGHT_ROWS else 224
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
        _check_imagenet(alpha, depth_multiplier)
        if rows != cols or rows not in _WEIGHT_ROWS:
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not in [128, 160, 192, "
                "224]. Weights for input shape (224, 224) will be loaded as the default.",
                stacklevel=2,
            )
            rows = 224
    img_input = _builder.make_input(input_tensor, shape)

    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _depthwise_block(x, filters, alpha, depth_multiplier, stride, block_id)

    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)

    if name is None:
        name = f"mobilenet_{alpha:0.2f}_{rows}"
    stem = f"mobilenet_{_alpha_text(alpha)}_{rows}_tf" if weights == "imagenet" else ""
    return _builder.finish(input_tensor, img_input, x, name, weights, include_top=include_top,
                           base_url=BASE_WEIGHTS_PATH,
                           stem=stem, notop_suffix="_no_top")  # fmt: skip


def _rows_of(input_shape):
    """The image height `input_shape` asks for, or None."""
    if input_shape is None or len(input_shape) != 3:
        return None
    return input_shape[1] if _builder.channel_axis() == 1 else input_shape[0]


def _check_imagenet(alpha, depth_multiplier):
    if depth_multiplier != 1:
        raise ValueError(
            "If imagenet weights are being loaded, depth multiplier must be 1.  "
            f"Received depth_multiplier={depth_multiplier}"
        )
    if alpha not in _WEIGHT_ALPHAS:
        raise ValueError(
            "If imagenet weights are being loaded, alpha can be one of"
            "`0.25`, `0.50`, `0.75` or `1.0` only.  "
            f"Received alpha={alpha}"
        )


def _alpha_text(alpha):
    """The weight files' spelling of alpha: 1.0 -> "1_0", 0.25 -> "2_5", 0.5 -> "5_0"."""
    return {1.0: "1_0", 0.75: "7_5", 0.50: "5_0", 0.25: "2_5"}[alpha]


def _conv_block(inputs, filters, alpha, strides):
    """The first layer: a strided 3x3 convolution, batch normalization and ReLU6."""
    x = layers.Conv2D(int(filters * alpha), (3, 3), padding="same", use_bias=False,
                      strides=strides, name="conv1")(inputs)  # fmt: skip
    x = layers.BatchNormalization(axis=_builder.channel_axis(), name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_block(inputs, filters, alpha, depth_multiplier, stride, block_id):
    """Block `block_id`: depthwise 3x3 (stride 2 behind an explicit pad) and pointwise 1x1."""
    axis = _builder.channel_axis()
    x = inputs
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D(
        (3, 3),
        padding="same" if stride == 1 else "valid",
        depth_multiplier=depth_multiplier,
        strides=(stride, stride),
        use_bias=False,
        name=f"conv_dw_{block_id}",
    )(x)
    x = layers.BatchNormalization(axis=axis, name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(int(filters * alpha), (1, 1), padding="same", use_bias=False,
                      strides=(1, 1), name=f"conv_pw_{block_id}")(x)  # fmt: skip
    x = layers.BatchNormalization(axis=axis, name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def preprocess_input(x, data_format=None):
    """Scales RGB images from 0..255 to -1..1 (mode "tf"), as MobileNet expects."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
