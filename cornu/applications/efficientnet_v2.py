"""`keras.applications.efficientnet_v2`: EfficientNetV2 B0-B3, S, M and L (Tan & Le 2021).

"EfficientNetV2: Smaller Models and Faster Training", ICML 2021
(https://arxiv.org/abs/2104.00298). Early stages use fused MBConv blocks, later ones MBConv
with squeeze-excite. The models take images with values in [0, 255]; with
`include_preprocessing` (the default) the rescaling is a layer of the model.
"""

import math

from cornu import layers
from cornu.applications import _blocks, _builder, efficientnet
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)

__all__ = [
    "EfficientNetV2B0",
    "EfficientNetV2B1",
    "EfficientNetV2B2",
    "EfficientNetV2B3",
    "EfficientNetV2L",
    "EfficientNetV2M",
    "EfficientNetV2S",
    "decode_predictions",
    "preprocess_input",
]

_BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"

# Stages per architecture, from the paper (Table 4 for S; M, L and the B baseline from its
# reference implementation): (fused, kernel, repeats, filters in, filters out, expand ratio,
# stride, squeeze-excite ratio).
_STAGES = {
    "b": (
        (True, 3, 1, 32, 16, 1, 1, 0.0),
        (True, 3, 2, 16, 32, 4, 2, 0.0),
        (True, 3, 2, 32, 48, 4, 2, 0.0),
        (False, 3, 3, 48, 96, 4, 2, 0.25),
        (False, 3, 5, 96, 112, 6, 1, 0.25),
        (False, 3, 8, 112, 192, 6, 2, 0.25),
    ),
    "s": (
        (True, 3, 2, 24, 24, 1, 1, 0.0),
        (True, 3, 4, 24, 48, 4, 2, 0.0),
        (True, 3, 4, 48, 64, 4, 2, 0.0),
        (False, 3, 6, 64, 128, 4, 2, 0.25),
        (False, 3, 9, 128, 160, 6, 1, 0.25),
        (False, 3, 15, 160, 256, 6, 2, 0.25),
    ),
    "m": (
        (True, 3, 3, 24, 24, 1, 1, 0.0),
        (True, 3, 5, 24, 48, 4, 2, 0.0),
        (True, 3, 5, 48, 80, 4, 2, 0.0),
        (False, 3, 7, 80, 160, 4, 2, 0.25),
        (False, 3, 14, 160, 176, 6, 1, 0.25),
        (False, 3, 18, 176, 304, 6, 2, 0.25),
        (False, 3, 5, 304, 512, 6, 1, 0.25),
    ),
    "l": (
        (True, 3, 4, 32, 32, 1, 1, 0.0),
        (True, 3, 7, 32, 64, 4, 2, 0.0),
        (True, 3, 7, 64, 96, 4, 2, 0.0),
        (False, 3, 10, 96, 192, 4, 2, 0.25),
        (False, 3, 19, 192, 224, 6, 1, 0.25),
        (False, 3, 25, 224, 384, 6, 2, 0.25),
        (False, 3, 7, 384, 640, 6, 1, 0.25),
    ),
}

# (stages, width, depth, resolution, dropout) per variant. Keras's B2 and B3 keep a 0.2
# classifier dropout (the reference implementation has 0.3).
_VARIANTS = {
    "b0": ("b", 1.0, 1.0, 224, 0.2),
    "b1": ("b", 1.0, 1.1, 240, 0.2),
    "b2": ("b", 1.1, 1.2, 260, 0.2),
    "b3": ("b", 1.2, 1.4, 300, 0.2),
    "s": ("s", 1.0, 1.0, 384, 0.2),
    "m": ("m", 1.0, 1.0, 480, 0.2),
    "l": ("l", 1.0, 1.0, 480, 0.2),
}

_BN_MOMENTUM = 0.9

# The B variants were trained on ImageNet-normalized inputs, S/M/L on [-1, 1].
_IMAGENET_MEAN_RGB = [0.485, 0.456, 0.406]
_IMAGENET_VARIANCE_RGB = [0.229**2, 0.224**2, 0.225**2]

_WEIGHTS_MESSAGE = efficientnet._WEIGHTS_MESSAGE + "Received: weights={weights}"


def _preprocessing(x, variant, channels):
    """The input scaling the variant's weights expect, as layers."""
    if variant.startswith("b") and channels == 3:
        x = layers.Rescaling(scale=1.0 / 255)(x)
        return layers.Normalization(mean=_IMAGENET_MEAN_RGB, variance=_IMAGENET_VARIANCE_RGB,
                                    axis=_blocks.channel_axis())(x)  # fmt: skip
    return layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)


