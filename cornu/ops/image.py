"""`cornu.ops.image`: resizing, colour conversions, cropping/padding, patches, geometric
transforms, filters and SSIM (Keras's `keras.ops.image`).

Every op is written once here over a few array primitives (`cornu/backend/<b>/image.py`):
resampling is a product of small weight matrices computed in NumPy from static shapes (the
half-pixel-centre convention of `jax.image.resize`/`scale_and_translate`), point sampling is a
gather of the 2**ndim neighbours of each coordinate (the conventions of
`jax.scipy.ndimage.map_coordinates`), and filters are contractions with band matrices.

Op bodies run through the backend's `compiled` hook (`jax.jit` on JAX, so each op is one XLA
program; eager elsewhere).

Images are 3D (one image) or 4D (a batch), `channels_last` (default, from
`cornu.config.image_data_format()`) or `channels_first`. Internally every op works on a 4D
channels-last tensor and restores the caller's layout at the end.
"""

import functools
import inspect
import itertools
import math

import numpy as np

from cornu import backend, config
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, float_dtype_of, kernels, op, to_tensor

_k = kernels("image")

__all__ = [
    "affine_transform",
    "crop_images",
    "elastic_transform",
    "extract_patches",
    "extract_patches_3d",
    "gaussian_blur",
    "hsv_to_rgb",
    "map_coordinates",
    "pad_images",
    "perspective_transform",
    "resize",
    "rgb_to_grayscale",
    "rgb_to_hsv",
    "scale_and_translate",
    "sobel_edges",
    "ssim",
]

_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


# ---------------------------------------------------------------------------------------------
# Layout helpers
# ---------------------------------------------------------------------------------------------


def _jit(n_tensors, sequences=()):
    """Runs an op body through the backend's `compiled` hook (jax.jit on JAX).

    The first `n_tensors` parameters are tensors (those named in `sequences` may also be lists
    of tensors); the others are static Python values baked into the compiled program.
    """

    def decorate(fn):
        signature = inspect.signature(fn)
        names = list(signature.parameters)

        @functools.wraps(fn)
        def run(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            values = [bound.arguments[name] for name in names]
            tensors = [
                [to_tensor(v) for v in t]
                if name in sequences and isinstance(t, (list, tuple))
                else to_tensor(t)
                for name, t in zip(names, values[:n_tensors])
            ]
            static = dict(zip(names[n_tensors:], values[n_tensors:]))
            if "data_format" in static and static["data_format"] is None:
                static["data_format"] = config.image_data_format()
            return _k.compiled(fn, *tensors, **static)

        return run

    return decorate


def _data_format(data_format, op_name):
    data_format = config.image_data_format() if data_format is None else data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{op_name}: `data_format` must be 'channels_last' or 'channels_first'; "
            f"received {data_format!r}."
        )
    return data_format


def _check_image_rank(shape, op_name, arg="images", ranks=(3, 4)):
    if len(shape) not in ranks:
        raise ValueError(
            f"{op_name}: `{arg}` must be a {ranks[0]}D (single) or {ranks[1]}D (batched) tensor; "
            f"received shape {tuple(shape)}."
        )


def _spatial_shape(shape, data_format, n=2):
    """(batch prefix: () or (batch,), spatial dims, channels) of an image shape."""
    prefix = tuple(shape[:1]) if len(shape) == n + 2 else ()
    body = tuple(shape[len(prefix) :])
    if data_format == "channels_first":
        return prefix, body[1:], body[0]
    return prefix, body[:-1], body[-1]


def _image_shape(prefix, spatial, channels, data_format):
    """Inverse of `_spatial_shape`."""
    if data_format == "channels_first":
        return tuple(prefix) + (channels,) + tuple(spatial)
    return tuple(prefix) + tuple(spatial) + (channels,)


def _to_channels_last(x, data_format, n=2):
    """A 3D/4D (or 4D/5D for n=3) image -> (batched channels-last tensor, was_batched)."""
    batched = len(x.shape) == n + 2
    if not batched:
        x = x[None]
    if data_format == "channels_first":
        x = _k.transpose(x, (0,) + tuple(range(2, n + 2)) + (1,))
    return x, batched


def _from_channels_last(y, data_format, batched, n=2):
    if data_format == "channels_first":
        y = _k.transpose(y, (0, n + 1) + tuple(range(1, n + 1)))
    if not batched:
        y = y[0]
    return y


def _compute_dtype(dtype):
    """The float dtype an image of `dtype` is processed in (ints and bool -> floatx)."""
    if dtype in dtypes.FLOAT_TYPES:
        return dtype
    return config.floatx()


def _cast_back(y, dtype):
    """Casts a float result to the input's `dtype` (ints: rounded half away from zero, clipped)."""
    if dtypes.standardize_dtype(y.dtype) == dtype:
        return y
    if dtype in dtypes.INT_TYPES:
        info = np.iinfo(dtype)
        y = _k.clip(_k.round_half_away(y), float(info.min), float(info.max))
    return backend.cast(y, dtype)


def _same_dtype_spec(x, shape):
    return KerasTensor(tuple(shape), dtype=dtype_of(x))


def _pair(value, name, op_name):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (value, value)
    try:
        value = tuple(value)
    except TypeError:
        raise TypeError(f"{op_name}: `{name}` must be a number or a pair; received {value!r}.")
    if len(value) != 2:
        raise ValueError(f"{op_name}: `{name}` must be a pair; received {value!r}.")
    return value


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


