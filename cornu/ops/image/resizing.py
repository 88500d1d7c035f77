"""Resizing of `cornu.ops.image`: `resize` and `scale_and_translate`.

Resampling is a product of small weight matrices computed in NumPy from static shapes (the
half-pixel-centre convention of `jax.image.resize`/`scale_and_translate`).
"""

import numpy as np

from cornu import backend
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, float_dtype_of, kernels, op, to_tensor
from cornu.ops.image import _image_common as common

_k = kernels()

__all__ = [
    "resize",
    "scale_and_translate",
]


# ---------------------------------------------------------------------------------------------
# Resampling weights (NumPy, from static sizes)
# ---------------------------------------------------------------------------------------------


_METHOD_ALIASES = {
    "linear": "bilinear",
    "bilinear": "bilinear",
    "trilinear": "bilinear",
    "cubic": "bicubic",
    "bicubic": "bicubic",
    "tricubic": "bicubic",
    "lanczos3": "lanczos3",
    "lanczos5": "lanczos5",
}


def _kernel(method, d):
    """Interpolation kernel of `method` at distances `d >= 0`."""
    if method == "bilinear":
        return np.maximum(0.0, 1.0 - d)
    if method == "bicubic":  # Keys' cubic convolution, a = -0.5
        a = -0.5
        near = ((a + 2.0) * d - (a + 3.0)) * d * d + 1.0
        far = ((a * d - 5.0 * a) * d + 8.0 * a) * d - 4.0 * a
        return np.where(d <= 1.0, near, np.where(d < 2.0, far, 0.0))
    radius = 3.0 if method == "lanczos3" else 5.0
    return np.where(d < radius, np.sinc(d) * np.sinc(d / radius), 0.0)


def _weight_matrix(in_size, out_size, scale, translation, method, antialias):
    """(out_size, in_size) resampling weights: output i samples input at (i+0.5-t)/scale-0.5."""
    out_pos = np.arange(out_size, dtype="float64")
    if method == "area":
        # Output pixel i covers [i/scale, (i+1)/scale) (less translation) of the input axis.
        lo = (out_pos - translation) / scale
        hi = (out_pos + 1.0 - translation) / scale
        left = np.arange(in_size, dtype="float64")
        overlap = np.minimum(hi[:, None], left[None, :] + 1.0) - np.maximum(lo[:, None], left)
        return np.maximum(overlap, 0.0) * scale
    inv_scale = 1.0 / scale
    kernel_scale = max(inv_scale, 1.0) if antialias else 1.0
    sample = (out_pos + 0.5 - translation) * inv_scale - 0.5
    distance = np.abs(sample[:, None] - np.arange(in_size, dtype="float64")[None, :])
    weights = _kernel(method, distance / kernel_scale)
    total = np.sum(weights, axis=1, keepdims=True)
    weights = np.where(
        np.abs(total) > 1000.0 * np.finfo(np.float32).eps,
        weights / np.where(total != 0, total, 1.0),
        0.0,
    )
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return np.where(inside[:, None], weights, 0.0)


def _nearest_indices(in_size, out_size):
    pos = np.floor((np.arange(out_size) + 0.5) * (in_size / out_size)).astype("int64")
    return np.minimum(pos, in_size - 1)


# ---------------------------------------------------------------------------------------------
# resize
# ---------------------------------------------------------------------------------------------


_RESIZE_METHODS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area")


def _resize_args(
    images, size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio, fill_mode, data_format
):
    data_format = common.checked_data_format(data_format, "resize")
    common.check_image_rank(rules.shape_of(images), "resize")
    if interpolation not in _RESIZE_METHODS:
        raise ValueError(
            f"resize: `interpolation` must be one of {_RESIZE_METHODS}; received {interpolation!r}."
        )
    try:
        size = tuple(int(s) for s in size)
    except TypeError:
        size = ()
    if len(size) != 2 or min(size) <= 0:
        raise ValueError(
            f"resize: `size` must be a pair of positive ints (height, width); received {size!r}."
        )
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "resize: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True."
        )
    if fill_mode != "constant":
        raise ValueError(f"resize: `fill_mode` must be 'constant'; received {fill_mode!r}.")
    return size, data_format


def _resize_spec(*args, **kwargs):
    a = rules.bound_arguments(resize, args, kwargs)
    images, data_format = a["images"], a["data_format"]
    size, data_format = _resize_args(
        images, a["size"], a["interpolation"], a["crop_to_aspect_ratio"],
        a["pad_to_aspect_ratio"], a["fill_mode"], data_format,
    )  # fmt: skip
    batch, _, channels = common.spatial_shape(rules.shape_of(images), data_format)
    return common.same_dtype_spec(images, common.image_shape(batch, size, channels, data_format))


