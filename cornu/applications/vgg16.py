"""VGG16 (and the VGG builder VGG19 shares), with Keras's layer names and weight files.

Simonyan & Zisserman 2014, "Very Deep Convolutional Networks for Large-Scale Image
Recognition": five blocks of 3x3 ReLU convolutions, each closed by 2x2 max pooling, then two
4096-unit dense layers on the flattened map (so the top needs a fully known input size).
"""

from cornu import layers
from cornu.applications import _builder, imagenet_utils
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)

_FILTERS = (64, 128, 256, 512, 512)


def build_vgg(convs_per_block, family, name, include_top, weights, input_tensor, input_shape,
              pooling, classes, classifier_activation):  # fmt: skip
    """A VGG with `convs_per_block[i]` convolutions in block i+1; `family` is "vgg16"/"vgg19".

    The other arguments are the builder's (see `VGG16`).
    """
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    shape = _builder.input_shape_for(
        input_shape,
        default_size=224,
        min_size=32,
        weights=weights,
        include_top=include_top,
        require_flatten=include_top,
    )
    img_input = _builder.make_input(input_tensor, shape)

    x = img_input
    for block, (filters, convs) in enumerate(zip(_FILTERS, convs_per_block), start=1):
        for conv in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{conv}")(x)  # fmt: skip
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)

    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)  # unnamed in Keras's VGG, unlike ResNet's head
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)

    base_url = f"https://storage.googleapis.com/tensorflow/keras-applications/{family}/"
    file_stem = f"{family}_weights_tf_dim_ordering_tf_kernels"
    return _builder.finish(input_tensor, img_input, x, name, weights, include_top=include_top,
                           base_url=base_url, stem=file_stem)  # fmt: skip


@_builder.documented(
    include_top="whether to add the `flatten`, `fc1`, `fc2` and `predictions` layers (the "
    "input size must then be fully known; 224x224 with ImageNet weights)."
)
def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):  # fmt: skip
    """Instantiates the VGG16 architecture (Simonyan & Zisserman 2014).

    Expects images scaled by `keras.applications.vgg16.preprocess_input` ("caffe": BGR, mean
    subtracted). With `weights="imagenet"` the published Keras weights are downloaded once into
    `$KERAS_HOME/models/`.

    {arguments}

    Example:
        >>> model = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
        >>> model.output_shape
        (None, 1, 1, 512)
    """
    return build_vgg((2, 2, 3, 3, 3), "vgg16", name, include_top, weights, input_tensor,
                     input_shape, pooling, classes, classifier_activation)  # fmt: skip


def preprocess_input(x, data_format=None):
    """VGG's input scaling: `imagenet_utils.preprocess_input` with mode "caffe"."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")