def _apply_weights(x, matrices, axes):
    """Contracts each axis in `axes` of `x` with its (out, in) weight matrix."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    for matrix, axis in zip(matrices, axes):
        if matrix is None:
            continue
        ndim = len(x.shape)
        src = letters[:ndim]
        dst = src[:axis] + "Z" + src[axis + 1 :]
        w = to_tensor(matrix, dtypes.standardize_dtype(x.dtype))
        x = _k.einsum(f"Z{src[axis]},{src}->{dst}", w, x)
    return x


def _nearest_indices(in_size, out_size):
    pos = np.floor((np.arange(out_size) + 0.5) * (in_size / out_size)).astype("int64")
    return np.minimum(pos, in_size - 1)


# ---------------------------------------------------------------------------------------------
# resize
# ---------------------------------------------------------------------------------------------

_RESIZE_METHODS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area")


def _resize_args(images, size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio,
                 fill_mode, data_format):
    data_format = _data_format(data_format, "resize")
    _check_image_rank(rules.shape_of(images), "resize")
    if interpolation not in _RESIZE_METHODS:
        raise ValueError(
            f"resize: `interpolation` must be one of {_RESIZE_METHODS}; "
            f"received {interpolation!r}."
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


def _resize_spec(images, size, interpolation="bilinear", antialias=False,
                 crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, fill_mode="constant",
                 fill_value=0.0, data_format=None):
    size, data_format = _resize_args(images, size, interpolation, crop_to_aspect_ratio,
                                     pad_to_aspect_ratio, fill_mode, data_format)
    batch, _, channels = _spatial_shape(rules.shape_of(images), data_format)
    return _same_dtype_spec(images, _image_shape(batch, size, channels, data_format))


@op(spec=_resize_spec)
@_jit(1)
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
    size, data_format = _resize_args(images, size, interpolation, crop_to_aspect_ratio,
                                     pad_to_aspect_ratio, fill_mode, data_format)
    dtype = dtype_of(images)
    x, batched = _to_channels_last(images, data_format)
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
        return _from_channels_last(x, data_format, batched)
    method = "area" if interpolation == "area" else _METHOD_ALIASES[interpolation]
    matrices = [
        None if n == m else _weight_matrix(n, m, m / n, 0.0, method, antialias)
        for n, m in ((in_h, target_h), (in_w, target_w))
    ]
    x = backend.cast(x, _compute_dtype(dtype))
    y = _apply_weights(x, matrices, (1, 2))
    return _from_channels_last(_cast_back(y, dtype), data_format, batched)


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


def _scale_and_translate_spec(images, output_shape, scale, translation, spatial_dims, method,
                              antialias=True):
    output_shape, _ = _scale_and_translate_args(images, output_shape, spatial_dims, method)
    return KerasTensor(output_shape, dtype=float_dtype_of(images))


@op(spec=_scale_and_translate_spec)
def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):
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
    output_shape, spatial_dims = _scale_and_translate_args(images, output_shape, spatial_dims,
                                                           method)
    n = len(spatial_dims)
    scale = _static_vector(scale, n, "scale")
    translation = _static_vector(translation, n, "translation")
    x = backend.cast(images, float_dtype_of(images))
    matrices = [
        _weight_matrix(int(x.shape[d]), output_shape[d], s, t, _METHOD_ALIASES[method], antialias)
        for d, s, t in zip(spatial_dims, scale, translation)
    ]
    return _apply_weights(x, matrices, spatial_dims)


# ---------------------------------------------------------------------------------------------
# Colour conversions
# ---------------------------------------------------------------------------------------------


def _channel_axis(images, data_format):
    return -3 if data_format == "channels_first" else -1


def _check_rgb(images, data_format, op_name):
    data_format = _data_format(data_format, op_name)
    shape = rules.shape_of(images)
    _check_image_rank(shape, op_name)
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
    return _same_dtype_spec(images, shape)


@op(spec=_grayscale_spec)
@_jit(1)
def rgb_to_grayscale(images, data_format=None):
    """Luma 0.2989 R + 0.5870 G + 0.1140 B, keeping a channel axis of size 1.

    Integer images are rounded back to their dtype.
    """
    images = to_tensor(images)
    data_format = _check_rgb(images, data_format, "rgb_to_grayscale")
    dtype = dtype_of(images)
    x, batched = _to_channels_last(images, data_format)
    x = backend.cast(x, _compute_dtype(dtype))
    weights = to_tensor(np.array([[0.2989], [0.5870], [0.1140]]), _compute_dtype(dtype))
    y = _k.einsum("bhwc,cd->bhwd", x, weights)
    return _from_channels_last(_cast_back(y, dtype), data_format, batched)


def _hsv_spec(images, data_format=None, op_name="rgb_to_hsv"):
    _check_rgb(images, data_format, op_name)
    _check_float(images, op_name)
    return _same_dtype_spec(images, rules.shape_of(images))


def _channels(images, data_format, op_name):
    data_format = _check_rgb(images, data_format, op_name)
    _check_float(images, op_name)
    x, batched = _to_channels_last(to_tensor(images), data_format)
    return x, batched, data_format


@op(spec=lambda images, data_format=None: _hsv_spec(images, data_format, "rgb_to_hsv"))
@_jit(1)
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
    return _from_channels_last(y, data_format, batched)


@op(spec=lambda images, data_format=None: _hsv_spec(images, data_format, "hsv_to_rgb"))
@_jit(1)
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
    return _from_channels_last(y, data_format, batched)


# ---------------------------------------------------------------------------------------------
# crop_images / pad_images
# ---------------------------------------------------------------------------------------------


def _check_two_of_three(first, last, target, op_name, names):
    """Per axis, exactly two of (first, last, target) must be given."""
    if sum(v is not None for v in (first, last, target)) != 2:
        raise ValueError(
            f"{op_name}: give exactly two of `{names[0]}`, `{names[1]}` and `{names[2]}`; "
            f"received {names[0]}={first}, {names[1]}={last}, {names[2]}={target}."
        )


def _crop_pad_plan(images, a, b, c, d, target_h, target_w, data_format, op_name):
    data_format = _data_format(data_format, op_name)
    shape = rules.shape_of(images)
    _check_image_rank(shape, op_name)
    batch, (height, width), channels = _spatial_shape(shape, data_format)
    word = "cropping" if op_name == "crop_images" else "padding"
    plans = []
    for first, last, target, size, names in (
        (a, c, target_h, height, (f"top_{word}", f"bottom_{word}", "target_height")),
        (b, d, target_w, width, (f"left_{word}", f"right_{word}", "target_width")),
    ):
        _check_two_of_three(first, last, target, op_name, names)
        for value, name in ((first, names[0]), (last, names[1])):
            if value is not None and value < 0:
                raise ValueError(f"{op_name}: `{name}` must be >= 0; received {value}.")
        if target is not None and target <= 0:
            raise ValueError(f"{op_name}: `{names[2]}` must be > 0; received {target}.")
        if size is None:
            plans.append((first, last, target))
            continue
        sign = -1 if op_name == "crop_images" else 1
        if target is None:
            target = size + sign * (first + last)
        elif first is None:
            first = sign * (target - size) - last
        else:
            last = sign * (target - size) - first
        if first < 0 or last < 0 or target <= 0:
            raise ValueError(
                f"{op_name}: the {names} values {first}, {last}, {target} do not fit an image "
                f"dimension of size {size}."
            )
        plans.append((first, last, target))
    out_h, out_w = plans[0][2], plans[1][2]
    return data_format, plans, _image_shape(batch, (out_h, out_w), channels, data_format)


def _crop_spec(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
               right_cropping=None, target_height=None, target_width=None, data_format=None):
    _, _, shape = _crop_pad_plan(images, top_cropping, left_cropping, bottom_cropping,
                                 right_cropping, target_height, target_width, data_format,
                                 "crop_images")
    return _same_dtype_spec(images, shape)


@op(spec=_crop_spec)
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    """Crops images; per axis give two of (top/left cropping, bottom/right cropping, target)."""
    images = to_tensor(images)
    data_format, ((top, _, out_h), (left, _, out_w)), _ = _crop_pad_plan(
        images, top_cropping, left_cropping, bottom_cropping, right_cropping, target_height,
        target_width, data_format, "crop_images")
    x, batched = _to_channels_last(images, data_format)
    y = x[:, top : top + out_h, left : left + out_w, :]
    return _from_channels_last(y, data_format, batched)


def _pad_spec(images, top_padding=None, left_padding=None, bottom_padding=None,
              right_padding=None, target_height=None, target_width=None, data_format=None):
    _, _, shape = _crop_pad_plan(images, top_padding, left_padding, bottom_padding,
                                 right_padding, target_height, target_width, data_format,
                                 "pad_images")
    return _same_dtype_spec(images, shape)


@op(spec=_pad_spec)
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None,
               right_padding=None, target_height=None, target_width=None, data_format=None):
    """Zero-pads images; per axis give two of (top/left padding, bottom/right padding, target)."""
    images = to_tensor(images)
    data_format, ((top, bottom, _), (left, right, _)), _ = _crop_pad_plan(
        images, top_padding, left_padding, bottom_padding, right_padding, target_height,
        target_width, data_format, "pad_images")
    x, batched = _to_channels_last(images, data_format)
    y = _k.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), 0)
    return _from_channels_last(y, data_format, batched)


# ---------------------------------------------------------------------------------------------
# extract_patches / extract_patches_3d
# ---------------------------------------------------------------------------------------------


def _ntuple(value, n, name, op_name):
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * n
    try:
        value = tuple(int(v) for v in value)
    except TypeError:
        value = ()
    if len(value) != n or min(value) <= 0:
        raise ValueError(
            f"{op_name}: `{name}` must be a positive int or {n} positive ints; received {value!r}."
        )
    return value


def _patch_plan(shape, size, strides, dilation_rate, padding, data_format, n, op_name):
    data_format = _data_format(data_format, op_name)
    arg = "images" if n == 2 else "volumes"
    _check_image_rank(shape, op_name, arg, ranks=(n + 1, n + 2))
    size = _ntuple(size, n, "size", op_name)
    strides = size if strides is None else _ntuple(strides, n, "strides", op_name)
    dilation = _ntuple(dilation_rate, n, "dilation_rate", op_name)
    padding = padding.lower() if isinstance(padding, str) else padding
    if padding not in ("valid", "same"):
        raise ValueError(f"{op_name}: `padding` must be 'valid' or 'same'; received {padding!r}.")
    batch, spatial, channels = _spatial_shape(shape, data_format, n)
    out, pads = [], []
    for dim, k, s, d in zip(spatial, size, strides, dilation):
        span = (k - 1) * d + 1
        if dim is None:
            out.append(None)
            pads.append(None)
        elif padding == "same":
            count = -(-dim // s)
            total = max((count - 1) * s + span - dim, 0)
            out.append(count)
            pads.append((total // 2, total - total // 2))
        else:
            if dim < span:
                raise ValueError(
                    f"{op_name}: a patch spans {span} pixels but the input dimension is {dim}."
                )
            out.append((dim - span) // s + 1)
            pads.append((0, 0))
    depth = None if channels is None else math.prod(size) * channels
    out_shape = _image_shape(batch, out, depth, data_format)
    return data_format, size, strides, dilation, pads, out, out_shape


def _extract(x, size, strides, dilation, pads, out, n):
    """Patches of a batched channels-last tensor with n spatial dims."""
    if any(p != (0, 0) for p in pads):
        x = _k.pad(x, ((0, 0),) + tuple(pads) + ((0, 0),), 0)
    slices = []
    for offset in itertools.product(*(range(k) for k in size)):
        index = tuple(
            slice(o * d, o * d + (m - 1) * s + 1, s)
            for o, d, s, m in zip(offset, dilation, strides, out)
        )
        slices.append(x[(slice(None),) + index + (slice(None),)])
    y = _k.stack(slices, -2)
    return _k.reshape(y, (-1,) + tuple(out) + (math.prod(size) * int(x.shape[-1]),))


def _patches_spec(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None,
                  n=2, op_name="extract_patches"):
    plan = _patch_plan(rules.shape_of(images), size, strides, dilation_rate, padding, data_format,
                       n, op_name)
    return _same_dtype_spec(images, plan[-1])


def _patches(images, size, strides, dilation_rate, padding, data_format, n, op_name):
    images = to_tensor(images)
    data_format, size, strides, dilation, pads, out, _ = _patch_plan(
        tuple(images.shape), size, strides, dilation_rate, padding, data_format, n, op_name)
    x, batched = _to_channels_last(images, data_format, n)
    y = _extract(x, size, strides, dilation, pads, out, n)
    return _from_channels_last(y, data_format, batched, n)


@op(spec=_patches_spec)
@_jit(1)
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid",
                    data_format=None):
    """Extracts 2D patches; each patch is flattened in (row, column, channel) order.

    Args:
        images: 3D or 4D image tensor.
        size: patch (height, width), or one int for both.
        strides: step between patches; defaults to `size`.
        dilation_rate: spacing of the sampled pixels inside a patch.
        padding: "valid" or "same" (zeros, split as evenly as possible, extra after).
        data_format: "channels_last" or "channels_first".

    Returns:
        (batch, out_h, out_w, size_h * size_w * channels) for channels_last,
        (batch, size_h * size_w * channels, out_h, out_w) for channels_first.
    """
    return _patches(images, size, strides, dilation_rate, padding, data_format, 2,
                    "extract_patches")


@op(spec=lambda volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None:
    _patches_spec(volumes, size, strides, dilation_rate, padding, data_format, 3,
                  "extract_patches_3d"))
@_jit(1)
def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None):
    """Extracts 3D patches of 4D (one volume) or 5D (batched) inputs, like `extract_patches`."""
    return _patches(volumes, size, strides, dilation_rate, padding, data_format, 3,
                    "extract_patches_3d")


# ---------------------------------------------------------------------------------------------
# Point sampling: map_coordinates, affine_transform, perspective_transform
# ---------------------------------------------------------------------------------------------


def _check_fill_mode(fill_mode, op_name, modes=_FILL_MODES):
    if fill_mode not in modes:
        raise ValueError(f"{op_name}: `fill_mode` must be one of {modes}; received {fill_mode!r}.")


def _fix_index(index, size, fill_mode):
    """Maps whole-number float indices into [0, size) following `fill_mode`."""
    if fill_mode == "wrap":
        return index % float(size)
    if fill_mode == "mirror":
        if size == 1:
            return index * 0.0
        period = 2.0 * (size - 1)
        folded = index % period
        return (size - 1.0) - _k.abs(folded - (size - 1.0))
    if fill_mode == "reflect":
        period = 2.0 * size
        folded = index % period
        return _k.where(folded >= size, (period - 1.0) - folded, folded)
    return _k.clip(index, 0.0, size - 1.0)  # nearest; constant masks out-of-range separately


def _sample(flat, sizes, coords, order, fill_mode, fill_value, base=None):
    """Interpolates `flat` (prod(sizes) rows [times a batch], C columns) at `coords`.

    Args:
        flat: (M, C) float tensor, rows in C order over `sizes` (plus `base` offsets).
        sizes: the spatial sizes.
        coords: one float tensor per spatial dim, all of one shape S.
        order: 0 (nearest) or 1 (linear).
        fill_mode, fill_value: what lies outside the input.
        base: optional int32 tensor broadcastable to S added to the flat row index.

    Returns:
        An (S..., C) tensor.
    """
    strides = [math.prod(sizes[i + 1 :]) for i in range(len(sizes))]
    per_dim = []
    for c in coords:
        if order == 0:
            per_dim.append([(_k.floor(c + 0.5), None)])
        else:
            lower = _k.floor(c)
            frac = c - lower
            per_dim.append([(lower, 1.0 - frac), (lower + 1.0, frac)])
    shape = tuple(-1 if d is None else int(d) for d in coords[0].shape)
    columns = int(flat.shape[-1])
    dtype = dtypes.standardize_dtype(flat.dtype)
    fill = to_tensor(fill_value, dtype)
    result = None
    for corner in itertools.product(*per_dim):
        index = base
        valid = None
        weight = None
        for (position, w), size, stride in zip(corner, sizes, strides):
            fixed = backend.cast(_fix_index(position, size, fill_mode), "int32")
            term = fixed * stride if stride != 1 else fixed
            index = term if index is None else index + term
            if fill_mode == "constant":
                inside = (position >= 0.0) & (position <= size - 1.0)
                valid = inside if valid is None else valid & inside
            if w is not None:
                weight = w if weight is None else weight * w
        if len(tuple(index.shape)) != len(shape):
            index = index + backend.cast(coords[0] * 0.0, "int32")
        values = _k.reshape(_k.take(flat, _k.reshape(index, (-1,)), 0), shape + (columns,))
        if valid is not None:
            values = _k.where(valid[..., None], values, fill)
        if weight is not None:
            values = values * backend.cast(weight, dtype)[..., None]
        result = values if result is None else result + values
    return result


def _map_coordinates_spec(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    in_shape = rules.shape_of(inputs)
    if isinstance(coordinates, (list, tuple)) and any(
        isinstance(c, KerasTensor) for c in coordinates
    ):
        coord_shape = (len(coordinates),) + rules.shape_of(coordinates[0])
    else:
        coord_shape = rules.shape_of(coordinates)
    _map_coordinates_args(in_shape, coord_shape, order, fill_mode)
    return _same_dtype_spec(inputs, coord_shape[1:])


def _map_coordinates_args(in_shape, coord_shape, order, fill_mode):
    if order not in (0, 1):
        raise ValueError(f"map_coordinates: `order` must be 0 or 1; received {order!r}.")
    _check_fill_mode(fill_mode, "map_coordinates")
    if not coord_shape or coord_shape[0] != len(in_shape):
        raise ValueError(
            "map_coordinates: `coordinates` must have one row per input dimension "
            f"({len(in_shape)}); received coordinates of shape {tuple(coord_shape)}."
        )


@op(spec=_map_coordinates_spec)
@_jit(2, sequences=("coordinates",))
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Samples `inputs` at `coordinates` (one row per input dim) by nearest/linear interpolation.

    Like `scipy.ndimage.map_coordinates` with order 0 or 1; outside the input, "constant"
    uses `fill_value` for each out-of-range neighbour, "nearest" repeats the edge, "wrap" is
    periodic, "mirror" reflects about the edge pixels' centres, "reflect" about their edges.

    Returns:
        A tensor of shape `coordinates.shape[1:]` in the input's dtype.
    """
    inputs = to_tensor(inputs)
    if isinstance(coordinates, (list, tuple)):
        coordinates = [to_tensor(c) for c in coordinates]
        coord_shape = (len(coordinates),) + tuple(coordinates[0].shape)
    else:
        coordinates = to_tensor(coordinates)
        coord_shape = tuple(coordinates.shape)
    in_shape = tuple(int(d) for d in inputs.shape)
    _map_coordinates_args(in_shape, coord_shape, order, fill_mode)
    dtype = dtype_of(inputs)
    compute = _compute_dtype(dtype)
    coords = [backend.cast(coordinates[i], compute) for i in range(len(in_shape))]
    flat = _k.reshape(backend.cast(inputs, compute), (-1, 1))
    y = _sample(flat, in_shape, coords, order, fill_mode, fill_value)[..., 0]
    return _cast_back(y, dtype)


