"""`keras.applications.inception_resnet_v2`: Inception-ResNet-v2 (Szegedy et al. 2017).

"Inception-v4, Inception-ResNet and the Impact of Residual Connections on Learning", AAAI 2017
(https://arxiv.org/abs/1602.07261). The Inception-v3 stem and a mixed 35x35 block, then residual
Inception blocks (figures 16, 17 and 19 of the paper: 10 x block35, 20 x block17, 10 x block8)
with reductions between them; each residual branch is scaled (0.17, 0.1, 0.2) before the sum,
as section 3.3 advises. Inputs are scaled to [-1, 1] by `preprocess_input`.
"""

from cornu import layers
from cornu.applications import _builder as B
from cornu.applications import imagenet_utils
from cornu.applications.densenet import check_weights_argument
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)
from cornu.applications.inception_v3 import bn_axis, conv2d_bn, inception_head, stem

__all__ = ["InceptionResNetV2", "decode_predictions", "preprocess_input"]

BASE_WEIGHTS_PATH = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/"
)
WEIGHTS_FILE = "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels"

WEIGHTS_MESSAGE = (
    "The `weights` argument should be either `None` (random initialization), `imagenet` "
    "(pre-training on ImageNet), or the path to the weights file to be loaded."
)
CLASSES_MESSAGE = (
    'If using `weights="imagenet"` with `include_top=True`, `classes` should be 1000. '
    "Received classes={classes}"
)


class CustomScaleLayer(layers.Layer):
    """`inputs[0] + inputs[1] * scale`: a residual sum with the branch scaled down.

    Args:
        scale: the factor of the residual branch.
    """

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        return inputs[0] + inputs[1] * self.scale

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


# The branches of each residual block, as (filters, kernel size) convolutions in sequence.
BRANCHES = {
    "block35": (((32, 1),), ((32, 1), (32, 3)), ((32, 1), (48, 3), (64, 3))),
    "block17": (((192, 1),), ((128, 1), (160, (1, 7)), (192, (7, 1)))),
    "block8": (((192, 1),), ((192, 1), (224, (1, 3)), (256, (3, 1)))),
}


def _branch(x, convs):
    for filters, kernel in convs:
        x = conv2d_bn(x, filters, kernel)
    return x


def residual_block(x, scale, block_type, index, activation="relu"):
    """An Inception-ResNet block: branches, a linear 1x1 up to the input's width, scaled sum."""
    block_name = f"{block_type}_{index}"
    mixed = layers.Concatenate(axis=bn_axis(), name=block_name + "_mixed")(
        [_branch(x, convs) for convs in BRANCHES[block_type]]
    )
    up = conv2d_bn(mixed, x.shape[bn_axis()], 1, activation=None, use_bias=True,
                   name=block_name + "_conv")  # fmt: skip
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=block_name + "_ac")(x)
    return x


def mixed_5b(x):
    """The 35x35 Inception block before the residual ones: 1x1 | 5x5 | 3x3-3x3 | avg pool."""
    b0 = conv2d_bn(x, 96, 1)
    b1 = _branch(x, ((48, 1), (64, 5)))
    b2 = _branch(x, ((64, 1), (96, 3), (96, 3)))
    pool = conv2d_bn(layers.AveragePooling2D(3, strides=1, padding="same")(x), 64, 1)
    return layers.Concatenate(axis=bn_axis(), name="mixed_5b")([b0, b1, b2, pool])


def reduction(x, branches, name):
    """Strided branches (each ending in a 3x3/2 valid conv) and a 3x3/2 max pool, joined."""
    outs = []
    for convs in branches:
        y = _branch(x, convs[:-1])
        outs.append(conv2d_bn(y, convs[-1][0], convs[-1][1], strides=2, padding="valid"))
    outs.append(layers.MaxPooling2D(3, strides=2, padding="valid")(x))
    return layers.Concatenate(axis=bn_axis(), name=name)(outs)


@B.documented(default_size=299, min_size=75)
def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                      pooling=None, classes=1000, classifier_activation="softmax",
                      name="inception_resnet_v2"):  # fmt: skip
    """Inception-ResNet-v2, default input 299x299x3, at least 75x75.

    {arguments}

    Example:

    >>> model = InceptionResNetV2(weights=None, include_top=False, input_shape=(75, 75, 3))
    >>> model.output_shape
    (None, 1, 1, 1536)
    """
    check_weights_argument(weights, include_top, classes, WEIGHTS_MESSAGE,
                           CLASSES_MESSAGE.format(classes=classes))  # fmt: skip
    B.check_weights(weights, include_top, classes, classifier_activation)
    shape = B.input_shape_for(
        input_shape, default_size=299, min_size=75, weights=weights, include_top=include_top
    )
    img_input = B.make_input(input_tensor, shape)

    x = mixed_5b(stem(img_input))
    for i in range(1, 11):
        x = residual_block(x, 0.17, "block35", i)
    x = reduction(x, (((384, 3),), ((256, 1), (256, 3), (384, 3))), name="mixed_6a")
    for i in range(1, 21):
        x = residual_block(x, 0.1, "block17", i)
    x = reduction(x, (((256, 1), (384, 3)), ((256, 1), (288, 3)),
                      ((256, 1), (288, 3), (320, 3))), name="mixed_7a")  # fmt: skip
    for i in range(1, 10):
        x = residual_block(x, 0.2, "block8", i)
    x = residual_block(x, 1.0, "block8", 10, activation=None)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")

    x = inception_head(x, include_top, pooling, classes, classifier_activation)
    return B.finish(input_tensor, img_input, x, name, weights, include_top=include_top,
                    base_url=BASE_WEIGHTS_PATH, stem=WEIGHTS_FILE)  # fmt: skip


def preprocess_input(x, data_format=None):
    """Scales pixels in [0, 255] to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
