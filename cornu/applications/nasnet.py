"""`keras.applications.nasnet`: NASNet-A Mobile and Large (Zoph et al. 2018).

"Learning Transferable Architectures for Scalable Image Recognition", CVPR 2018
(https://arxiv.org/abs/1707.07012). The searched NASNet-A normal and reduction cells (figure 4 of
the paper) stacked as the ImageNet architecture of figure 2: a 3x3/2 stem convolution, two
reduction cells, then three stacks of `num_blocks` normal cells with a reduction cell between
them. Each cell takes the two previous cells' outputs; `adjust_block` brings the older one to
the newer one's shape. Inputs are scaled to [-1, 1] by `preprocess_input`.
"""

from cornu import config, layers
from cornu.applications import _builder as B
from cornu.applications import imagenet_utils, weight_files
from cornu.applications.densenet import CLASSES_MESSAGE, WEIGHTS_MESSAGE, check_weights_argument
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)
from cornu.backend import name_scope

__all__ = ["NASNetLarge", "NASNetMobile", "decode_predictions", "preprocess_input"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
# Keras caches each file under a name of its own: (URL file name, cache file name).
WEIGHTS_FILES = {
    ("mobile", True): ("NASNet-mobile.h5", "nasnet_mobile.h5"),
    ("mobile", False): ("NASNet-mobile-no-top.h5", "nasnet_mobile_no_top.h5"),
    ("large", True): ("NASNet-large.h5", "nasnet_large.h5"),
    ("large", False): ("NASNet-large-no-top.h5", "nasnet_large_no_top.h5"),
}

BN_MOMENTUM = 0.9997
BN_EPSILON = 1e-3


def _bn(x, name):
    return layers.BatchNormalization(
        axis=B.channel_axis(), momentum=BN_MOMENTUM, epsilon=BN_EPSILON, name=name
    )(x)


def correct_pad(x, kernel_size):
    """The ZeroPadding2D that makes a valid `kernel_size`/2 convolution act like "same" padding
    (TensorFlow's: the extra row and column go after, so even sides lose one before)."""
    rows, cols = x.shape[1:3]
    adjust = (1, 1) if rows is None else (1 - rows % 2, 1 - cols % 2)
    half = kernel_size // 2
    return ((half - adjust[0], half), (half - adjust[1], half))


def separable_conv_block(x, filters, kernel_size, block_id, strides=1):
    """(ReLU - separable conv - BN) twice; the first one strided, padded as TensorFlow does."""
    with name_scope(f"separable_conv_block_{block_id}"):
        return _separable_conv_block(x, filters, kernel_size, block_id, strides)


def _separable_conv_block(x, filters, kernel_size, block_id, strides):
    x = layers.Activation("relu")(x)
    padding = "same"
    if strides == 2:
        pad = correct_pad(x, kernel_size)
        x = layers.ZeroPadding2D(padding=pad, name=f"separable_conv_1_pad_{block_id}")(x)
        padding = "valid"
    x = layers.SeparableConv2D(filters, kernel_size, strides=strides, padding=padding,
                               use_bias=False, name=f"separable_conv_1_{block_id}")(x)  # fmt: skip
    x = _bn(x, f"separable_conv_1_bn_{block_id}")
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, kernel_size, padding="same", use_bias=False,
                               name=f"separable_conv_2_{block_id}")(x)  # fmt: skip
    return _bn(x, f"separable_conv_2_bn_{block_id}")


def _conv_1x1(x, filters, name):
    return layers.Conv2D(filters, 1, padding="same", use_bias=False,
                         kernel_initializer="he_normal", name=name)(x)  # fmt: skip


def adjust_block(p, ip, filters, block_id):
    """The previous-previous input `p` brought to the shape of `ip` with `filters` channels.

    A larger `p` is halved by a factorized reduction (two 1x1/2 average pools, one shifted by a
    pixel, each followed by a 1x1 conv to half the filters); a `p` of another width is projected
    by ReLU - 1x1 conv - BN. With no `p` (the first cell) `ip` stands in for it.
    """
    if p is None:
        return ip
    with name_scope("adjust_block"):
        # Static widths are compared, as Keras does: with unknown sides (input_shape
        # (None, None, 3)) no reduction is built, and the model, like Keras's, fails when
        # called on images (Add of 7x7 and 15x15 maps). Kept for the same weights layout.
        if p.shape[-2] != ip.shape[-2]:
            with name_scope(f"adjust_reduction_block_{block_id}"):
                return _factorized_reduction(p, filters, block_id)
        if p.shape[B.channel_axis()] != filters:
            with name_scope(f"adjust_projection_block_{block_id}"):
                p = layers.Activation("relu")(p)
                p = _conv_1x1(p, filters, f"adjust_conv_projection_{block_id}")
                return _bn(p, f"adjust_bn_{block_id}")
    return p