_INTERPOLATION_ORDER = {"nearest": 0, "bilinear": 1}


def _transform_args(images, transform, interpolation, fill_mode, data_format, op_name):
    data_format = _data_format(data_format, op_name)
    shape = rules.shape_of(images)
    _check_image_rank(shape, op_name)
    if interpolation not in _INTERPOLATION_ORDER:
        raise ValueError(
            f"{op_name}: `interpolation` must be 'nearest' or 'bilinear'; "
            f"received {interpolation!r}."
        )
    _check_fill_mode(fill_mode, op_name)
    t_shape = rules.shape_of(transform)
    if len(t_shape) not in (1, 2) or t_shape[-1] != 8:
        raise ValueError(
            f"{op_name}: `transform` must have shape (8,) or (batch, 8); received {t_shape}."
        )
    if len(shape) == 3 and len(t_shape) == 2 and t_shape[0] not in (1, None):
        raise ValueError(
            f"{op_name}: a batch of {t_shape[0]} transforms was given for a single image."
        )
    return data_format


def _affine_spec(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                 data_format=None):
    _transform_args(images, transform, interpolation, fill_mode, data_format, "affine_transform")
    return _same_dtype_spec(images, rules.shape_of(images))


def _apply_projective(images, transform, interpolation, fill_mode, fill_value, data_format):
    """Projective warp of images by 8-parameter transforms mapping output -> input points."""
    dtype = dtype_of(images)
    compute = _compute_dtype(dtype)
    x, batched = _to_channels_last(images, data_format)
    height, width, channels = (int(d) for d in x.shape[1:])
    transform = backend.cast(transform, compute)
    if len(tuple(transform.shape)) == 1:
        transform = transform[None]
    batch = x.shape[0]
    t_batch = transform.shape[0]
    if t_batch is not None and batch is not None and int(t_batch) not in (1, int(batch)):
        raise ValueError(
            f"affine_transform: {int(t_batch)} transforms were given for {int(batch)} images."
        )
    rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    cols = to_tensor(cols[None], compute)
    rows = to_tensor(rows[None], compute)
    a0, a1, a2, b0, b1, b2, c0, c1 = (transform[:, i, None, None] for i in range(8))
    k = c0 * cols + c1 * rows + 1.0
    in_cols = (a0 * cols + a1 * rows + a2) / k
    in_rows = (b0 * cols + b1 * rows + b2) / k
    base = _k.batch_offsets(x, height * width)  # (batch, 1, 1) int32: first row of each image
    broadcast = backend.cast(base, compute) * 0.0
    in_cols, in_rows = in_cols + broadcast, in_rows + broadcast
    flat = _k.reshape(backend.cast(x, compute), (-1, channels))
    y = _sample(flat, (height, width), [in_rows, in_cols], _INTERPOLATION_ORDER[interpolation],
                fill_mode, fill_value, base)
    return _from_channels_last(_cast_back(y, dtype), data_format, batched)


