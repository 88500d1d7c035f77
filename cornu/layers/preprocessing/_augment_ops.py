"""The image operations RandAugment and AugMix choose from, one strength per image.

Each operation takes channels-last 4D images in `value_range`, a per-image `magnitude` in
[0, 1] and a per-image `sign` (+1 or -1, for operations with a direction) and returns
images in `value_range`. Strengths at magnitude 1 follow RandAugment's (Cubuk et al. 2020)
largest settings: 30 degrees of rotation, a shear of 0.3, a shift of 30% of the size,
colour factors of 1 +- 0.9, posterizing to 4 bits and solarizing at the bottom of the range.
Histogram equalization is the `Equalization` layer's (the calling layer holds one as
`_equalization`, channels-last).
"""

import math

from cornu import ops
from cornu.layers.preprocessing import _affine
from cornu.layers.preprocessing.random_shear import shear


def _column(x):
    return ops.reshape(x, (-1, 1, 1, 1))


def _clip(layer, images):
    return ops.clip(images, float(layer.value_range[0]), float(layer.value_range[1]))


def _warp(layer, images, transforms):
    return ops.image.affine_transform(images, transforms, interpolation=layer.interpolation,
                                      fill_mode="constant",
                                      fill_value=float(layer.value_range[0]),
                                      data_format="channels_last")  # fmt: skip


def _size(images):
    shape = ops.shape(images)
    return shape[1], shape[2]


# Geometric operations: (images, magnitude, sign) -> one projective transform per image.


def rotate(images, magnitude, sign):
    height, width = _size(images)
    return _affine.rotation(sign * magnitude * (30.0 * math.pi / 180.0), height, width)


def shear_x(images, magnitude, sign):
    height, width = _size(images)
    return shear(sign * magnitude * 0.3, 0.0 * magnitude, height, width)


def shear_y(images, magnitude, sign):
    height, width = _size(images)
    return shear(0.0 * magnitude, sign * magnitude * 0.3, height, width)


def translate_x(images, magnitude, sign):
    _, width = _size(images)
    dx = sign * magnitude * 0.3 * ops.cast(width, magnitude.dtype)
    return _affine.translation(0.0 * dx, dx)


def translate_y(images, magnitude, sign):
    height, _ = _size(images)
    dy = sign * magnitude * 0.3 * ops.cast(height, magnitude.dtype)
    return _affine.translation(dy, 0.0 * dy)


# Colour operations: (layer, images) -> the base the image is blended with (by a factor of
# 1 +- 0.9 magnitude: 0 gives the base, 1 the image, above 1 moves away from the base).


def brightness(layer, images):
    return ops.full_like(images, float(layer.value_range[0]))


def contrast(layer, images):
    return ops.mean(_gray(images), axis=(1, 2, 3), keepdims=True) + 0.0 * images


def color(layer, images):
    return _gray(images) + 0.0 * images


def sharpness(layer, images):
    return ops.image.gaussian_blur(images, (3, 3), (1.0, 1.0), data_format="channels_last")


# Pixel operations: (layer, images, magnitude) -> images.


def posterize(layer, images, magnitude):
    low, high = (float(v) for v in layer.value_range)
    levels = _column(ops.power(2.0, 8.0 - ops.round(magnitude * 4.0)))
    unit = (images - low) / (high - low)
    return low + ops.floor(unit * levels * 0.999999) / levels * (high - low)


def solarize(layer, images, magnitude):
    low, high = (float(v) for v in layer.value_range)
    threshold = _column(high - magnitude * (high - low))
    return ops.where(images >= threshold, low + high - images, images)


def auto_contrast(layer, images, magnitude):
    low, high = (float(v) for v in layer.value_range)
    lo = ops.min(images, axis=(1, 2), keepdims=True)
    hi = ops.max(images, axis=(1, 2), keepdims=True)
    span = hi - lo
    scaled = low + (images - lo) / ops.where(span > 0, span, 1.0) * (high - low)
    return ops.where(span > 0, scaled, images)


def equalize(layer, images, magnitude):
    """Histogram equalization by the layer's `Equalization` (channels-last) sub-layer."""
    return layer._equalization.augment(images, None)


def _gray(images):
    """The luma (ITU-R 601) of RGB images, or the image itself for other channel counts."""
    if images.shape[-1] != 3:
        return ops.mean(images, axis=-1, keepdims=True)
    weights = ops.convert_to_tensor([0.299, 0.587, 0.114], dtype=images.dtype)
    return ops.sum(images * weights, axis=-1, keepdims=True)


GEOMETRIC = (rotate, shear_x, shear_y, translate_x, translate_y)
PIXEL = (auto_contrast, equalize, posterize, solarize)
COLOUR = (brightness, contrast, color, sharpness)


def apply_one_of(layer, images, operations, choice, magnitude, sign):
    """Image i after `operations[choice[i]]`. Each family runs once on the whole batch: one
    warp with each image's chosen transform, one blend with each image's chosen base, and
    each pixel operation; every image keeps its own choice."""
    out = images
    warps = [(i, op) for i, op in enumerate(operations) if op in GEOMETRIC]
    if warps:
        transforms = _affine.translation(0.0 * magnitude, 0.0 * magnitude)  # the identity
        for index, op in warps:
            picked = ops.expand_dims(ops.equal(choice, index), -1)
            transforms = ops.where(picked, op(images, magnitude, sign), transforms)
        out = _pick(choice, [i for i, _ in warps], _warp(layer, images, transforms), out)
    blends = [(i, op) for i, op in enumerate(operations) if op in COLOUR]
    if blends:
        base = images
        for index, op in blends:
            base = ops.where(_column(ops.equal(choice, index)), op(layer, images), base)
        factor = _column(1.0 + sign * magnitude * 0.9)
        blended = _clip(layer, base + factor * (images - base))
        out = _pick(choice, [i for i, _ in blends], blended, out)
    for index, op in enumerate(operations):
        if op in PIXEL:
            out = _pick(choice, [index], op(layer, images, magnitude), out)
    return out


def _pick(choice, indices, value, out):
    picked = ops.zeros_like(choice) > 0
    for index in indices:
        picked = picked | ops.equal(choice, index)
    return ops.where(_column(picked), value, out)


def to_channels_last(layer, images):
    if layer.data_format == "channels_first":
        return ops.transpose(images, (0, 2, 3, 1))
    return images


def from_channels_last(layer, images):
    if layer.data_format == "channels_first":
        return ops.transpose(images, (0, 3, 1, 2))
    return images