def _factorized_reduction(p, filters, block_id):
    p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
    p1 = layers.AveragePooling2D(1, strides=2, name=f"adjust_avg_pool_1_{block_id}")(p)
    p1 = _conv_1x1(p1, filters // 2, f"adjust_conv_1_{block_id}")
    # The second path sees the map shifted by one pixel: pad after, crop before.
    p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
    p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
    p2 = layers.AveragePooling2D(1, strides=2, name=f"adjust_avg_pool_2_{block_id}")(p2)
    p2 = _conv_1x1(p2, filters // 2, f"adjust_conv_2_{block_id}")
    p = layers.Concatenate(axis=B.channel_axis())([p1, p2])
    return _bn(p, f"adjust_bn_{block_id}")


def _squeeze(ip, filters, kind, block_id):
    # ReLU - 1x1 conv - BN of the cell's newer input.
    h = layers.Activation("relu")(ip)
    h = _conv_1x1(h, filters, f"{kind}_conv_1_{block_id}")
    return _bn(h, f"{kind}_bn_1_{block_id}")


def _add(inputs, name=None):
    return layers.Add(name=name)(inputs)


def normal_cell(ip, p, filters, block_id):
    """The NASNet-A normal cell; returns `(output, ip)`, the next cell's two inputs."""
    with name_scope(f"normal_A_block_{block_id}"):
        p = adjust_block(p, ip, filters, block_id)
        h = _squeeze(ip, filters, "normal", block_id)

        def sep(x, k, side):
            return separable_conv_block(x, filters, k, f"normal_{side}_{block_id}")

        def pool(x, side):
            return layers.AveragePooling2D(3, strides=1, padding="same",
                                           name=f"normal_{side}_{block_id}")(x)  # fmt: skip

        # Keras scopes the weights of each of the five combinations as block_1 ... block_5.
        with name_scope("block_1"):
            x1 = _add([sep(h, 5, "left1"), sep(p, 3, "right1")], f"normal_add_1_{block_id}")
        with name_scope("block_2"):
            x2 = _add([sep(p, 5, "left2"), sep(p, 3, "right2")], f"normal_add_2_{block_id}")
        x3 = _add([pool(h, "left3"), p], f"normal_add_3_{block_id}")
        x4 = _add([pool(p, "left4"), pool(p, "right4")], f"normal_add_4_{block_id}")
        with name_scope("block_5"):
            x5 = _add([sep(h, 3, "left5"), h], f"normal_add_5_{block_id}")
        x = layers.Concatenate(axis=B.channel_axis(), name=f"normal_concat_{block_id}")(
            [p, x1, x2, x3, x4, x5]
        )
    return x, ip


def reduction_cell(ip, p, filters, block_id):
    """The NASNet-A reduction cell (stride 2); returns `(output, ip)`."""
    with name_scope(f"reduction_A_block_{block_id}"):
        p = adjust_block(p, ip, filters, block_id)
        h = _squeeze(ip, filters, "reduction", block_id)
        h3 = layers.ZeroPadding2D(padding=correct_pad(h, 3),
                                  name=f"reduction_pad_1_{block_id}")(h)  # fmt: skip

        def sep(x, k, side, strides=2):
            return separable_conv_block(x, filters, k, f"reduction_{side}_{block_id}", strides)

        def pool(kind, side, x=h3, strides=2, padding="valid"):
            return kind(3, strides=strides, padding=padding,
                        name=f"reduction_{side}_{block_id}")(x)  # fmt: skip

        with name_scope("block_1"):
            x1 = _add([sep(h, 5, "left1"), sep(p, 7, "right1")], f"reduction_add_1_{block_id}")
        with name_scope("block_2"):
            x2 = _add([pool(layers.MaxPooling2D, "left2"), sep(p, 7, "right2")],
                      f"reduction_add_2_{block_id}")  # fmt: skip
        with name_scope("block_3"):
            x3 = _add([pool(layers.AveragePooling2D, "left3"), sep(p, 5, "right3")],
                      f"reduction_add3_{block_id}")  # fmt: skip
        x4 = pool(layers.AveragePooling2D, "left4", x=x1, strides=1, padding="same")
        x4 = _add([x2, x4])
        with name_scope("block_5"):
            x5 = sep(x1, 3, "left4", strides=1)
            x5 = _add([x5, pool(layers.MaxPooling2D, "right5")], f"reduction_add4_{block_id}")
        x = layers.Concatenate(axis=B.channel_axis(), name=f"reduction_concat_{block_id}")(
            [x2, x3, x4, x5]
        )
    return x, ip


def NASNet(
    input_shape=None,
    penultimate_filters=4032,
    num_blocks=6,
    stem_block_filters=96,
    skip_reduction=True,
    filter_multiplier=2,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    default_size=None,
    classifier_activation="softmax",
    name="NASNet",
):
    """A NASNet-A ImageNet model; `NASNetMobile` and `NASNetLarge` fix its sizes.

    Args:
        penultimate_filters: channels of the last cells (24 x the base `filters`).
        num_blocks: normal cells per stack.
        stem_block_filters: filters of the stem convolution.
        skip_reduction: whether the cell after a reduction cell takes the reduction cell's
            own older input (NASNet-Large) rather than its newer one.
        filter_multiplier: channel growth at each reduction.
        default_size: the side of the ImageNet weights (224 or 331).
        The other arguments are the builders'.
    """
    if config.image_data_format() == "channels_first":
        raise ValueError(
            "NASNet does not support the `channels_first` image data format. Switch to "
            "`channels_last` by editing your local config file at ~/.keras/keras.json"
        )
    check_weights_argument(weights, include_top, classes, WEIGHTS_MESSAGE, CLASSES_MESSAGE)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError(
            "When specifying the input shape of a NASNet and loading `ImageNet` weights, the "
            "input_shape argument must be static (no None entries). Got: `input_shape="
            f"{input_shape}`."
        )
    B.check_weights(weights, include_top, classes, classifier_activation)
    # Without a shape, NASNet builds at its default size even without the top.
    shape = B.input_shape_for(input_shape, default_size=default_size, min_size=32,
                              weights=weights, include_top=include_top,
                              require_flatten=True if input_shape is None else None)  # fmt: skip
    img_input = B.make_input(input_tensor, shape)

    filters = penultimate_filters // 24
    x = layers.Conv2D(stem_block_filters, 3, strides=2, padding="valid", use_bias=False,
                      kernel_initializer="he_normal", name="stem_conv1")(img_input)  # fmt: skip
    x = _bn(x, "stem_bn1")
    x, p = reduction_cell(x, None, filters // filter_multiplier**2, "stem_1")
    x, p = reduction_cell(x, p, filters // filter_multiplier, "stem_2")
    for stack in range(3):
        width = filters * filter_multiplier**stack
        if stack:
            x, newer = reduction_cell(x, p, width, f"reduce_{stack * num_blocks}")
            p = p if skip_reduction else newer
        for i in range(num_blocks):
            # Cells are numbered on through the stacks, the reduction cells taking a number.
            x, p = normal_cell(x, p, width, str(stack * num_blocks + min(stack, 1) + i))
    x = layers.Activation("relu")(x)

    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)

    if weights == "imagenet":
        variant = "mobile" if default_size == 224 else "large"
        url_name, fname = WEIGHTS_FILES[(variant, bool(include_top))]
        weights = weight_files.fetch(fname, BASE_WEIGHTS_PATH + url_name)
    return B.finish(input_tensor, img_input, x, name, weights)


@B.documented(
    input_shape="the image shape without the batch axis; default 224x224x3 even without the top."
)
def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                 pooling=None, classes=1000, classifier_activation="softmax",
                 name="nasnet_mobile"):  # fmt: skip
    """NASNet-A Mobile (4 @ 1056), default input 224x224x3, at least 32x32.

    {arguments}

    Example:

    >>> model = NASNetMobile(weights=None, include_top=False, input_shape=(32, 32, 3))
    >>> model.output_shape
    (None, 1, 1, 1056)
    """
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                  skip_reduction=False, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=224, classifier_activation=classifier_activation,
                  name=name)  # fmt: skip


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="nasnet_large"):  # fmt: skip
    """NASNet-A Large (6 @ 4032), default input 331x331x3, at least 32x32; arguments as
    `NASNetMobile`."""
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
                  skip_reduction=True, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=331, classifier_activation=classifier_activation,
                  name=name)  # fmt: skip


def preprocess_input(x, data_format=None):
    """Scales pixels in [0, 255] to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