@op(spec=_affine_spec)
@_jit(2)
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """Warps images by projective transforms [a0, a1, a2, b0, b1, b2, c0, c1].

    The output pixel (x=column, y=row) takes the input at
    ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1.

    Args:
        images: 3D or 4D image tensor.
        transform: (8,) or (batch, 8).
        interpolation: "nearest" or "bilinear".
        fill_mode: "constant", "nearest", "wrap", "mirror" or "reflect" (as map_coordinates).
        fill_value: the value outside the input for "constant".
        data_format: "channels_last" or "channels_first".
    """
    images = to_tensor(images)
    transform = to_tensor(transform)
    data_format = _transform_args(images, transform, interpolation, fill_mode, data_format,
                                  "affine_transform")
    return _apply_projective(images, transform, interpolation, fill_mode, fill_value, data_format)


def _points_args(images, start_points, end_points, interpolation, data_format):
    data_format = _data_format(data_format, "perspective_transform")
    shape = rules.shape_of(images)
    _check_image_rank(shape, "perspective_transform")
    if interpolation not in _INTERPOLATION_ORDER:
        raise ValueError(
            "perspective_transform: `interpolation` must be 'nearest' or 'bilinear'; "
            f"received {interpolation!r}."
        )
    for name, points in (("start_points", start_points), ("end_points", end_points)):
        p_shape = rules.shape_of(points)
        if len(p_shape) not in (2, 3) or tuple(p_shape[-2:]) != (4, 2):
            raise ValueError(
                f"perspective_transform: `{name}` must have shape (4, 2) or (batch, 4, 2); "
                f"received {p_shape}."
            )
    return data_format


