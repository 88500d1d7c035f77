"""ConvNeXt Tiny/Small/Base/Large/XLarge, with Keras's layer names and weight files.

Liu et al. 2022, "A ConvNet for the 2020s": a 4x4 stride-4 "patchify" stem, four stages of
ConvNeXt blocks (7x7 depthwise convolution, layer normalization, an inverted MLP with GELU,
a learned per-channel scale, a residual sum) joined by 2x2 stride-2 downsampling, and a head
of global pooling, layer normalization and a Dense classifier. The models normalize their
0..255 input themselves unless `include_preprocessing=False`.
"""

import numpy as np

from cornu import initializers, layers, ops, random
from cornu.applications import _builder
from cornu.applications.imagenet_utils import decode_predictions  # noqa: F401 (the module's own name, as Keras)
from cornu.models.sequential import Sequential

__all__ = [
    "ConvNeXtBase",
    "ConvNeXtLarge",
    "ConvNeXtSmall",
    "ConvNeXtTiny",
    "ConvNeXtXLarge",
    "decode_predictions",
    "preprocess_input",
]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"

# name -> (blocks per stage, channels per stage)
MODEL_CONFIGS = {
    "tiny": ((3, 3, 9, 3), (96, 192, 384, 768)),
    "small": ((3, 3, 27, 3), (96, 192, 384, 768)),
    "base": ((3, 3, 27, 3), (128, 256, 512, 1024)),
    "large": ((3, 3, 27, 3), (192, 384, 768, 1536)),
    "xlarge": ((3, 3, 27, 3), (256, 512, 1024, 2048)),
}

# ImageNet's RGB statistics on the 0..255 scale (std squared: Normalization takes variances).
_MEAN = [0.485 * 255, 0.456 * 255, 0.406 * 255]
_VARIANCE = [(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2]


class LayerScale(layers.Layer):
    """Multiplies its input by a learned per-channel scale (Touvron et al. 2021, "Going
    deeper with Image Transformers"), initialized to `init_values`.

    Args:
        init_values: the scale's initial value (small, so each block starts near identity).
        projection_dim: the number of channels (the last axis).
    """

    # Where Keras's saved configs say the class lives (the serializer does not read it yet).
    _keras_module = "keras.src.applications.convnext"

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(
            shape=(self.projection_dim,),
            initializer=initializers.Constant(self.init_values),
            trainable=True,
        )
        self.built = True

    def call(self, x):
        return x * self.gamma

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"init_values": self.init_values, "projection_dim": self.projection_dim})
        return config


class StochasticDepth(layers.Layer):
    """Drops a residual branch for whole samples during training (Huang et al. 2016, "Deep
    Networks with Stochastic Depth"), scaling the kept ones by `1 / (1 - drop_path_rate)`.

    Args:
        drop_path_rate: the probability of dropping a sample's branch.
    """

    _keras_module = "keras.src.applications.convnext"

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate

    def call(self, x, training=None):
        if not training:
            return x
        keep_prob = 1.0 - self.drop_path_rate
        shape = (ops.shape(x)[0],) + (1,) * (len(x.shape) - 1)
        keep = ops.floor(keep_prob + random.uniform(shape, 0, 1, dtype=x.dtype))
        return (x / keep_prob) * keep

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"drop_path_rate": self.drop_path_rate})
        return config


def _layer_norm(name=None):
    # Keras's built LayerNormalization reports its axis as a list; giving it as one here
    # makes the saved config the same before and after building.
    return layers.LayerNormalization(axis=[-1], epsilon=1e-6, name=name)


def _block(x, projection_dim, drop_path_rate, layer_scale_init_value, name):
    """One ConvNeXt block on channels-last `x`, its layers named `name + "_" + part`."""
    inputs = x
    x = layers.Conv2D(projection_dim, kernel_size=7, padding="same", groups=projection_dim,
                      name=name + "_depthwise_conv")(x)  # fmt: skip
    x = _layer_norm(name=name + "_layernorm")(x)
    x = layers.Dense(4 * projection_dim, name=name + "_pointwise_conv_1")(x)
    x = layers.Activation("gelu", name=name + "_gelu")(x)
    x = layers.Dense(projection_dim, name=name + "_pointwise_conv_2")(x)
    if layer_scale_init_value is not None:
        x = LayerScale(layer_scale_init_value, projection_dim, name=name + "_layer_scale")(x)
    if drop_path_rate:
        branch = StochasticDepth(drop_path_rate, name=name + "_stochastic_depth")
    else:
        branch = layers.Activation("linear", name=name + "_identity")
    return inputs + branch(x)