def _efficientnet_v2(
    variant,
    include_top,
    weights,
    input_tensor,
    input_shape,
    pooling,
    classes,
    classifier_activation,
    include_preprocessing,
    name,
):
    """Builds EfficientNetV2-`variant` ("b0" ... "b3", "s", "m", "l"); the builders call this."""
    stages, width, depth, resolution, dropout_rate = _VARIANTS[variant]
    stages = _STAGES[stages]
    efficientnet._check_arguments(weights, include_top, classes,
                                 _WEIGHTS_MESSAGE.format(weights=weights))  # fmt: skip
    shape = _builder.input_shape_for(input_shape, default_size=resolution, min_size=32,
                              weights=weights, include_top=include_top)  # fmt: skip
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    img_input = _builder.make_input(input_tensor, shape)
    axis = _blocks.channel_axis()

    x = img_input
    if include_preprocessing:
        x = _preprocessing(x, variant, shape[axis - 1])

    x = _blocks.conv_bn(x, _round_filters(stages[0][3], width), 3, strides=2,
                        name="stem_conv", bn_momentum=_BN_MOMENTUM, bn_name="stem_bn")  # fmt: skip
    x = layers.Activation("silu", name="stem_activation")(x)

    x = _body(x, stages, width, depth)

    x = _blocks.conv_bn(x, _round_filters(1280, width), 1, name="top_conv",
                        bn_momentum=_BN_MOMENTUM, bn_name="top_bn")  # fmt: skip
    x = layers.Activation("silu", name="top_activation")(x)
    x = efficientnet._head(x, include_top, pooling, classes, classifier_activation,
                          dropout_rate, {"class_name": "Constant", "config": {"value": 0.0}})  # fmt: skip
    return _builder.finish(input_tensor, img_input, x, name, weights, include_top=include_top,
                           base_url=_BASE_WEIGHTS_PATH,
                           stem=f"efficientnetv2-{variant}")  # fmt: skip


def _round_filters(filters, width_coefficient, divisor=8):
    """The channel count scaled by `width_coefficient`, to the nearest multiple of `divisor`.

    Unlike EfficientNet's rounding, this one may round down by more than 10% (B3's first
    stage keeps 16 channels).
    """
    filters *= width_coefficient
    return int(max(divisor, int(filters + divisor / 2) // divisor * divisor))


def _body(x, stages, width, depth, drop_connect_rate=0.2):
    """The fused and plain MBConv stages, named `block{stage}{letter}_`."""
    repeats = [int(math.ceil(depth * stage[2])) for stage in stages]
    # Keras divides by the baseline's block count, not the scaled one, so in the deeper
    # B1-B3 the last blocks' rates exceed `drop_connect_rate`; kept for equal configs.
    total = float(sum(stage[2] for stage in stages))
    index = 0
    for i, (fused, kernel, _, f_in, f_out, expand, stride, se) in enumerate(stages):
        f_in, f_out = _round_filters(f_in, width), _round_filters(f_out, width)
        block = _blocks.fused_mbconv if fused else _blocks.mbconv
        extra = {} if fused else {"explicit_padding": False, "depthwise_name": "dwconv2"}
        for j in range(repeats[i]):
            x = block(
                x,
                filters_in=f_in if j == 0 else f_out,
                filters_out=f_out,
                kernel_size=kernel,
                strides=stride if j == 0 else 1,
                expand_ratio=expand,
                se_ratio=se,
                drop_rate=drop_connect_rate * index / total,
                prefix=f"block{i + 1}{chr(j + 97)}_",
                bn_momentum=_BN_MOMENTUM,
                **extra,
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
        include_preprocessing=True,
        name=f"efficientnetv2-{variant}",
    ):
        return _efficientnet_v2(variant, include_top, weights, input_tensor, input_shape,
                               pooling, classes, classifier_activation,
                               include_preprocessing, name)  # fmt: skip

    size = _VARIANTS[variant][3]
    title = f"EfficientNetV2{variant.upper()}"
    _builder.document(build, _BUILDER_DOC, {"size": size}, title=title, default_size=size)
    return build


_BUILDER_DOC = """Instantiates the {title} architecture.

    Reference: Tan & Le, "EfficientNetV2: Smaller Models and Faster Training" (ICML 2021).
    The model expects inputs with values in [0, 255]; with `include_preprocessing` it
    rescales them itself. The ImageNet weights were trained at {size}x{size}.

    {arguments}

    Example:

    >>> model = {title}(weights=None, include_top=False, input_shape=(64, 64, 3))
    >>> model.output.shape[-1] > 0
    True
"""

EfficientNetV2B0 = _make_builder("b0")
EfficientNetV2B1 = _make_builder("b1")
EfficientNetV2B2 = _make_builder("b2")
EfficientNetV2B3 = _make_builder("b3")
EfficientNetV2S = _make_builder("s")
EfficientNetV2M = _make_builder("m")
EfficientNetV2L = _make_builder("l")


# The same no-op as EfficientNet's: V2 models rescale inside the model too.
preprocess_input = efficientnet.preprocess_input
