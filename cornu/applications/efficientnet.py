"""`keras.applications.efficientnet`: EfficientNet B0 to B7 (Tan & Le 2019).

"EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks", ICML 2019
(https://arxiv.org/abs/1905.11946). One baseline (B0, Table 1 of the paper) scaled in width,
depth and resolution by the compound coefficients of each variant. The models take images
with values in [0, 255]: rescaling and normalization are layers of the model.
"""

import math
import os

from cornu import layers
from cornu.applications import _blocks, _builder
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)

__all__ = [
    "EfficientNetB0",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
    "decode_predictions",
    "preprocess_input",
]

_BASE_WEIGHTS_PATH = "https://storage.googleapis.com/keras-applications/"

# The B0 baseline, Table 1 of the paper: (kernel, repeats, filters in, filters out,
# expand ratio, stride, squeeze-excite ratio) per stage.
_BLOCKS = (
    (3, 1, 32, 16, 1, 1, 0.25),
    (3, 2, 16, 24, 6, 2, 0.25),
    (5, 2, 24, 40, 6, 2, 0.25),
    (3, 3, 40, 80, 6, 2, 0.25),
    (5, 3, 80, 112, 6, 1, 0.25),
    (5, 4, 112, 192, 6, 2, 0.25),
    (3, 1, 192, 320, 6, 1, 0.25),
)

# (width, depth, resolution, dropout) per variant, from the paper's reference implementation.
_VARIANTS = {
    "b0": (1.0, 1.0, 224, 0.2),
    "b1": (1.0, 1.1, 240, 0.2),
    "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3),
    "b4": (1.4, 1.8, 380, 0.4),
    "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5),
    "b7": (2.0, 3.1, 600, 0.5),
}

# ImageNet channel statistics the pretrained weights were trained with.
_IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)

_WEIGHTS_MESSAGE = (
    "The `weights` argument should be either `None` (random initialization), `imagenet` "
    "(pre-training on ImageNet), or the path to the weights file to be loaded."
)
_CLASSES_MESSAGE = (
    'If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000'
)


