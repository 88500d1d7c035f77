"""Hue and saturation adjustments in HSV space, shared by RandomHue, RandomSaturation and
RandomColorJitter."""

from cornu import ops
from cornu.layers.preprocessing import _color


def _split(hsv, data_format):
    axis = _color.channel_axis(data_format)
    return [ops.take(hsv, i, axis=axis) for i in range(3)], axis


def shift_hue(images, delta, value_range, data_format):
    """Rotates hue by `delta` (a (batch,) tensor, in turns)."""
    hsv = ops.image.rgb_to_hsv(_color.to_unit(images, value_range), data_format=data_format)
    (hue, saturation, value), axis = _split(hsv, data_format)
    hue = (hue + ops.reshape(delta, (-1, 1, 1))) % 1.0
    rgb = ops.image.hsv_to_rgb(ops.stack([hue, saturation, value], axis=axis), data_format)
    return _color.clip_to(_color.from_unit(rgb, value_range), value_range)


def scale_saturation(images, factor, value_range, data_format):
    """Multiplies saturation by `factor / (1 - factor)` (a (batch,) `factor` in [0, 1]: 0.5
    keeps the image, 0 makes it grey, 1 fully saturated), clipped to [0, 1]."""
    hsv = ops.image.rgb_to_hsv(_color.to_unit(images, value_range), data_format=data_format)
    (hue, saturation, value), axis = _split(hsv, data_format)
    factor = ops.reshape(factor, (-1, 1, 1))
    scale = factor / ops.maximum(1.0 - factor, 1e-7)
    saturation = ops.clip(saturation * scale, 0.0, 1.0)
    rgb = ops.image.hsv_to_rgb(ops.stack([hue, saturation, value], axis=axis), data_format)
    return _color.clip_to(_color.from_unit(rgb, value_range), value_range)
