"""Colour conversions of `cornu.ops.image`: rgb_to_grayscale, rgb_to_hsv, hsv_to_rgb."""

import numpy as np

from cornu import backend
from cornu.backend.common import dtypes
from cornu.ops import rules
from cornu.ops.define import dtype_of, kernels, op, to_tensor
from cornu.ops.image import _image_common as common

_k = kernels()

__all__ = [
    "rgb_to_grayscale",
    "rgb_to_hsv",
    "hsv_to_rgb",
]


def _channel_axis(images, data_format):
    return -3 if data_format == "channels_first" else -1


def _check_rgb(images, data_format, op_name):
    data_format = common.checked_data_format(data_format, op_name)
    shape = rules.shape_of(images)
    common.check_image_rank(shape, op_name)
    channels = shape[_channel_axis(images, data_format)]
    if channels is not None and channels != 3:
        raise ValueError(
            f"{op_name}: `images` must have 3 channels; received shape {shape} with "
            f"data_format={data_format!r}."
        )
    return data_format


def _check_float(images, op_name):
    dtype = dtype_of(images)
    if dtype not in dtypes.FLOAT_TYPES:
        raise TypeError(f"{op_name}: `images` must have a float dtype; received {dtype}.")


def _grayscale_spec(images, data_format=None):
    data_format = _check_rgb(images, data_format, "rgb_to_grayscale")
    shape = list(rules.shape_of(images))
    shape[_channel_axis(images, data_format)] = 1
    return common.same_dtype_spec(images, shape)


@op(spec=_grayscale_spec)
@common.jit(1)
def rgb_to_grayscale(images, data_format=None):
    """Luma 0.2989 R + 0.5870 G + 0.1140 B, keeping a channel axis of size 1.

    Integer images are rounded back to their dtype.
    """
    images = to_tensor(images)
    data_format = _check_rgb(images, data_format, "rgb_to_grayscale")
    dtype = dtype_of(images)
    x, batched = common.to_channels_last(images, data_format)
    x = backend.cast(x, common.compute_dtype(dtype))
    weights = to_tensor(np.array([[0.2989], [0.5870], [0.1140]]), common.compute_dtype(dtype))
    y = _k.einsum("bhwc,cd->bhwd", x, weights)
    return common.from_channels_last(common.cast_back(y, dtype), data_format, batched)


def _hsv_spec(images, data_format=None, op_name="rgb_to_hsv"):
    _check_rgb(images, data_format, op_name)
    _check_float(images, op_name)
    return common.same_dtype_spec(images, rules.shape_of(images))


def _channels(images, data_format, op_name):
    data_format = _check_rgb(images, data_format, op_name)
    _check_float(images, op_name)
    x, batched = common.to_channels_last(to_tensor(images), data_format)
    return x, batched, data_format


@op(spec=lambda images, data_format=None: _hsv_spec(images, data_format, "rgb_to_hsv"))
@common.jit(1)
def rgb_to_hsv(images, data_format=None):
    """RGB -> HSV, all three in [0, 1] (hue as a fraction of a turn). Float images only."""
    x, batched, data_format = _channels(images, data_format, "rgb_to_hsv")
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    value = _k.reduce_max(x, -1)
    minimum = _k.reduce_min(x, -1)
    delta = value - minimum
    zero = value * 0.0
    safe_value = _k.where(value > 0.0, value, zero + 1.0)
    saturation = _k.where(value > 0.0, delta / safe_value, zero)
    safe_delta = _k.where(delta > 0.0, delta, zero + 1.0)
    hue = _k.where(
        value == r,
        (g - b) / safe_delta,
        _k.where(value == g, (b - r) / safe_delta + 2.0, (r - g) / safe_delta + 4.0),
    )
    hue = (hue / 6.0) % 1.0
    hue = _k.where(delta > 0.0, hue, zero)
    y = backend.cast(_k.stack([hue, saturation, value], -1), dtype_of(x))
    return common.from_channels_last(y, data_format, batched)


@op(spec=lambda images, data_format=None: _hsv_spec(images, data_format, "hsv_to_rgb"))
@common.jit(1)
def hsv_to_rgb(images, data_format=None):
    """HSV -> RGB, the inverse of `rgb_to_hsv` (all channels in [0, 1]). Float images only."""
    x, batched, data_format = _channels(images, data_format, "hsv_to_rgb")
    hue, saturation, value = x[..., 0], x[..., 1], x[..., 2]
    channels = []
    for n in (5.0, 3.0, 1.0):  # R, G, B
        k = (hue * 6.0 + n) % 6.0
        ramp = _k.clip(_k.minimum(k, 4.0 - k), 0.0, 1.0)
        channels.append(value - value * saturation * ramp)
    y = backend.cast(_k.stack(channels, -1), dtype_of(x))
    return common.from_channels_last(y, data_format, batched)
