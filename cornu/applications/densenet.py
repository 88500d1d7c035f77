"""`keras.applications.densenet`: DenseNet-121, -169 and -201 (Huang et al. 2017).

"Densely Connected Convolutional Networks", CVPR 2017 (https://arxiv.org/abs/1608.06993).
The BC variant of the paper's Table 1: growth rate 32, bottleneck 1x1 convolutions of 4x the
growth rate, and transitions that halve the channels. The models take inputs preprocessed by
`preprocess_input` ("torch" mode: [0, 1] then ImageNet mean/std per channel).
"""

import os

from cornu import config, layers
from cornu.applications import _builder as B
from cornu.applications import imagenet_utils
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "decode_predictions", "preprocess_input"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"

# Dense layers per block, Table 1 of the paper.
BLOCKS = {"densenet121": (6, 12, 24, 16), "densenet169": (6, 12, 32, 32),
          "densenet201": (6, 12, 48, 32)}  # fmt: skip
GROWTH_RATE = 32
BN_EPSILON = 1.001e-5

WEIGHTS_MESSAGE = (
    "The `weights` argument should be either `None` (random initialization), `imagenet` "
    "(pre-training on ImageNet), or the path to the weights file to be loaded."
)
CLASSES_MESSAGE = (
    'If using `weights` as `"imagenet"` with `include_top` as true, `classes` should be 1000'
)


def _bn_axis():
    # DenseNet names the channel axis positively (3), where other families write -1.
    return 3 if config.image_data_format() == "channels_last" else 1


def _bn_relu(x, name):
    x = layers.BatchNormalization(axis=_bn_axis(), epsilon=BN_EPSILON, name=name + "_bn")(x)
    return layers.Activation("relu", name=name + "_relu")(x)


def conv_block(x, growth_rate, name):
    """One dense layer: BN-ReLU-1x1 conv (4x growth), BN-ReLU-3x3 conv, joined to its input."""
    y = _bn_relu(x, name + "_0")
    y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=name + "_1_conv")(y)
    y = _bn_relu(y, name + "_1")
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=name + "_2_conv")(y)
    return layers.Concatenate(axis=_bn_axis(), name=name + "_concat")([x, y])


def dense_block(x, blocks, name):
    """`blocks` dense layers, each seeing every earlier feature map."""
    for i in range(blocks):
        x = conv_block(x, GROWTH_RATE, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    """BN-ReLU, a 1x1 conv keeping `reduction` of the channels, and 2x2 average pooling."""
    channels = x.shape[_bn_axis()]
    x = _bn_relu(x, name)
    x = layers.Conv2D(int(channels * reduction), 1, use_bias=False, name=name + "_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=name + "_pool")(x)


def check_weights_argument(weights, include_top, classes, weights_message, classes_message):
    """Keras's per-family wording of the `weights` and `classes` ValueErrors."""
    if not (
        weights in (None, "imagenet") or (isinstance(weights, str) and os.path.exists(weights))
    ):
        raise ValueError(weights_message)
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(classes_message)


def _densenet(variant, include_top, weights, input_tensor, input_shape, pooling, classes,
              classifier_activation, name):  # fmt: skip
    check_weights_argument(weights, include_top, classes, WEIGHTS_MESSAGE, CLASSES_MESSAGE)
    B.check_weights(weights, include_top, classes, classifier_activation)
    shape = B.input_shape_for(
        input_shape, default_size=224, min_size=32, weights=weights, include_top=include_top
    )
    img_input = B.make_input(input_tensor, shape)

    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn_relu(x, "conv1")
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    blocks = BLOCKS[variant]
    for stage, count in enumerate(blocks, start=2):
        x = dense_block(x, count, name=f"conv{stage}")
        if stage <= len(blocks):
            x = transition_block(x, 0.5, name=f"pool{stage}")
    x = layers.BatchNormalization(axis=_bn_axis(), epsilon=BN_EPSILON, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)

    x = B.classifier(x, include_top, pooling, classes, classifier_activation)
    stem = f"{variant}_weights_tf_dim_ordering_tf_kernels"
    return B.finish(input_tensor, img_input, x, name, weights, include_top=include_top,
                    base_url=BASE_WEIGHTS_PATH, stem=stem)  # fmt: skip


@B.documented()
def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet121"):  # fmt: skip
    """DenseNet-121 (blocks 6, 12, 24, 16), default input 224x224x3, at least 32x32.

    {arguments}

    Example:

    >>> model = DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3))
    >>> model.output_shape
    (None, 1, 1, 1024)
    """
    return _densenet("densenet121", include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name)  # fmt: skip


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet169"):  # fmt: skip
    """DenseNet-169 (blocks 6, 12, 32, 32); arguments as `DenseNet121`."""
    return _densenet("densenet169", include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name)  # fmt: skip


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet201"):  # fmt: skip
    """DenseNet-201 (blocks 6, 12, 48, 32); arguments as `DenseNet121`."""
    return _densenet("densenet201", include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name)  # fmt: skip


def preprocess_input(x, data_format=None):
    """Scales pixels in [0, 255] to [0, 1], then normalizes by ImageNet's mean and std (RGB)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")
