"""`keras.applications.xception`: Xception (Chollet 2017).

"Xception: Deep Learning with Depthwise Separable Convolutions", CVPR 2017
(https://arxiv.org/abs/1610.02357). Figure 5 of the paper: an entry flow of two convolutions and
three strided separable blocks with 1x1 projection shortcuts, a middle flow of eight residual
blocks of three separable convolutions, and an exit flow. Inputs are scaled to [-1, 1] by
`preprocess_input`.
"""

from cornu import layers
from cornu.applications import _builder as B
from cornu.applications import imagenet_utils
from cornu.applications.densenet import check_weights_argument
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)
from cornu.applications.inception_v3 import inception_head

__all__ = ["Xception", "decode_predictions", "preprocess_input"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
WEIGHTS_FILE = "xception_weights_tf_dim_ordering_tf_kernels"

WEIGHTS_MESSAGE = (
    "The `weights` argument should be either `None` (random initialization), 'imagenet' "
    "(pre-training on ImageNet), or the path to the weights file to be loaded."
)
CLASSES_MESSAGE = (
    "If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  "
    "Received classes={classes}"
)


def _bn(x, name=None):
    return layers.BatchNormalization(axis=B.channel_axis(), name=name)(x)


def _sepconv_bn(x, filters, name, relu_first=True):
    """[ReLU] - 3x3 separable conv - BN, named `name`, `name_bn` and `name_act`."""
    if relu_first:
        x = layers.Activation("relu", name=name + "_act")(x)
    x = layers.SeparableConv2D(filters, 3, padding="same", use_bias=False, name=name)(x)
    return _bn(x, name=name + "_bn")


def strided_block(x, filters, block, relu_first=True):
    """Two separable convs and a 3x3/2 max pool, plus a 1x1/2 conv shortcut."""
    residual = _bn(layers.Conv2D(filters[1], 1, strides=2, padding="same", use_bias=False)(x))
    x = _sepconv_bn(x, filters[0], f"block{block}_sepconv1", relu_first=relu_first)
    x = _sepconv_bn(x, filters[1], f"block{block}_sepconv2")
    x = layers.MaxPooling2D(3, strides=2, padding="same", name=f"block{block}_pool")(x)
    return layers.Add()([x, residual])


def middle_block(x, block):
    """Three ReLU-separable conv-BN steps added to the block's input."""
    residual = x
    for j in (1, 2, 3):
        x = _sepconv_bn(x, 728, f"block{block}_sepconv{j}")
    return layers.Add()([x, residual])


def _conv_bn_relu(x, filters, name, conv=layers.Conv2D, **kwargs):
    x = conv(filters, 3, use_bias=False, name=name, **kwargs)(x)
    return layers.Activation("relu", name=name + "_act")(_bn(x, name=name + "_bn"))


@B.documented(default_size=299, min_size=71)
def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax",
             name="xception"):  # fmt: skip
    """Xception, default input 299x299x3, at least 71x71.

    {arguments}

    Example:

    >>> model = Xception(weights=None, include_top=False, input_shape=(71, 71, 3))
    >>> model.output_shape
    (None, 3, 3, 2048)
    """
    check_weights_argument(weights, include_top, classes, WEIGHTS_MESSAGE,
                           CLASSES_MESSAGE.format(classes=classes))  # fmt: skip
    B.check_weights(weights, include_top, classes, classifier_activation)
    shape = B.input_shape_for(
        input_shape, default_size=299, min_size=71, weights=weights, include_top=include_top
    )
    img_input = B.make_input(input_tensor, shape)

    # Entry flow.
    x = _conv_bn_relu(img_input, 32, "block1_conv1", strides=2)
    x = _conv_bn_relu(x, 64, "block1_conv2")
    x = strided_block(x, (128, 128), 2, relu_first=False)
    x = strided_block(x, (256, 256), 3)
    x = strided_block(x, (728, 728), 4)
    # Middle flow.
    for block in range(5, 13):
        x = middle_block(x, block)
    # Exit flow.
    x = strided_block(x, (728, 1024), 13)
    x = _conv_bn_relu(x, 1536, "block14_sepconv1", conv=layers.SeparableConv2D, padding="same")
    x = _conv_bn_relu(x, 2048, "block14_sepconv2", conv=layers.SeparableConv2D, padding="same")

    x = inception_head(x, include_top, pooling, classes, classifier_activation)
    return B.finish(input_tensor, img_input, x, name, weights, include_top=include_top,
                    base_url=BASE_WEIGHTS_PATH, stem=WEIGHTS_FILE)  # fmt: skip


def preprocess_input(x, data_format=None):
    """Scales pixels in [0, 255] to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