def _perspective_spec(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                      data_format=None):
    _points_args(images, start_points, end_points, interpolation, data_format)
    return _same_dtype_spec(images, rules.shape_of(images))


def _homography(start_points, end_points, dtype):
    """The 8 projective parameters mapping each end point (x, y) to its start point."""
    start = backend.cast(start_points, dtype)
    end = backend.cast(end_points, dtype)
    if len(tuple(start.shape)) == 2:
        start = _k.reshape(start, (1, 4, 2))
    if len(tuple(end.shape)) == 2:
        end = _k.reshape(end, (1, 4, 2))
    if int(start.shape[0]) != int(end.shape[0]):
        zeros = to_tensor(np.zeros((max(int(start.shape[0]), int(end.shape[0])), 1, 1)), dtype)
        start, end = start + zeros, end + zeros
    xe, ye, xs, ys = end[..., 0], end[..., 1], start[..., 0], start[..., 1]
    one, zero = xe * 0.0 + 1.0, xe * 0.0
    rows_x = _k.stack([xe, ye, one, zero, zero, zero, -xe * xs, -ye * xs], -1)
    rows_y = _k.stack([zero, zero, zero, xe, ye, one, -xe * ys, -ye * ys], -1)
    matrix = _k.concatenate([rows_x, rows_y], 1)  # (batch, 8, 8)
    rhs = _k.concatenate([xs, ys], 1)[..., None]  # (batch, 8, 1)
    return _k.solve(matrix, rhs)[..., 0]


