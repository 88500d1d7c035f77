"""Shared by the colour and intensity image layers: their base class, argument checks
(`value_range` and the Keras forms of `factor`), the mapping to and from [0, 1], greyscale
and shifting."""

from cornu import ops
from cornu.layers.preprocessing._augmentation import RandomImageLayer
from cornu.layers.preprocessing._image_args import image_axes


class ColorLayer(RandomImageLayer):
    """Base of the colour and intensity layers: they change pixel values only, so bounding
    boxes and segmentation masks of a dict input pass through unchanged (as in Keras)."""

    moves_pixels = False

    def transform_bounding_boxes(self, boxes, transformation, height, width):
        return boxes

    def transform_segmentation_masks(self, masks, transformation):
        return masks

    def infer_segmentation_masks(self, masks):
        return masks


def check_value_range(layer, value_range):
    if (
        not isinstance(value_range, (list, tuple))
        or len(value_range) != 2
        or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value_range)
        or (value_range[0] >= value_range[1])
    ):
        raise ValueError(
            f"{layer}: value_range must be a pair (low, high) with low < high; "
            f"received value_range={value_range!r}."
        )
    return value_range


def sorted_value_range(layer, value_range):
    """A pair of numbers as a sorted list (AutoContrast and Equalization accept (high, low))."""
    if (
        not isinstance(value_range, (list, tuple))
        or len(value_range) != 2
        or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value_range)
        or value_range[0] == value_range[1]
    ):
        raise ValueError(
            f"{layer}: value_range must be a pair of two different numbers (low, high); "
            f"received value_range={value_range!r}."
        )
    return sorted(value_range)


def clip_to(images, value_range):
    return ops.clip(images, float(value_range[0]), float(value_range[1]))


def is_number(value):
    """An int or float (not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_pair(layer, arg, value):
    """A list or tuple of two numbers, sorted, as a tuple."""
    if not isinstance(value, (list, tuple)) or len(value) != 2 or not all(map(is_number, value)):
        raise ValueError(
            f"{layer}: {arg} must be a number or a pair of numbers; received {arg}={value!r}."
        )
    return tuple(sorted(value))


def _check_number(layer, arg, value, low, high):
    if not low <= value <= high:
        raise ValueError(
            f"{layer}: {arg} must be a number (or a pair of numbers) in the range "
            f"[{low}, {high}]; received {arg}={value!r}."
        )


def factor_pair(layer, arg, value, low, high, number_low=None):
    """Keras's (lower, upper) form of a factor, kept exactly as Keras records it.

    A number `v` must lie in [low, high] and becomes `(-v, v)` sorted, with the lower end
    raised to `number_low` when given (so 0.3 -> (0, 0.3) for a [0, 1] factor). A pair is
    sorted and kept as given (Keras checks only numbers against the range).
    """
    if is_number(value):
        _check_number(layer, arg, value, low, high)
        lower, upper = sorted((-value, value))
        if number_low is not None and lower < number_low:
            lower = number_low
        return (lower, upper)
    return number_pair(layer, arg, value)


def bounded_pair(layer, arg, value, low, high, number_low):
    """A number `v` in [low, high] becomes `(number_low, v)`; a pair must lie in [low, high]."""
    if is_number(value):
        _check_number(layer, arg, value, low, high)
        return (number_low, value)
    pair = number_pair(layer, arg, value)
    for v in pair:
        _check_number(layer, arg, v, low, high)
    return pair


def per_image(values):
    """A (batch,) tensor shaped to broadcast over 4D images."""
    return ops.reshape(values, (-1, 1, 1, 1))


def to_unit(images, value_range):
    low, high = float(value_range[0]), float(value_range[1])
    return (images - low) / (high - low)


def from_unit(images, value_range):
    low, high = float(value_range[0]), float(value_range[1])
    return images * (high - low) + low


def channel_axis(data_format):
    return -1 if data_format == "channels_last" else 1


def spatial_axes(layer, images, data_format):
    return image_axes(f"{type(layer).__name__} layer '{layer.name}'", images.shape, data_format)


def grayscale_rgb(images, data_format):
    """Luma of RGB images, repeated on 3 channels."""
    gray = ops.image.rgb_to_grayscale(images, data_format=data_format)
    return ops.repeat(gray, 3, axis=channel_axis(data_format))


def shift(images, offset, axis):
    """`images` moved by `offset` pixels along `axis` (output[i] = input[i - offset]), with
    zeros shifted in: one tap of a zero-padded "same" correlation."""
    if offset == 0:
        return images
    pads = [[0, 0]] * 4
    index = [slice(None)] * 4
    if offset > 0:
        pads[axis] = [offset, 0]
        index[axis] = slice(None, -offset)
    else:
        pads[axis] = [0, -offset]
        index[axis] = slice(-offset, None)
    return ops.pad(images, pads)[tuple(index)]


def check_rgb(layer, images, data_format):
    channels = images.shape[channel_axis(data_format)]
    if channels is not None and channels != 3:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}' expects RGB images with 3 channels "
            f"(data_format={data_format!r}); received input shape {tuple(images.shape)}."
        )
