"""What every application builder shares: argument checks, the input, the head and the weights.

A family module reads as the architecture alone:

    check_weights(weights, include_top, classes, classifier_activation)
    shape = input_shape_for(input_shape, default_size=224, min_size=32, weights=weights,
                            include_top=include_top)
    img_input = make_input(input_tensor, shape)
    x = ...the body...
    x = classifier(x, include_top, pooling, classes, classifier_activation)
    model = finish(input_tensor, img_input, x, name)
    load_weights(model, weights, include_top=include_top, base_url=..., top_file=..., notop_file=...)
"""

import os

from cornu import activations, config
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers import Dense, GlobalAveragePooling2D, GlobalMaxPooling2D, Input
from cornu.models.functional import Functional
from cornu.utils.file_utils import get_file
from cornu.utils.source_inputs import get_source_inputs


def channel_axis():
    """The channel axis of images under the current `image_data_format`: -1 or 1."""
    return -1 if config.image_data_format() == "channels_last" else 1


def check_weights(weights, include_top, classes, classifier_activation="softmax"):
    """Raises Keras's ValueErrors for a `weights`/`classes`/`classifier_activation` mismatch.

    `weights` must be None, "imagenet" or the path of an existing file; the ImageNet
    classifier has 1000 classes and a softmax (or no) activation.
    """
    if not (
        weights in (None, "imagenet") or (isinstance(weights, str) and os.path.exists(weights))
    ):
        raise ValueError(
            "The `weights` argument should be either `None` (random initialization), "
            "'imagenet' (pre-training on ImageNet), or the path to the weights file to be "
            f"loaded.  Received: weights={weights}"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            "If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  "
            f"Received classes={classes}"
        )
    if weights is not None and include_top:
        activation = activations.get(classifier_activation)
        if activation not in (activations.get("softmax"), activations.get(None)):
            raise ValueError(
                "Only `None` and `softmax` activations are allowed for the "
                "`classifier_activation` argument when using pretrained weights, with "
                f"`include_top=True`; Received: classifier_activation={activation}"
            )


def input_shape_for(
    input_shape,
    default_size,
    min_size,
    weights,
    include_top,
    require_flatten=None,
    data_format=None,
):
    """The image shape (without the batch axis) a builder's `Input` gets, checked as Keras does.

    Args:
        input_shape: the user's shape, or None.
        default_size: the side the ImageNet weights were trained at (224, 299, 331, ...).
        min_size: the smallest side the architecture accepts.
        weights: the builder's `weights` argument.
        include_top: the builder's `include_top` argument.
        require_flatten: whether the head needs a fully known shape; default `include_top`.
        data_format: "channels_last" or "channels_first"; default the configured one.

    Returns:
        A tuple of three (sides None when unknown), channels where `data_format` puts them.
    """
    require_flatten = include_top if require_flatten is None else require_flatten
    data_format = data_format or config.image_data_format()
    first = data_format == "channels_first"
    default = (3, default_size, default_size) if first else (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten and input_shape is not None:
        if tuple(input_shape) != default:
            raise ValueError(
                "When setting `include_top=True` and loading `imagenet` weights, `input_shape` "
                f"should be {default}.  Received: input_shape={input_shape}"
            )
        return default
    if input_shape is None:
        if require_flatten:
            return default
        return (3, None, None) if first else (None, None, 3)
    input_shape = tuple(input_shape)
    if len(input_shape) != 3:
        raise ValueError("`input_shape` must be a tuple of three integers.")
    channels = input_shape[0] if first else input_shape[-1]
    sides = input_shape[1:] if first else input_shape[:2]
    if weights == "imagenet" and channels != 3:
        raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
    if any(side is not None and side < min_size for side in sides):
        raise ValueError(
            f"Input size must be at least {min_size}x{min_size}; "
            f"Received: input_shape={input_shape}"
        )
    if require_flatten and None in sides:
        raise ValueError(
            "If `include_top` is True, you should specify a static `input_shape`. "
            f"Received: input_shape={input_shape}"
        )
    return input_shape


def make_input(input_tensor, shape):
    """A new `Input` of `shape`, or the user's `input_tensor` (which must be symbolic)."""
    if input_tensor is None:
        return Input(shape=shape)
    if not isinstance(input_tensor, KerasTensor):
        raise ValueError(
            "Argument `input_tensor` must be a KerasTensor. Received invalid type: "
            f"input_tensor={input_tensor} (of type {type(input_tensor)})"
        )
    return input_tensor


def classifier(x, include_top, pooling, classes, classifier_activation):
    """The common head: global average pooling and a Dense classifier, or the chosen pooling.

    With `include_top`, `avg_pool` then `predictions`; otherwise `pooling="avg"` adds
    `avg_pool`, `"max"` adds `max_pool` and anything else leaves the feature map as it is.
    """
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        return Dense(classes, activation=classifier_activation, name="predictions")(x)
    return pool(x, pooling)


def pool(x, pooling):
    """Keras's `pooling` argument without a classifier: "avg", "max", or the map unchanged."""
    if pooling == "avg":
        return GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return GlobalMaxPooling2D(name="max_pool")(x)
    return x


def finish(input_tensor, img_input, outputs, name):
    """The functional model from the builder's input (or the sources of `input_tensor`)."""
    inputs = img_input if input_tensor is None else get_source_inputs(input_tensor)
    return Functional(inputs, outputs, name=name)


def load_weights(model, weights, *, include_top, base_url, top_file, notop_file):
    """Loads `weights` into `model`: ImageNet weights through the cache, or a file path.

    Args:
        model: the built application.
        weights: None (nothing to load), "imagenet", or a path.
        include_top: picks `top_file` or `notop_file`.
        base_url: the folder URL Keras publishes the family's files under (ends with "/").
        top_file, notop_file: `(file name, sha256 or md5 hex digest or None)`.
    """
    if weights is None:
        return model
    if weights == "imagenet":
        fname, file_hash = top_file if include_top else notop_file
        weights = get_file(fname, base_url + fname, cache_subdir="models", file_hash=file_hash)
    model.load_weights(weights)
    return model