@op(spec=_perspective_spec)
@_jit(3)
def perspective_transform(images, start_points, end_points, interpolation="bilinear",
                          fill_value=0, data_format=None):
    """Warps images so the four `start_points` (x, y) land on `end_points`.

    Args:
        images: 3D or 4D image tensor.
        start_points, end_points: (4, 2) or (batch, 4, 2) corner points, (x, y) each.
        interpolation: "nearest" or "bilinear".
        fill_value: the value outside the input.
        data_format: "channels_last" or "channels_first".
    """
    images = to_tensor(images)
    data_format = _points_args(images, start_points, end_points, interpolation, data_format)
    compute = _compute_dtype(dtype_of(images))
    transform = _homography(to_tensor(start_points), to_tensor(end_points), compute)
    return _apply_projective(images, transform, interpolation, "constant", fill_value,
                             data_format)


# ---------------------------------------------------------------------------------------------
# Filters: gaussian_blur, sobel_edges, ssim
# ---------------------------------------------------------------------------------------------


def _gaussian_kernel(size, sigma):
    offsets = np.arange(size, dtype="float64") - (size - 1) / 2.0
    weights = np.exp(-(offsets**2) / (2.0 * float(sigma) ** 2))
    return weights / np.sum(weights)


def _filter_matrix(size, taps, pads=(0, 0), mode="constant"):
    """(out, size) matrix M such that M @ v correlates v with `taps` after padding it.

    `pads` = (before, after); "constant" pads with zeros, "reflect" mirrors about the edge
    pixels (NumPy's "reflect").
    """
    before, after = pads
    out = size + before + after - len(taps) + 1
    rows, offsets = np.meshgrid(np.arange(out), np.arange(len(taps)), indexing="ij")
    cols = rows + offsets - before
    weights = np.broadcast_to(np.asarray(taps, "float64"), cols.shape)
    if mode == "reflect":
        period = 2 * (size - 1)
        cols = np.abs((cols + period) % period) if period else np.zeros_like(cols)
        cols = np.where(cols >= size, period - cols, cols)
        keep = np.ones(cols.shape, bool)
    else:
        keep = (cols >= 0) & (cols < size)
    matrix = np.zeros((out, size))
    np.add.at(matrix, (rows[keep], cols[keep]), weights[keep])
    return matrix


