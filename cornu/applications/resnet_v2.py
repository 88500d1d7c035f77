"""ResNet v2: ResNet50V2, ResNet101V2, ResNet152V2, with Keras's layer names and weight files.

He et al. 2016, "Identity Mappings in Deep Residual Networks": batch normalization and ReLU
come before each convolution ("pre-activation"), shortcuts stay identities except the first of
each stack, and a stack downsamples in the 3x3 convolution of its last block (its shortcut a
1x1 max pooling with stride 2). Stem, head and weights are shared with `resnet`.
"""

from cornu import layers
from cornu.applications import _builder, imagenet_utils, resnet
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)


def _preact_bottleneck(x, filters, name, stride=1, conv_shortcut=False):
    """One v2 bottleneck block, `4 * filters` channels out, pre-activation."""
    preact = resnet.batch_norm(name + "_preact_bn")(x)
    preact = layers.Activation("relu", name=name + "_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(preact)
    elif stride > 1:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=name + "_1_conv")(preact)
    x = resnet.batch_norm(name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + "_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=name + "_2_conv")(x)
    x = resnet.batch_norm(name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    return layers.Add(name=name + "_out")([shortcut, x])


def _stack(x, filters, blocks, name, stride=2):
    """`blocks` v2 bottlenecks: the first projects, the last downsamples by `stride`."""
    x = _preact_bottleneck(x, filters, name + "_block1", conv_shortcut=True)
    for i in range(2, blocks):
        x = _preact_bottleneck(x, filters, f"{name}_block{i}")
    return _preact_bottleneck(x, filters, f"{name}_block{blocks}", stride=stride)


def stacks_v2(depths):
    """The v2 body for blocks per stack `depths` (conv5 keeps its resolution)."""

    def body(x):
        x = _stack(x, 64, depths[0], "conv2")
        x = _stack(x, 128, depths[1], "conv3")
        x = _stack(x, 256, depths[2], "conv4")
        return _stack(x, 512, depths[3], "conv5", stride=1)

    return body


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
               pooling=None, classes=1000, classifier_activation="softmax",
               name="resnet50v2"):  # fmt: skip
    return resnet.build_resnet(stacks_v2((3, 4, 6, 3)), "resnet50v2", name, include_top, weights,
                               input_tensor, input_shape, pooling, classes,
                               classifier_activation, preact=True)  # fmt: skip


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet101v2"):  # fmt: skip
    return resnet.build_resnet(stacks_v2((3, 4, 23, 3)), "resnet101v2", name, include_top, weights,
                               input_tensor, input_shape, pooling, classes,
                               classifier_activation, preact=True)  # fmt: skip


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet152v2"):  # fmt: skip
    return resnet.build_resnet(stacks_v2((3, 8, 36, 3)), "resnet152v2", name, include_top, weights,
                               input_tensor, input_shape, pooling, classes,
                               classifier_activation, preact=True)  # fmt: skip


_DOC = resnet._BUILDER_DOC.replace("He et al. 2015", "He et al. 2016").replace(
    '`keras.applications.resnet.preprocess_input` ("caffe": BGR, mean\n    subtracted)',
    '`keras.applications.resnet_v2.preprocess_input` ("tf": -1..1)',
)

_builder.document(ResNet50V2, _DOC)
_builder.document(ResNet101V2, _DOC)
_builder.document(ResNet152V2, _DOC)


def preprocess_input(x, data_format=None):
    """ResNet v2's input scaling: `imagenet_utils.preprocess_input` with mode "tf" (-1..1)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
