"""ResNet (v1): ResNet50, ResNet101, ResNet152, with Keras's layer names and weight files.

He et al. 2015, "Deep Residual Learning for Image Recognition": a 7x7 stem, then four stacks of
bottleneck blocks (1x1, 3x3, 1x1 convolutions with batch normalization) whose first block
downsamples through its first 1x1 convolution and a projection shortcut. The pre-activation
variant (ResNet v2) shares the stem and the builder here; its block lives in `resnet_v2`.
"""

from cornu import config, layers
from cornu.applications import _builder, imagenet_utils
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)

BASE_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"

_BN_EPSILON = 1.001e-5


def batch_norm(name):
    """Batch normalization over the channels; the axis is positive (3 or 1) as in Keras's configs."""
    axis = 3 if config.image_data_format() == "channels_last" else 1
    return layers.BatchNormalization(axis=axis, epsilon=_BN_EPSILON, name=name)


def _bottleneck(x, filters, name, stride=1, conv_shortcut=True):
    """One v1 bottleneck block, `4 * filters` channels out, post-activation."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(x)
        shortcut = batch_norm(name + "_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=name + "_1_conv")(x)
    x = batch_norm(name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=name + "_2_conv")(x)
    x = batch_norm(name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    x = batch_norm(name + "_3_bn")(x)
    x = layers.Add(name=name + "_add")([shortcut, x])
    return layers.Activation("relu", name=name + "_out")(x)


def _stack(x, filters, blocks, name, stride=2):
    """`blocks` v1 bottlenecks; the first projects and downsamples by `stride`."""
    x = _bottleneck(x, filters, name + "_block1", stride=stride)
    for i in range(2, blocks + 1):
        x = _bottleneck(x, filters, f"{name}_block{i}", conv_shortcut=False)
    return x


def stacks_v1(depths):
    """The v1 body for blocks per stack `depths` (conv2 keeps the stem's resolution)."""

    def body(x):
        x = _stack(x, 64, depths[0], "conv2", stride=1)
        x = _stack(x, 128, depths[1], "conv3")
        x = _stack(x, 256, depths[2], "conv4")
        return _stack(x, 512, depths[3], "conv5")

    return body


def build_resnet(body, weights_name, name, include_top, weights, input_tensor, input_shape,
                 pooling, classes, classifier_activation, *, preact):  # fmt: skip
    """A ResNet: stem, `body`, (v2: final batch norm), head, weights.

    Args:
        body: maps the stem's output to the last stack's output.
        weights_name: the file prefix of the published ImageNet weights ("resnet50", ...).
        name: the model's name.
        preact: True for v2 (no stem batch norm; `post_bn`/`post_relu` after the body).
        The rest: the builder's arguments.
    """
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    shape = _builder.input_shape_for(
        input_shape, default_size=224, min_size=32, weights=weights, include_top=include_top
    )
    img_input = _builder.make_input(input_tensor, shape)

    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    if not preact:
        x = batch_norm("conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = body(x)
    if preact:
        x = batch_norm("post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)

    x = _builder.classifier(x, include_top, pooling, classes, classifier_activation)
    file_stem = f"{weights_name}_weights_tf_dim_ordering_tf_kernels"
    return _builder.finish(input_tensor, img_input, x, name, weights, include_top=include_top,
                           base_url=BASE_WEIGHTS_URL, stem=file_stem)  # fmt: skip


_BUILDER_DOC = """Instantiates the {title} architecture (He et al. 2015).

    Expects images scaled by `keras.applications.resnet.preprocess_input` ("caffe": BGR, mean
    subtracted). With `weights="imagenet"` the published Keras weights are downloaded once into
    `$KERAS_HOME/models/`.

    {arguments}

    Example:
        >>> model = {title}(weights=None, include_top=False, input_shape=(32, 32, 3))
        >>> model.output_shape
        (None, 1, 1, 2048)
    """


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="resnet50"):  # fmt: skip
    return build_resnet(stacks_v1((3, 4, 6, 3)), "resnet50", name, include_top, weights,
                        input_tensor, input_shape, pooling, classes, classifier_activation,
                        preact=False)  # fmt: skip


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet101"):  # fmt: skip
    return build_resnet(stacks_v1((3, 4, 23, 3)), "resnet101", name, include_top, weights,
                        input_tensor, input_shape, pooling, classes, classifier_activation,
                        preact=False)  # fmt: skip


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet152"):  # fmt: skip
    return build_resnet(stacks_v1((3, 8, 36, 3)), "resnet152", name, include_top, weights,
                        input_tensor, input_shape, pooling, classes, classifier_activation,
                        preact=False)  # fmt: skip


_builder.document(ResNet50, _BUILDER_DOC)
_builder.document(ResNet101, _BUILDER_DOC)
_builder.document(ResNet152, _BUILDER_DOC)


def preprocess_input(x, data_format=None):
    """ResNet's input scaling: `imagenet_utils.preprocess_input` with mode "caffe"."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")
