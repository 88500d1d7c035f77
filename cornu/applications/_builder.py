"""What every application builder shares: argument checks, the input, the head and the weights.

A family module reads as the architecture alone:

    check_weights(weights, include_top, classes, classifier_activation)
    shape = input_shape_for(input_shape, default_size=224, min_size=32, weights=weights,
                            include_top=include_top)
    img_input = make_input(input_tensor, shape)
    x = ...the body...
    x = classifier(x, include_top, pooling, classes, classifier_activation)
    return finish(input_tensor, img_input, x, name, weights, include_top=include_top,
                  base_url=..., stem=...)

and its docstring's `Args:` and `Returns:` sections come from `arguments_section`, so the
arguments every builder shares are described once.
"""

import inspect
import os
import textwrap

from cornu import activations, config
from cornu.applications import weight_files
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers import Dense, GlobalAveragePooling2D, GlobalMaxPooling2D, Input
from cornu.models.functional import Functional
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
    check_input_tensor(input_tensor)
    return input_tensor


def check_input_tensor(input_tensor):
    """Raises Keras's ValueError unless `input_tensor` is a KerasTensor."""
    if not isinstance(input_tensor, KerasTensor):
        raise ValueError(
            "Argument `input_tensor` must be a KerasTensor. Received invalid type: "
            f"input_tensor={input_tensor} (of type {type(input_tensor)})"
        )


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


def finish(input_tensor, img_input, outputs, name, weights, **files):
    """The functional model from the builder's input (or the sources of `input_tensor`), with
    `weights` loaded: `load_weights(model, weights, **files)`."""
    inputs = img_input if input_tensor is None else get_source_inputs(input_tensor)
    model = Functional(inputs, outputs, name=name)
    return load_weights(model, weights, **files)


def load_weights(model, weights, *, include_top=True, base_url=None, stem=None,
                 notop_suffix="_notop"):  # fmt: skip
    """Loads `weights` into `model`: ImageNet weights through the cache, or a file path.

    Args:
        model: the built application.
        weights: None (nothing to load), "imagenet", or a path.
        include_top: picks the file with the top (`{stem}.h5`) or without it
            (`{stem}{notop_suffix}.h5`).
        base_url: the folder URL Keras publishes the family's files under (ends with "/").
        stem: the published files' name before the suffix.
        notop_suffix: what the file without the top adds to `stem`.
        The file arguments are needed with "imagenet" only.
    """
    if weights is None:
        return model
    if weights == "imagenet":
        fname = stem + (".h5" if include_top else notop_suffix + ".h5")
        weights = weight_files.fetch(fname, base_url + fname)
    model.load_weights(weights)
    return model


# What each argument shared by the builders means, written once for all their docstrings.
# `{default_size}` and `{min_size}` are the builder's own.
_DESCRIPTIONS = {
    "include_top": "whether to end with the classifier (global pooling and `predictions`).",
    "weights": 'None (random initialization), "imagenet", or the path of a weights file.',
    "input_tensor": "a symbolic tensor (`keras.Input(...)`) to build the model on.",
    "input_shape": (
        "the image shape without the batch axis; at least {min_size}x{min_size}, 3 channels "
        "for ImageNet weights; default ({default_size}, {default_size}, 3) with the top, "
        "else (None, None, 3)."
    ),
    "pooling": 'without the top, "avg" or "max" global pooling, or None (the 4-D feature map).',
    "classes": "the classifier's units (1000 with ImageNet weights and the top).",
    "classifier_activation": (
        'the classifier\'s activation (None or "softmax" with ImageNet weights).'
    ),
    "include_preprocessing": "whether the model scales its 0..255 input itself.",
    "name": "the model's name.",
}


def arguments_section(builder, *, default_size=224, min_size=32, **described):
    """The `Args:` and `Returns:` sections of an application builder's docstring.

    Every argument of `builder`'s signature is listed, in order: those in `described` with
    their own text, the others with the shared description. The text is indented for a
    docstring whose body is indented by four spaces, its first line without indent (it
    replaces `{arguments}` at the start of such a line).

    Args:
        builder: the builder function (its signature names the arguments).
        default_size: the image side the ImageNet weights were trained at.
        min_size: the smallest image side the architecture accepts.
        **described: the description of an argument the builder documents its own way.

    Returns:
        The sections as a string.
    """
    lines = ["Args:"]
    for name in inspect.signature(builder).parameters:
        if name in described:
            text = described[name]
        elif name in _DESCRIPTIONS:
            text = _DESCRIPTIONS[name].format(default_size=default_size, min_size=min_size)
        else:
            raise ValueError(
                f"{builder.__name__}: argument `{name}` has no shared description; pass "
                f"{name}=<its description> to `arguments_section`."
            )
        entry = textwrap.fill(
            f"{name}: {text}", width=96, initial_indent=" " * 8, subsequent_indent=" " * 12
        )
        lines.append(entry)
    lines += ["", "    Returns:", "        A functional `Model`."]
    return "\n".join(lines)


def documented(**options):
    """Decorator: fills the `{arguments}` line of a builder's docstring with
    `arguments_section(builder, **options)`."""

    def fill(builder):
        if builder.__doc__ is not None:  # None under `python -OO`
            section = arguments_section(builder, **options)
            builder.__doc__ = builder.__doc__.replace("{arguments}", section)
        return builder

    return fill


def document(builder, doc, fields=None, *, title=None, **options):
    """Sets `builder.__doc__` from `doc`, the template a family's builders share: formatted
    with `fields`, the builder's `title` and `arguments`, the `arguments_section(builder,
    **options)`. A `title` also names a builder made in a factory (`__name__` and
    `__qualname__`); without one, the builder's own name is its title."""
    if title is not None:
        builder.__name__ = builder.__qualname__ = title
    arguments = arguments_section(builder, **options)
    builder.__doc__ = doc.format(title=builder.__name__, arguments=arguments, **(fields or {}))