def _head(x, classes, classifier_activation, name):
    x = layers.GlobalAveragePooling2D(name=name + "_head_gap")(x)
    x = _layer_norm(name=name + "_head_layernorm")(x)
    return layers.Dense(classes, activation=classifier_activation, name=name + "_head_dense")(x)


def ConvNeXt(
    depths,
    projection_dims,
    drop_path_rate=0.0,
    layer_scale_init_value=1e-6,
    default_size=224,
    name="convnext",
    include_preprocessing=True,
    include_top=True,
    weights=None,
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    weights_name=None,
):
    """A ConvNeXt of `depths[i]` blocks of `projection_dims[i]` channels in stage i.

    `drop_path_rate` rises linearly over the blocks from 0 to this value (stochastic depth);
    `layer_scale_init_value=None` leaves out the blocks' `LayerScale`. `weights_name` is the
    published files' stem ("convnext_tiny", ...). The other arguments are the builders'.
    """
    _builder.check_weights(weights, include_top, classes, classifier_activation)
    shape = _builder.input_shape_for(
        input_shape,
        default_size=default_size,
        min_size=32,
        weights=weights,
        include_top=include_top,
    )
    img_input = _builder.make_input(input_tensor, shape)

    x = img_input
    if include_preprocessing:
        x = layers.Normalization(mean=_MEAN, variance=_VARIANCE,
                                 name=name + "_prestem_normalization")(x)  # fmt: skip
    x = Sequential(
        [
            layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=name + "_stem_conv"),
            _layer_norm(name=name + "_stem_layernorm"),
        ],
        name=name + "_stem",
    )(x)
    rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    done = 0
    for stage, (depth, dim) in enumerate(zip(depths, projection_dims)):
        if stage:  # downsampling block i leads into stage i + 1
            i = stage - 1
            x = Sequential(
                [
                    _layer_norm(name=f"{name}_downsampling_layernorm_{i}"),
                    layers.Conv2D(dim, kernel_size=2, strides=2,
                                  name=f"{name}_downsampling_conv_{i}"),
                ],
                name=f"{name}_downsampling_block_{i}",
            )(x)  # fmt: skip
        for j in range(depth):
            x = _block(x, dim, rates[done + j], layer_scale_init_value,
                       name=f"{name}_stage_{stage}_block_{j}")  # fmt: skip
        done += depth

    if include_top:
        x = _head(x, classes, classifier_activation, name)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
        x = _layer_norm()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
        x = _layer_norm()(x)

    stem = weights_name or name
    return _builder.finish(input_tensor, img_input, x, name, weights, include_top=include_top,
                           base_url=BASE_WEIGHTS_PATH, stem=stem)  # fmt: skip


def _builder_for(size, builder_name):
    depths, dims = MODEL_CONFIGS[size]
    default_name = f"convnext_{size}"

    def build(include_top=True, include_preprocessing=True, weights="imagenet",
              input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", name=default_name):  # fmt: skip
        return ConvNeXt(
            depths,
            dims,
            name=name,
            include_preprocessing=include_preprocessing,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            weights_name=default_name,
        )

    _builder.document(
        build,
        _BUILDER_DOC,
        title=builder_name,
        include_top="whether to end with the pooled, normalized Dense classifier.",
        pooling='without the top: None (4-D output), "avg" or "max" (then normalized).',
        name="the model's name (and the prefix of its layers' names).",
    )
    return build


_BUILDER_DOC = """Instantiates the {title} architecture.

    {arguments}
    """

ConvNeXtTiny = _builder_for("tiny", "ConvNeXtTiny")
ConvNeXtSmall = _builder_for("small", "ConvNeXtSmall")
ConvNeXtBase = _builder_for("base", "ConvNeXtBase")
ConvNeXtLarge = _builder_for("large", "ConvNeXtLarge")
ConvNeXtXLarge = _builder_for("xlarge", "ConvNeXtXLarge")


def preprocess_input(x, data_format=None):
    """Returns `x` unchanged: ConvNeXt models normalize their input themselves.

    `data_format` is accepted for compatibility with the other families and ignored.
    """
    return x
