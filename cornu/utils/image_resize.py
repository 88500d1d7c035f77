"""Resizing images held in NumPy arrays, on the host, whatever the backend.

The directory loaders and `smart_resize` (for NumPy input) resize here instead of through
`cornu.ops.image.resize`: images of many sizes would each compile a program on JAX, and a data
pipeline should not touch the accelerator. The resampling weights are the ones
`cornu.ops.image` computes (half-pixel centres, no antialiasing), which is also what
`tf.image.resize` does, so both give the same pixels.
"""

import numpy as np

from cornu.ops import image as image_ops

# What `tf.image.resize` accepts; the last two have no kernel here.
INTERPOLATIONS = (
    "bilinear",
    "nearest",
    "bicubic",
    "area",
    "lanczos3",
    "lanczos5",
    "gaussian",
    "mitchellcubic",
)
_HOST_INTERPOLATIONS = INTERPOLATIONS[:6]


def check_interpolation(interpolation, allowed=INTERPOLATIONS):
    if interpolation not in allowed:
        raise ValueError(
            f"Argument `interpolation` should be one of {allowed}. "
            f"Received: interpolation={interpolation}"
        )
    return interpolation


def crop_box(height, width, target_height, target_width):
    """(top, left, crop_height, crop_width): the largest centred window with the target's
    aspect ratio (sizes truncated, as `smart_resize` and Keras's loaders do)."""
    crop_height = max(min(height, int(width * target_height / target_width)), 1)
    crop_width = max(min(width, int(height * target_width / target_height)), 1)
    return (height - crop_height) // 2, (width - crop_width) // 2, crop_height, crop_width


def resize_image(
    image, size, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False
):
    """Resizes a channels-last image (H, W, C) or batch (N, H, W, C) to `size` in float32.

    `crop_to_aspect_ratio` first crops the largest centred window with the target's aspect
    ratio; `pad_to_aspect_ratio` first pads with zeros to it.
    """
    check_interpolation(interpolation)
    if interpolation not in _HOST_INTERPOLATIONS:
        raise ValueError(
            f"interpolation={interpolation!r} is available with TensorFlow only (format='tf'); "
            f"without it, use one of {_HOST_INTERPOLATIONS}."
        )
    x = np.asarray(image, dtype="float32")
    batched = x.ndim == 4
    x = x if batched else x[None]
    target = (int(size[0]), int(size[1]))
    if crop_to_aspect_ratio:
        top, left, h, w = crop_box(x.shape[1], x.shape[2], *target)
        x = x[:, top : top + h, left : left + w]
    elif pad_to_aspect_ratio:
        x = _resize_with_pad(x, target, interpolation)
    x = _resample(x, target, interpolation)
    return x if batched else x[0]


def _resize_with_pad(x, target, interpolation):
    """Resizes to fit inside `target` keeping the aspect ratio, then pads with zeros around
    (`tf.image.resize_with_pad`'s rule, which Keras's loaders use: sizes and offsets floored)."""
    height, width = x.shape[1], x.shape[2]
    ratio = max(width / target[1], height / target[0])
    inner_height, inner_width = height / ratio, width / ratio
    inner = (max(int(np.floor(inner_height)), 1), max(int(np.floor(inner_width)), 1))
    top = max(int(np.floor((target[0] - inner_height) / 2)), 0)
    left = max(int(np.floor((target[1] - inner_width) / 2)), 0)
    resized = _resample(x, inner, interpolation)
    padded = np.zeros((x.shape[0], *target, x.shape[3]), "float32")
    padded[:, top : top + inner[0], left : left + inner[1]] = resized
    return padded


def _resample(x, target, interpolation):
    for axis, out_size in ((1, target[0]), (2, target[1])):
        in_size = x.shape[axis]
        if in_size == out_size:
            continue
        if interpolation == "nearest":
            x = np.take(x, image_ops._nearest_indices(in_size, out_size), axis=axis)
            continue
        weights = _weights(in_size, out_size, interpolation).astype("float32")
        x = np.moveaxis(np.tensordot(weights, x, axes=([1], [axis])), 0, axis)
    return np.ascontiguousarray(x, dtype="float32")


def _weights(in_size, out_size, interpolation):
    if interpolation == "bicubic":
        return _bicubic_weights(in_size, out_size)
    method = "area" if interpolation == "area" else image_ops._METHOD_ALIASES[interpolation]
    return image_ops._weight_matrix(in_size, out_size, out_size / in_size, 0.0, method, False)


def _bicubic_weights(in_size, out_size):
    """Keys' cubic (a = -0.5) over the 4 nearest pixels, dropping those outside the image and
    renormalizing, with the sample's offset rounded to 1/1024: `tf.image.resize`'s bicubic
    reads its weights from a 1024-entry table (found by comparing outputs; the unrounded
    weights differ by up to 1e-3 of the range)."""
    sample = (np.arange(out_size) + 0.5) * (in_size / out_size) - 0.5
    base = np.floor(sample)
    offset = np.rint((sample - base) * 1024) / 1024
    weights = np.zeros((out_size, in_size))
    rows = np.arange(out_size)
    for tap in (-1, 0, 1, 2):
        index = base.astype("int64") + tap
        inside = (index >= 0) & (index < in_size)
        tap_weight = image_ops._kernel("bicubic", np.abs(offset - tap))
        weights[rows[inside], index[inside]] += tap_weight[inside]
    return weights / weights.sum(axis=1, keepdims=True)
