"""Filters of `cornu.ops.image`: gaussian_blur, sobel_edges and ssim."""

from cornu import backend
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, float_dtype_of, kernels, op, to_tensor
from cornu.ops.image import _image_common as common

_k = kernels()

__all__ = [
    "gaussian_blur",
    "sobel_edges",
    "ssim",
]


def _pair(value, name, op_name):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (value, value)
    try:
        value = tuple(value)
    except TypeError:
        raise TypeError(
            f"{op_name}: `{name}` must be a number or a pair; received {value!r}."
        ) from None
    if len(value) != 2:
        raise ValueError(f"{op_name}: `{name}` must be a pair; received {value!r}.")
    return value


def _blur_args(images, kernel_size, sigma, data_format):
    data_format = common.checked_data_format(data_format, "gaussian_blur")
    common.check_image_rank(rules.shape_of(images), "gaussian_blur")
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
    return common.same_dtype_spec(images, rules.shape_of(images))


@op(spec=_blur_spec)
@common.jit(1)
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
    x, batched = common.to_channels_last(images, data_format)
    y = common.blur(backend.cast(x, common.compute_dtype(dtype)), kernel_size, sigma)
    return common.from_channels_last(common.cast_back(y, dtype), data_format, batched)


def _sobel_spec(images, data_format=None):
    data_format = common.checked_data_format(data_format, "sobel_edges")
    shape = rules.shape_of(images)
    common.check_image_rank(shape, "sobel_edges")
    return KerasTensor(tuple(shape) + (2,), dtype=float_dtype_of(images))


@op(spec=_sobel_spec)
@common.jit(1)
def sobel_edges(images, data_format=None):
    """Sobel gradients [dy, dx] of each channel (reflect padding), stacked on a new last axis.

    Returns:
        The input's shape plus a trailing axis of 2, in a float dtype.
    """
    images = to_tensor(images)
    data_format = common.checked_data_format(data_format, "sobel_edges")
    common.check_image_rank(tuple(images.shape), "sobel_edges")
    x, batched = common.to_channels_last(images, data_format)
    if min(int(x.shape[1]), int(x.shape[2])) < 2:
        raise ValueError(
            f"sobel_edges: images must be at least 2x2; received shape {tuple(images.shape)}."
        )
    x = backend.cast(x, float_dtype_of(images))
    smooth, diff, pads = (1.0, 2.0, 1.0), (-1.0, 0.0, 1.0), (1, 1)
    dy = common.correlate_axis(
        common.correlate_axis(x, diff, 1, pads, "reflect"), smooth, 2, pads, "reflect"
    )
    dx = common.correlate_axis(
        common.correlate_axis(x, smooth, 1, pads, "reflect"), diff, 2, pads, "reflect"
    )
    dy = common.from_channels_last(dy, data_format, batched)
    dx = common.from_channels_last(dx, data_format, batched)
    return _k.stack([dy, dx], -1)


def _ssim_args(image1, image2, filter_size, data_format):
    data_format = common.checked_data_format(data_format, "ssim")
    shape1, shape2 = rules.shape_of(image1), rules.shape_of(image2)
    common.check_image_rank(shape1, "ssim", "image1")
    if len(shape1) != len(shape2) or any(
        a is not None and b is not None and a != b for a, b in zip(shape1, shape2)
    ):
        raise ValueError(
            f"ssim: `image1` and `image2` must have the same shape; received {shape1} and {shape2}."
        )
    if not isinstance(filter_size, int) or filter_size <= 0 or filter_size % 2 == 0:
        raise ValueError(
            f"ssim: `filter_size` must be a positive odd int; received {filter_size!r}."
        )
    _, spatial, _ = common.spatial_shape(shape1, data_format)
    if any(d is not None and d < filter_size for d in spatial):
        raise ValueError(
            f"ssim: images must be at least filter_size={filter_size} pixels on each side; "
            f"received shape {shape1}."
        )
    return data_format


def _ssim_spec(*args, **kwargs):
    a = rules.bound_arguments(ssim, args, kwargs)
    image1, image2 = a["image1"], a["image2"]
    _ssim_args(image1, image2, a["filter_size"], a["data_format"])
    shape = rules.shape_of(image1)
    return KerasTensor(shape[:1] if len(shape) == 4 else (), dtype=float_dtype_of(image1, image2))


@op(spec=_ssim_spec)
@common.jit(2)
def ssim(
    image1,
    image2,
    max_val=1.0,
    filter_size=11,
    filter_sigma=1.5,
    k1=0.01,
    k2=0.03,
    data_format=None,
):
    """Structural similarity of two images (Wang et al. 2004), averaged over each image.

    Local statistics use a `filter_size` Gaussian window of `filter_sigma`, valid positions
    only; c1 = (k1 max_val)^2, c2 = (k2 max_val)^2.

    Returns:
        One value per image: shape (batch,) for 4D inputs, a scalar for 3D inputs.
    """
    image1, image2 = to_tensor(image1), to_tensor(image2)
    data_format = _ssim_args(image1, image2, filter_size, data_format)
    dtype = float_dtype_of(image1, image2)
    x, batched = common.to_channels_last(backend.cast(image1, dtype), data_format)
    y, _ = common.to_channels_last(backend.cast(image2, dtype), data_format)
    taps = common.gaussian_kernel(filter_size, filter_sigma)

    def window(t):
        return common.correlate_axis(common.correlate_axis(t, taps, 1), taps, 2)

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