def _round_filters(filters, width_coefficient, divisor=8):
    """The channel count scaled by `width_coefficient`, to a multiple of `divisor`.

    Rounds to the nearest multiple but never more than 10% down.
    """
    filters *= width_coefficient
    rounded = max(divisor, int(filters + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * filters:
        rounded += divisor
    return int(rounded)


def _round_repeats(repeats, depth_coefficient):
    """The number of blocks of a stage scaled by `depth_coefficient`, rounded up."""
    return int(math.ceil(depth_coefficient * repeats))


def _check_arguments(weights, include_top, classes, weights_message=_WEIGHTS_MESSAGE):
    """EfficientNet's own checks of `weights` and `classes`, with its messages."""
    if not (
        weights in (None, "imagenet") or (isinstance(weights, str) and os.path.exists(weights))
    ):
        raise ValueError(weights_message)
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(_CLASSES_MESSAGE)


def _head(x, include_top, pooling, classes, classifier_activation, dropout_rate, bias_initializer):
    """`avg_pool`, `top_dropout` and the `predictions` classifier, or the chosen pooling."""
    if not include_top:
        return _builder.pool(x, pooling)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout_rate > 0:
        x = layers.Dropout(dropout_rate, name="top_dropout")(x)
    return layers.Dense(
        classes,
        activation=classifier_activation,
        kernel_initializer=_blocks.DENSE_KERNEL_INITIALIZER,
        bias_initializer=bias_initializer,
        name="predictions",
    )(x)


def _efficientnet(
    variant,
    include_top,
    weights,
    input_tensor,
    input_shape,
    pooling,
    classes,
    classifier_activation,
    name,
):
    """Builds EfficientNet-`variant` ("b0" ... "b7"); the public builders call this."""
    width, depth, resolution, dropout_rate = _VARIANTS[variant]
    _check_arguments(weights, include_top, classes)
    shape = _builder.input_shape_for(input_shape, default_size=resolution, min_size=32,
                              weights=weights, include_top=include_top)  # fmt: skip
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    img_input = _builder.make_input(input_tensor, shape)
    axis = _blocks.channel_axis()

    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=axis)(x)
    if weights == "imagenet":
        # The pretrained weights store the variance as the standard deviation (TF issue
        # 49930): dividing once more by its square root gives (x - mean) / std.
        x = layers.Rescaling([1.0 / math.sqrt(std) for std in _IMAGENET_STDDEV_RGB])(x)

    x = layers.ZeroPadding2D(padding=_blocks.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = _blocks.conv_bn(x, _round_filters(32, width), 3, strides=2, padding="valid",
                        name="stem_conv", bn_name="stem_bn")  # fmt: skip
    x = layers.Activation("silu", name="stem_activation")(x)

    x = _body(x, width, depth)

    x = _blocks.conv_bn(x, _round_filters(1280, width), 1, name="top_conv", bn_name="top_bn")
    x = layers.Activation("silu", name="top_activation")(x)
    x = _head(x, include_top, pooling, classes, classifier_activation, dropout_rate, "zeros")
    return _builder.finish(input_tensor, img_input, x, name, weights, include_top=include_top,
                           base_url=_BASE_WEIGHTS_PATH, stem=f"efficientnet{variant}")  # fmt: skip


def _body(x, width, depth, drop_connect_rate=0.2):
    """The seven stages of MBConv blocks, named `block{stage}{letter}_`."""
    total = float(sum(_round_repeats(stage[1], depth) for stage in _BLOCKS))
    index = 0
    for stage, (kernel, repeats, f_in, f_out, expand, stride, se) in enumerate(_BLOCKS):
        f_in, f_out = _round_filters(f_in, width), _round_filters(f_out, width)
        for j in range(_round_repeats(repeats, depth)):
            x = _blocks.mbconv(
                x,
                filters_in=f_in if j == 0 else f_out,
                filters_out=f_out,
                kernel_size=kernel,
                strides=stride if j == 0 else 1,
                expand_ratio=expand,
                se_ratio=se,
                drop_rate=drop_connect_rate * index / total,
                prefix=f"block{stage + 1}{chr(j + 97)}_",
            )
            index += 1
    return x


def _make_builder(variant):
    def build(
        include_top=True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes=1000,
        classifier_activation="softmax",
        name=f"efficientnet{variant}",
    ):
        return _efficientnet(variant, include_top, weights, input_tensor, input_shape, pooling,
                            classes, classifier_activation, name)  # fmt: skip

    size = _VARIANTS[variant][2]
    title = f"EfficientNet{variant.upper()}"
    _builder.document(build, _BUILDER_DOC, {"size": size}, title=title, default_size=size)
    return build


_BUILDER_DOC = """Instantiates the {title} architecture.

    Reference: Tan & Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural
    Networks" (ICML 2019). The model expects inputs with values in [0, 255]; it rescales and
    normalizes them itself. The ImageNet weights were trained at {size}x{size}.

    {arguments}

    Example:

    >>> model = {title}(weights=None, include_top=False, input_shape=(64, 64, 3))
    >>> model.output.shape[-1] > 0
    True
"""

EfficientNetB0 = _make_builder("b0")
EfficientNetB1 = _make_builder("b1")
EfficientNetB2 = _make_builder("b2")
EfficientNetB3 = _make_builder("b3")
EfficientNetB4 = _make_builder("b4")
EfficientNetB5 = _make_builder("b5")
EfficientNetB6 = _make_builder("b6")
EfficientNetB7 = _make_builder("b7")


def preprocess_input(x, data_format=None):
    """Returns `x` unchanged: EfficientNet models rescale and normalize inside the model.

    Kept so code written for other applications (`preprocess_input(x)` then `model(x)`) runs.

    Args:
        x: an image array or tensor with values in [0, 255].
        data_format: unused; accepted for the common signature.

    Returns:
        `x` itself.
    """
    return x
