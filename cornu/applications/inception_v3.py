"""`keras.applications.inception_v3`: Inception-v3 (Szegedy et al. 2016).

"Rethinking the Inception Architecture for Computer Vision", CVPR 2016
(https://arxiv.org/abs/1512.00567). The stem, three 35x35 blocks (figure 5), a grid reduction,
four 17x17 blocks with factorized 7x7 convolutions (figure 6), a reduction and two 8x8 blocks
with expanded filter banks (figure 7). Inputs are scaled to [-1, 1] by `preprocess_input`.

`conv2d_bn` and `inception_head` are shared with `inception_resnet_v2` and `xception`.
"""

from cornu import config, layers
from cornu.applications import _builder as B
from cornu.applications import imagenet_utils
from cornu.applications.densenet import check_weights_argument
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)

__all__ = ["InceptionV3", "decode_predictions", "preprocess_input"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels"

WEIGHTS_MESSAGE = (
    "The `weights` argument should be either `None` (random initialization), `imagenet` "
    "(pre-training on ImageNet), or the path to the weights file to be loaded; "
    "Received: weights={weights}"
)
CLASSES_MESSAGE = (
    'If using `weights="imagenet"` with `include_top=True`, `classes` should be 1000. '
    "Received classes={classes}"
)


def bn_axis():
    """The channel axis as the Inception family writes it: 3 (channels last) or 1."""
    return 3 if config.image_data_format() == "channels_last" else 1


def conv2d_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu",
              use_bias=False, name=None):  # fmt: skip
    """Conv2D without bias, BatchNormalization without scale, then `activation`.

    `use_bias=True` leaves the normalization out (the linear projections of
    Inception-ResNet). Named layers get `name`, `name_bn` and `name_ac`; unnamed ones take
    Keras's automatic names.
    """
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                      use_bias=use_bias, name=name)(x)  # fmt: skip
    if not use_bias:
        bn_name = None if name is None else name + "_bn"
        x = layers.BatchNormalization(axis=bn_axis(), scale=False, name=bn_name)(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else name + "_ac")(x)
    return x


def inception_head(x, include_top, pooling, classes, classifier_activation):
    """`avg_pool` and `predictions` with the top; otherwise unnamed global pooling, as Keras."""
    if include_top:
        return B.classifier(x, include_top, pooling, classes, classifier_activation)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D()(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D()(x)
    return x


def _concat(branches, name=None):
    return layers.Concatenate(axis=bn_axis(), name=name)(branches)


def _avg_pool_branch(x, filters):
    pool = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    return conv2d_bn(pool, filters, 1)


def block_35(x, pool_filters, name):
    """Figure 5: 1x1 | 1x1-5x5 | 1x1-3x3-3x3 | avg pool-1x1 (35x35 grid)."""
    b1 = conv2d_bn(x, 64, 1)
    b5 = conv2d_bn(conv2d_bn(x, 48, 1), 64, 5)
    b3 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3)
    return _concat([b1, b5, b3, _avg_pool_branch(x, pool_filters)], name)


def reduction_35(x, name):
    """35x35 to 17x17: 3x3/2 | 1x1-3x3-3x3/2 | max pool/2."""
    b3 = conv2d_bn(x, 384, 3, strides=2, padding="valid")
    dbl = conv2d_bn(conv2d_bn(x, 64, 1), 96, 3)
    dbl = conv2d_bn(dbl, 96, 3, strides=2, padding="valid")
    pool = layers.MaxPooling2D(3, strides=2)(x)
    return _concat([b3, dbl, pool], name)


def block_17(x, channels, name):
    """Figure 6 with n=7: 1x1 | 1x1-1x7-7x1 | 1x1-7x1-1x7-7x1-1x7 | avg pool-1x1."""
    b1 = conv2d_bn(x, 192, 1)
    b7 = conv2d_bn(conv2d_bn(conv2d_bn(x, channels, 1), channels, (1, 7)), 192, (7, 1))
    dbl = conv2d_bn(x, channels, 1)
    for kernel in ((7, 1), (1, 7), (7, 1)):
        dbl = conv2d_bn(dbl, channels, kernel)
    dbl = conv2d_bn(dbl, 192, (1, 7))
    return _concat([b1, b7, dbl, _avg_pool_branch(x, 192)], name)


def reduction_17(x, name):
    """17x17 to 8x8: 1x1-3x3/2 | 1x1-1x7-7x1-3x3/2 | max pool/2."""
    b3 = conv2d_bn(conv2d_bn(x, 192, 1), 320, 3, strides=2, padding="valid")
    b7 = conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1), 192, (1, 7)), 192, (7, 1))
    b7 = conv2d_bn(b7, 192, 3, strides=2, padding="valid")
    pool = layers.MaxPooling2D(3, strides=2)(x)
    return _concat([b3, b7, pool], name)


def _split_1x3_3x1(x, name=None):
    return _concat([conv2d_bn(x, 384, (1, 3)), conv2d_bn(x, 384, (3, 1))], name)


def block_8(x, index, name):
    """Figure 7: 1x1 | 1x1-(1x3, 3x1) | 1x1-3x3-(1x3, 3x1) | avg pool-1x1 (8x8 grid)."""
    b1 = conv2d_bn(x, 320, 1)
    b3 = _split_1x3_3x1(conv2d_bn(x, 384, 1), name=f"mixed9_{index}")
    dbl = _split_1x3_3x1(conv2d_bn(conv2d_bn(x, 448, 1), 384, 3))
    return _concat([b1, b3, dbl, _avg_pool_branch(x, 192)], name)


def stem(x):
    """The five convolutions and two max pools shared with Inception-ResNet-v2."""
    x = conv2d_bn(x, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    return layers.MaxPooling2D(3, strides=2)(x)


@B.documented(default_size=299, min_size=75)
def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="inception_v3"):  # fmt: skip
    """Inception-v3, default input 299x299x3, at least 75x75.

    {arguments}

    Example:

    >>> model = InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))
    >>> model.output_shape
    (None, 1, 1, 2048)
    """
    check_weights_argument(weights, include_top, classes,
                           WEIGHTS_MESSAGE.format(weights=weights),
                           CLASSES_MESSAGE.format(classes=classes))  # fmt: skip
    B.check_weights(weights, include_top, classes, classifier_activation)
    shape = B.input_shape_for(
        input_shape, default_size=299, min_size=75, weights=weights, include_top=include_top
    )
    img_input = B.make_input(input_tensor, shape)

    x = stem(img_input)
    for i, pool_filters in enumerate((32, 64, 64)):
        x = block_35(x, pool_filters, name=f"mixed{i}")
    x = reduction_35(x, name="mixed3")
    for i, channels in enumerate((128, 160, 160, 192)):
        x = block_17(x, channels, name=f"mixed{4 + i}")
    x = reduction_17(x, name="mixed8")
    for i in range(2):
        x = block_8(x, i, name=f"mixed{9 + i}")

    x = inception_head(x, include_top, pooling, classes, classifier_activation)
    return B.finish(input_tensor, img_input, x, name, weights, include_top=include_top,
                    base_url=BASE_WEIGHTS_PATH, stem=WEIGHTS_FILE)  # fmt: skip


def preprocess_input(x, data_format=None):
    """Scales pixels in [0, 255] to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
