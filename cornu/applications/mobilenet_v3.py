"""MobileNetV3Small and MobileNetV3Large, with Keras's layer names and weight files.

Howard et al. 2019, "Searching for MobileNetV3": inverted residual blocks (as MobileNetV2's)
with optional squeeze-excite gated by a hard sigmoid, hard-swish activations in the later
blocks, and a head of global pooling and two 1x1 convolutions. `minimalistic` drops the
squeeze-excite, the hard-swish and the 5x5 kernels. The models include their input scaling
(`Rescaling` from 0..255 to -1..1) unless `include_preprocessing=False`.
"""

import os
import warnings

from cornu import layers
from cornu.applications import _blocks, _builder
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)

__all__ = ["MobileNetV3Large", "MobileNetV3Small", "decode_predictions", "preprocess_input"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"

# Blocks as (expansion, filters before alpha, kernel, stride, squeeze-excite?, activation);
# kernel "k" and activation "act" are the model's (5 and hard-swish unless minimalistic),
# "relu" is always ReLU. The first block's filters follow alpha too.
_SMALL = (
    (1, 16, 3, 2, True, "relu"),
    (72 / 16, 24, 3, 2, False, "relu"),
    (88 / 24, 24, 3, 1, False, "relu"),
    (4, 40, "k", 2, True, "act"),
    (6, 40, "k", 1, True, "act"),
    (6, 40, "k", 1, True, "act"),
    (3, 48, "k", 1, True, "act"),
    (3, 48, "k", 1, True, "act"),
    (6, 96, "k", 2, True, "act"),
    (6, 96, "k", 1, True, "act"),
    (6, 96, "k", 1, True, "act"),
)
_LARGE = (
    (1, 16, 3, 1, False, "relu"),
    (4, 24, 3, 2, False, "relu"),
    (3, 24, 3, 1, False, "relu"),
    (3, 40, "k", 2, True, "relu"),
    (3, 40, "k", 1, True, "relu"),
    (3, 40, "k", 1, True, "relu"),
    (6, 80, 3, 2, False, "act"),
    (2.5, 80, 3, 1, False, "act"),
    (2.3, 80, 3, 1, False, "act"),
    (2.3, 80, 3, 1, False, "act"),
    (6, 112, 3, 1, True, "act"),
    (6, 112, 3, 1, True, "act"),
    (6, 160, "k", 2, True, "act"),
    (6, 160, "k", 1, True, "act"),
    (6, 160, "k", 1, True, "act"),
)
_SE_RATIO = 0.25


@_builder.documented(
    input_shape="the image shape without the batch axis; default `(None, None, 3)` (any size of "
    "at least 32x32; the ImageNet weights were trained at 224x224).",
    alpha="width multiplier (ImageNet weights exist for 0.75 and 1.0, and 1.0 when minimalistic).",
    minimalistic="no squeeze-excite, hard-swish or 5x5 convolutions.",
    include_top="whether to end with the 1x1-convolution classifier.",
    dropout_rate="dropout before the last convolution (0 for none).",
    include_preprocessing="whether the model scales its 0..255 input to -1..1 itself.",
)
def MobileNetV3Small(
    input_shape=None,
    alpha=1.0,
    minimalistic=False,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    classes=1000,
    pooling=None,
    dropout_rate=0.2,
    classifier_activation="softmax",
    include_preprocessing=True,
    name="MobileNetV3Small",
):
    """Instantiates the MobileNetV3Small architecture.

    {arguments}

    Example:
        >>> model = MobileNetV3Small(weights=None, input_shape=(32, 32, 3), include_top=False)
        >>> model.output_shape
        (None, 1, 1, 576)
    """
    return _mobilenet_v3(_SMALL, 1024, "small", **locals())


def MobileNetV3Large(
    input_shape=None,
    alpha=1.0,
    minimalistic=False,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    classes=1000,
    pooling=None,
    dropout_rate=0.2,
    classifier_activation="softmax",
    include_preprocessing=True,
    name="MobileNetV3Large",
):
    """Instantiates the MobileNetV3Large architecture (arguments as `MobileNetV3Small`).

    Example:
        >>> model = MobileNetV3Large(weights=None, input_shape=(32, 32, 3), include_top=False)
        >>> model.output_shape
        (None, 1, 1, 960)
    """
    return _mobilenet_v3(_LARGE, 1280, "large", **locals())


def _mobilenet_v3(stack, last_point_ch, model_type, *, input_shape, alpha, minimalistic,
                  include_top, weights, input_tensor, classes, pooling, dropout_rate,
                  classifier_activation, include_preprocessing, name):  # fmt: skip
    _check_arguments(weights, include_top, classes)
    shape = _input_shape(input_shape, input_tensor)
    if weights == "imagenet":
        _check_imagenet(shape, alpha, minimalistic)
    # Checked after the input, as Keras does (its messages say the same as the others').
    _builder.check_weights(weights, include_top, 1000, classifier_activation)
    img_input = _builder.make_input(input_tensor, shape)
    axis = _builder.channel_axis()

    if minimalistic:
        kernel, activation, use_se = 3, _relu, False
    else:
        kernel, activation, use_se = 5, _hard_swish, True

    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="conv")(x)  # fmt: skip
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name="conv_bn")(x)
    x = activation(x)
    for block_id, (expansion, filters, k, stride, se, act) in enumerate(stack):
        x = _inverted_res_block(
            x,
            expansion,
            _blocks.make_divisible(filters * alpha),
            kernel if k == "k" else k,
            stride,
            _SE_RATIO if se and use_se else None,
            activation if act == "act" else _relu,
            block_id,
        )

    last_conv_ch = _blocks.make_divisible(x.shape[axis] * 6)
    if alpha > 1.0:  # widening widens the head too; thinning keeps it
        last_point_ch = _blocks.make_divisible(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False,
                      name="conv_1")(x)  # fmt: skip
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name="conv_1_bn")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True,
                          name="conv_2")(x)  # fmt: skip
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _builder.pool(x, pooling)

    stem = "weights_mobilenet_v3_" + model_type
    stem += f"{'_minimalistic' if minimalistic else ''}_224_{float(alpha)}_float"
    return _builder.finish(input_tensor, img_input, x, name, weights, include_top=include_top,
                           base_url=BASE_WEIGHTS_PATH,
                           stem=stem, notop_suffix="_no_top_v2")  # fmt: skip