@op(spec=_resize_spec)
@common.jit(1)
def resize(
    images,
    size,
    interpolation="bilinear",
    antialias=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    fill_mode="constant",
    fill_value=0.0,
    data_format=None,
):
    """Resizes images to `size` = (height, width).

    Pixel centres sit at half-integers (like `jax.image.resize`). `antialias` widens the
    bilinear/bicubic/lanczos kernels when downsampling; "area" averages the covered input
    pixels; "nearest" takes the pixel whose cell contains the sample point.

    Args:
        images: 3D or 4D image tensor.
        size: (height, width) of the output.
        interpolation: "bilinear", "nearest", "bicubic", "lanczos3", "lanczos5" or "area".
        antialias: low-pass filter when downsampling (kernel methods only).
        crop_to_aspect_ratio: first crop the largest centred window with the target's
            aspect ratio.
        pad_to_aspect_ratio: first pad (with `fill_value`) to the target's aspect ratio.
        fill_mode: "constant" (the only mode for padding).
        fill_value: the padding value.
        data_format: "channels_last" or "channels_first".

    Returns:
        The resized images, in the input's dtype (integers are rounded).
    """
    images = to_tensor(images)
    size, data_format = _resize_args(
        images,
        size,
        interpolation,
        crop_to_aspect_ratio,
        pad_to_aspect_ratio,
        fill_mode,
        data_format,
    )
    dtype = dtype_of(images)
    x, batched = common.to_channels_last(images, data_format)
    height, width = int(x.shape[1]), int(x.shape[2])
    target_h, target_w = size
    if crop_to_aspect_ratio:
        crop_h = max(min(height, int(width * target_h / target_w)), 1)
        crop_w = max(min(width, int(height * target_w / target_h)), 1)
        top, left = (height - crop_h) // 2, (width - crop_w) // 2
        x = x[:, top : top + crop_h, left : left + crop_w, :]
    elif pad_to_aspect_ratio:
        pad_h = max(height, int(width * target_h / target_w))
        pad_w = max(width, int(height * target_w / target_h))
        top, left = (pad_h - height) // 2, (pad_w - width) // 2
        widths = ((0, 0), (top, pad_h - height - top), (left, pad_w - width - left), (0, 0))
        x = _k.pad(x, widths, fill_value)
    in_h, in_w = int(x.shape[1]), int(x.shape[2])
    if interpolation == "nearest":
        if in_h != target_h:
            x = _k.take(x, _nearest_indices(in_h, target_h), 1)
        if in_w != target_w:
            x = _k.take(x, _nearest_indices(in_w, target_w), 2)
        return common.from_channels_last(x, data_format, batched)
    method = "area" if interpolation == "area" else _METHOD_ALIASES[interpolation]
    matrices = [
        None if n == m else _weight_matrix(n, m, m / n, 0.0, method, antialias)
        for n, m in ((in_h, target_h), (in_w, target_w))
    ]
    x = backend.cast(x, common.compute_dtype(dtype))
    y = common.apply_weights(x, matrices, (1, 2))
    return common.from_channels_last(common.cast_back(y, dtype), data_format, batched)


# ---------------------------------------------------------------------------------------------
# scale_and_translate
# ---------------------------------------------------------------------------------------------


def _static_vector(value, n, name):
    try:
        if backend.is_tensor(value):
            value = backend.convert_to_numpy(value)
        array = np.asarray(value, dtype="float64").reshape(-1)
    except Exception as error:  # e.g. a traced value inside jit / tf.function
        raise ValueError(
            f"scale_and_translate: `{name}` must be concrete numbers (the resampling weights are "
            f"computed ahead of time); received {value!r}."
        ) from error
    if array.size != n:
        raise ValueError(
            f"scale_and_translate: `{name}` must have one value per spatial dim ({n}); "
            f"received {array.size} values."
        )
    return array


def _scale_and_translate_args(images, output_shape, spatial_dims, method):
    shape = rules.shape_of(images)
    output_shape = tuple(int(d) for d in output_shape)
    if len(output_shape) != len(shape):
        raise ValueError(
            f"scale_and_translate: `output_shape` {output_shape} must have the rank of `images` "
            f"({len(shape)})."
        )
    spatial_dims = tuple(int(d) % len(shape) for d in spatial_dims)
    for i, (a, b) in enumerate(zip(shape, output_shape)):
        if i not in spatial_dims and a is not None and a != b:
            raise ValueError(
                f"scale_and_translate: `output_shape` {output_shape} changes dim {i}, which is "
                f"not in `spatial_dims` {spatial_dims}."
            )
    if method not in _METHOD_ALIASES:
        raise ValueError(
            f"scale_and_translate: `method` must be one of {tuple(_METHOD_ALIASES)}; "
            f"received {method!r}."
        )
    return output_shape, spatial_dims


def _scale_and_translate_spec(
    images, output_shape, scale, translation, spatial_dims, method, antialias=True
):
    output_shape, _ = _scale_and_translate_args(images, output_shape, spatial_dims, method)
    return KerasTensor(output_shape, dtype=float_dtype_of(images))


@op(spec=_scale_and_translate_spec)
def scale_and_translate(
    images, output_shape, scale, translation, spatial_dims, method, antialias=True
):
    """Resamples `spatial_dims` of `images`: output i samples input (i + 0.5 - t) / s - 0.5.

    Args:
        images: a tensor of any rank.
        output_shape: the full output shape.
        scale, translation: one value per spatial dim (concrete values).
        spatial_dims: the axes to resample.
        method: "linear"/"bilinear"/"trilinear", "cubic"/"bicubic"/"tricubic", "lanczos3" or
            "lanczos5".
        antialias: widen the kernel when downsampling.

    Returns:
        A float tensor of `output_shape`.
    """
    images = to_tensor(images)
    output_shape, spatial_dims = _scale_and_translate_args(
        images, output_shape, spatial_dims, method
    )
    n = len(spatial_dims)
    scale = _static_vector(scale, n, "scale")
    translation = _static_vector(translation, n, "translation")
    x = backend.cast(images, float_dtype_of(images))
    matrices = [
        _weight_matrix(int(x.shape[d]), output_shape[d], s, t, _METHOD_ALIASES[method], antialias)
        for d, s, t in zip(spatial_dims, scale, translation)
    ]
    return common.apply_weights(x, matrices, spatial_dims)