def _correlate_axis(x, taps, axis, pads=(0, 0), mode="constant"):
    """Correlates float `x` along `axis` with the 1D `taps` (one contraction with a band matrix)."""
    return _apply_weights(x, [_filter_matrix(int(x.shape[axis]), taps, pads, mode)], [axis])


def _blur(x, kernel_size, sigma):
    """Zero-padded "same" Gaussian blur of a batched channels-last tensor."""
    for axis, k, s in ((1, kernel_size[0], sigma[0]), (2, kernel_size[1], sigma[1])):
        x = _correlate_axis(x, _gaussian_kernel(k, s), axis, ((k - 1) // 2, k - 1 - (k - 1) // 2))
    return x


def _blur_args(images, kernel_size, sigma, data_format):
    data_format = _data_format(data_format, "gaussian_blur")
    _check_image_rank(rules.shape_of(images), "gaussian_blur")
    kernel_size = _pair(kernel_size, "kernel_size", "gaussian_blur")
    sigma = _pair(sigma, "sigma", "gaussian_blur")
    if any(not isinstance(k, int) or k <= 0 for k in kernel_size):
        raise ValueError(
            f"gaussian_blur: `kernel_size` must be positive ints; received {kernel_size!r}."
        )
    if any(float(s) <= 0 for s in sigma):
        raise ValueError(f"gaussian_blur: `sigma` must be positive; received {sigma!r}.")
    return data_format, kernel_size, sigma


def _blur_spec(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    _blur_args(images, kernel_size, sigma, data_format)
    return _same_dtype_spec(images, rules.shape_of(images))


@op(spec=_blur_spec)
@_jit(1)
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blurs each channel with a normalised Gaussian kernel ("same" size, zero padding).

    Args:
        images: 3D or 4D image tensor.
        kernel_size: (height, width) of the kernel (or one int).
        sigma: (vertical, horizontal) standard deviations (or one number).
        data_format: "channels_last" or "channels_first".
    """
    images = to_tensor(images)
    data_format, kernel_size, sigma = _blur_args(images, kernel_size, sigma, data_format)
    dtype = dtype_of(images)
    x, batched = _to_channels_last(images, data_format)
    y = _blur(backend.cast(x, _compute_dtype(dtype)), kernel_size, sigma)
    return _from_channels_last(_cast_back(y, dtype), data_format, batched)


def _sobel_spec(images, data_format=None):
    data_format = _data_format(data_format, "sobel_edges")
    shape = rules.shape_of(images)
    _check_image_rank(shape, "sobel_edges")
    return KerasTensor(tuple(shape) + (2,), dtype=float_dtype_of(images))


@op(spec=_sobel_spec)
@_jit(1)
def sobel_edges(images, data_format=None):
    """Sobel gradients [dy, dx] of each channel (reflect padding), stacked on a new last axis.

    Returns:
        The input's shape plus a trailing axis of 2, in a float dtype.
    """
    images = to_tensor(images)
    data_format = _data_format(data_format, "sobel_edges")
    _check_image_rank(tuple(images.shape), "sobel_edges")
    x, batched = _to_channels_last(images, data_format)
    if min(int(x.shape[1]), int(x.shape[2])) < 2:
        raise ValueError(
            f"sobel_edges: images must be at least 2x2; received shape {tuple(images.shape)}."
        )
    x = backend.cast(x, float_dtype_of(images))
    smooth, diff, pads = (1.0, 2.0, 1.0), (-1.0, 0.0, 1.0), (1, 1)
    dy = _correlate_axis(_correlate_axis(x, diff, 1, pads, "reflect"), smooth, 2, pads, "reflect")
    dx = _correlate_axis(_correlate_axis(x, smooth, 1, pads, "reflect"), diff, 2, pads, "reflect")
    dy = _from_channels_last(dy, data_format, batched)
    dx = _from_channels_last(dx, data_format, batched)
    return _k.stack([dy, dx], -1)


def _ssim_args(image1, image2, filter_size, data_format):
    data_format = _data_format(data_format, "ssim")
    shape1, shape2 = rules.shape_of(image1), rules.shape_of(image2)
    _check_image_rank(shape1, "ssim", "image1")
    if len(shape1) != len(shape2) or any(
        a is not None and b is not None and a != b for a, b in zip(shape1, shape2)
    ):
        raise ValueError(
            f"ssim: `image1` and `image2` must have the same shape; received {shape1} and "
            f"{shape2}."
        )
    if not isinstance(filter_size, int) or filter_size <= 0 or filter_size % 2 == 0:
        raise ValueError(
            f"ssim: `filter_size` must be a positive odd int; received {filter_size!r}."
        )
    _, spatial, _ = _spatial_shape(shape1, data_format)
    if any(d is not None and d < filter_size for d in spatial):
        raise ValueError(
            f"ssim: images must be at least filter_size={filter_size} pixels on each side; "
            f"received shape {shape1}."
        )
    return data_format


def _ssim_spec(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
               data_format=None):
    _ssim_args(image1, image2, filter_size, data_format)
    shape = rules.shape_of(image1)
    return KerasTensor(shape[:1] if len(shape) == 4 else (), dtype=float_dtype_of(image1, image2))


@op(spec=_ssim_spec)
@_jit(2)
def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         data_format=None):
    """Structural similarity of two images (Wang et al. 2004), averaged over each image.

    Local statistics use a `filter_size` Gaussian window of `filter_sigma`, valid positions
    only; c1 = (k1 max_val)^2, c2 = (k2 max_val)^2.

    Returns:
        One value per image: shape (batch,) for 4D inputs, a scalar for 3D inputs.
    """
    image1, image2 = to_tensor(image1), to_tensor(image2)
    data_format = _ssim_args(image1, image2, filter_size, data_format)
    dtype = float_dtype_of(image1, image2)
    x, batched = _to_channels_last(backend.cast(image1, dtype), data_format)
    y, _ = _to_channels_last(backend.cast(image2, dtype), data_format)
    taps = _gaussian_kernel(filter_size, filter_sigma)

    def window(t):
        return _correlate_axis(_correlate_axis(t, taps, 1), taps, 2)

    mu_x, mu_y = window(x), window(y)
    var_x = window(x * x) - mu_x * mu_x
    var_y = window(y * y) - mu_y * mu_y
    cov = window(x * y) - mu_x * mu_y
    c1 = (float(k1) * float(max_val)) ** 2
    c2 = (float(k2) * float(max_val)) ** 2
    luminance = (2.0 * mu_x * mu_y + c1) / (mu_x * mu_x + mu_y * mu_y + c1)
    structure = (2.0 * cov + c2) / (var_x + var_y + c2)
    value = backend.cast(_k.reduce_mean(luminance * structure, (1, 2, 3)), dtype)
    return value if batched else value[0]


# ---------------------------------------------------------------------------------------------
# elastic_transform
# ---------------------------------------------------------------------------------------------


def _elastic_args(images, interpolation, fill_mode, data_format):
    data_format = _data_format(data_format, "elastic_transform")
    _check_image_rank(rules.shape_of(images), "elastic_transform")
    if interpolation not in _INTERPOLATION_ORDER:
        raise ValueError(
            "elastic_transform: `interpolation` must be 'nearest' or 'bilinear'; "
            f"received {interpolation!r}."
        )
    _check_fill_mode(fill_mode, "elastic_transform")
    return data_format


def _elastic_spec(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
                  fill_value=0.0, seed=None, data_format=None):
    _elastic_args(images, interpolation, fill_mode, data_format)
    return _same_dtype_spec(images, rules.shape_of(images))


@op(spec=_elastic_spec)
def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear",
                      fill_mode="reflect", fill_value=0.0, seed=None, data_format=None):
    """Elastic deformation (Simard et al. 2003): a random displacement field.

    Uniform noise in [-1, 1] per pixel and direction, smoothed by a Gaussian of `sigma`
    (kernel size `2 * int(3 * sigma) + 1`), scaled by `alpha`, shifts where each output pixel
    samples the input (one field per image, shared by its channels).

    Args:
        images: 3D or 4D image tensor.
        alpha: displacement scale, in pixels.
        sigma: smoothness of the field.
        interpolation: "nearest" or "bilinear".
        fill_mode, fill_value: outside the input, as for `map_coordinates`.
        seed: None, an int or a SeedGenerator.
        data_format: "channels_last" or "channels_first".
    """
    from cornu import random

    images = to_tensor(images)
    data_format = _elastic_args(images, interpolation, fill_mode, data_format)
    prefix, (height, width), _ = _spatial_shape(tuple(images.shape), data_format)
    batch = int(prefix[0]) if prefix else 1
    compute = _compute_dtype(dtype_of(images))
    noise = random.uniform((batch, height, width, 2), -1.0, 1.0, dtype=compute, seed=seed)
    return _elastic_warp(images, noise, float(alpha), float(sigma), interpolation, fill_mode,
                         fill_value, data_format)


@_jit(2)
def _elastic_warp(images, noise, alpha, sigma, interpolation, fill_mode, fill_value, data_format):
    """Smooths and scales the (batch, height, width, 2) `noise` and resamples `images` by it."""
    dtype = dtype_of(images)
    compute = _compute_dtype(dtype)
    x, batched = _to_channels_last(images, data_format)
    height, width, channels = (int(d) for d in x.shape[1:])
    size = 2 * int(3 * sigma) + 1
    field = _blur(noise, (size, size), (sigma, sigma)) * alpha
    rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    in_rows = to_tensor(rows[None], compute) + field[..., 0]
    in_cols = to_tensor(cols[None], compute) + field[..., 1]
    base = _k.batch_offsets(x, height * width)
    flat = _k.reshape(backend.cast(x, compute), (-1, channels))
    y = _sample(flat, (height, width), [in_rows, in_cols], _INTERPOLATION_ORDER[interpolation],
                fill_mode, fill_value, base)
    return _from_channels_last(_cast_back(y, dtype), data_format, batched)