def _input_shape(input_shape, input_tensor):
    """The image shape: `input_shape` (checked against `input_tensor`), the tensor's, or
    `(None, None, 3)`; each known side at least 32."""
    first = _builder.channel_axis() == 1
    if input_tensor is not None:
        _builder.check_input_tensor(input_tensor)
        tensor_shape = tuple(input_tensor.shape)
        if input_shape is None:
            input_shape = tensor_shape[1:]
        else:
            # Keras compares the width only (a different height is taken from the tensor).
            i = 2 if first else 1
            if input_shape[i] is not None and input_shape[i] != tensor_shape[i + 1]:
                raise ValueError(
                    f"input_shape[{i}] must equal input_tensor.shape[{i + 1}].  Received "
                    f"input_shape={input_shape}, input_tensor.shape={tensor_shape}"
                )
            input_shape = tensor_shape[1:]
    if input_shape is None:
        return (3, None, None) if first else (None, None, 3)
    input_shape = tuple(input_shape)
    sides = input_shape[1:] if first else input_shape[:2]
    if any(side is not None and side < 32 for side in sides):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    return input_shape


def _check_arguments(weights, include_top, classes):
    """MobileNetV3's own wording of the `weights`/`classes` errors."""
    if not (
        weights in (None, "imagenet") or (isinstance(weights, str) and os.path.exists(weights))
    ):
        raise ValueError(
            "The `weights` argument should be either `None` (random initialization), "
            "`imagenet` (pre-training on ImageNet), or the path to the weights file to be "
            f"loaded.  Received weights={weights}"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            'If using `weights="imagenet"` with `include_top` as true, `classes` should be '
            f"1000.  Received classes={classes}"
        )


def _check_imagenet(shape, alpha, minimalistic):
    if (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0):
        raise ValueError(
            "If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for non "
            "minimalistic or `1.0` for minimalistic only."
        )
    rows, cols = (shape[1], shape[2]) if _builder.channel_axis() == 1 else shape[:2]
    if rows != cols or rows != 224:
        warnings.warn(
            "`input_shape` is undefined or non-square, or `rows` is not 224. Weights for "
            "input shape (224, 224) will be loaded as the default.",
            stacklevel=3,
        )


def _relu(x):
    return layers.ReLU()(x)


def _hard_sigmoid(x):
    # relu6(x + 3) / 6, written with a ReLU layer and two ops as Keras's graph records it.
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def _hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _se_block(inputs, filters, se_ratio, prefix):
    """Squeeze-excite gated by a hard sigmoid (not `_blocks.squeeze_excite`: other layers)."""
    x = layers.GlobalAveragePooling2D(keepdims=True, name=prefix + "squeeze_excite_avg_pool")(
        inputs
    )
    x = layers.Conv2D(_blocks.make_divisible(filters * se_ratio), kernel_size=1, padding="same",
                      name=prefix + "squeeze_excite_conv")(x)  # fmt: skip
    x = layers.ReLU(name=prefix + "squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same",
                      name=prefix + "squeeze_excite_conv_1")(x)  # fmt: skip
    x = _hard_sigmoid(x)
    return layers.Multiply(name=prefix + "squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation,
                        block_id):  # fmt: skip
    """Block `block_id`: expand (not in block 0), depthwise, squeeze-excite, project, add."""
    axis = _builder.channel_axis()
    shortcut = x
    prefix = f"expanded_conv_{block_id}_" if block_id else "expanded_conv_"
    infilters = x.shape[axis]
    expanded = _blocks.make_divisible(infilters * expansion)
    if block_id:
        x = layers.Conv2D(expanded, kernel_size=1, padding="same", use_bias=False,
                          name=prefix + "expand")(x)  # fmt: skip
        x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999,
                                      name=prefix + "expand_bn")(x)  # fmt: skip
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=_blocks.correct_pad(x, kernel_size),
                                 name=prefix + "depthwise_pad")(x)  # fmt: skip
    x = layers.DepthwiseConv2D(kernel_size, strides=stride,
                               padding="same" if stride == 1 else "valid", use_bias=False,
                               name=prefix + "depthwise")(x)  # fmt: skip
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999,
                                  name=prefix + "depthwise_bn")(x)  # fmt: skip
    x = activation(x)
    if se_ratio:
        x = _se_block(x, expanded, se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False,
                      name=prefix + "project")(x)  # fmt: skip
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999,
                                  name=prefix + "project_bn")(x)  # fmt: skip
    if stride == 1 and infilters == filters:
        x = layers.Add(name=prefix + "add")([shortcut, x])
    return x


def preprocess_input(x, data_format=None):
    """Returns `x` unchanged: MobileNetV3 models scale their input themselves.

    `data_format` is accepted for compatibility with the other families and ignored.
    """
    return x
