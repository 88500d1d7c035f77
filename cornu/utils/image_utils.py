"""Image files and arrays: `load_img`, `save_img`, `img_to_array`, `array_to_img` (over
Pillow, imported when first used) and `smart_resize`.

Example:

>>> img = array_to_img(np.zeros((4, 6, 3)))
>>> img_to_array(img).shape
(4, 6, 3)
"""

import os
import pathlib
import warnings

import numpy as np

from cornu import backend, config
from cornu.ops import image as image_ops  # may be mid-import (ops -> graph -> utils)
from cornu.utils import image_resize

_COLOR_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}
# Modes that already are one channel of integers: kept as they are for "grayscale".
_GRAY_MODES = ("L", "I;16", "I")
_PIL_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def pil_image():
    """The `PIL.Image` module, or an ImportError saying how to install it."""
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError(
            "Reading and writing images needs Pillow, which is not installed. "
            "Install it with `pip install pillow`."
        ) from error
    return Image


def standardize_data_format(data_format):
    data_format = config.image_data_format() if data_format is None else data_format
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    return data_format


def load_img(
    path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False
):
    """Loads an image file into a PIL image.

    Args:
        path: a path (str or `pathlib.Path`) or a binary file object.
        color_mode: "grayscale", "rgb" or "rgba": the mode of the returned image.
        target_size: None (the file's size) or `(height, width)`.
        interpolation: how to resample to `target_size`: "nearest", "bilinear", "bicubic",
            "hamming", "box" or "lanczos".
        keep_aspect_ratio: crop the largest centred window with the aspect ratio of
            `target_size` before resizing, instead of stretching.

    Returns:
        A PIL image.

    Example:

    >>> import io
    >>> buffer = io.BytesIO()
    >>> array_to_img(np.zeros((4, 6, 3))).save(buffer, format="png")
    >>> load_img(buffer, color_mode="grayscale", target_size=(2, 3)).size
    (3, 2)
    """
    if color_mode not in _COLOR_MODES:
        raise ValueError(
            f'color_mode must be "grayscale", "rgb", or "rgba". Received: color_mode={color_mode!r}'
        )
    img = _open(path)
    img = _convert(img, color_mode)
    if target_size is not None:
        img = _fit(img, target_size, interpolation, keep_aspect_ratio)
    return img


def _open(path):
    image = pil_image()
    if isinstance(path, (str, pathlib.Path, os.PathLike)):
        with open(path, "rb") as f:
            img = image.open(f)
            img.load()  # read now: the file closes on leaving the block
            return img
    if hasattr(path, "read"):
        return image.open(path)
    raise TypeError(
        f"load_img: `path` should be a path (str or pathlib.Path) or a binary file object. "
        f"Received: path={path!r} of type {type(path).__name__}"
    )


def _convert(img, color_mode):
    if color_mode == "grayscale":
        return img if img.mode in _GRAY_MODES else img.convert("L")
    mode = _COLOR_MODES[color_mode]
    return img if img.mode == mode else img.convert(mode)


def _fit(img, target_size, interpolation, keep_aspect_ratio):
    width_height = (int(target_size[1]), int(target_size[0]))
    if img.size == width_height:
        return img
    if interpolation not in _PIL_INTERPOLATIONS:
        raise ValueError(
            f"Invalid interpolation method {interpolation!r}: load_img supports "
            f"{', '.join(_PIL_INTERPOLATIONS)}."
        )
    resample = getattr(pil_image().Resampling, interpolation.upper())
    if keep_aspect_ratio:
        width, height = img.size
        # PIL sizes are (width, height); the crop window is found in (height, width).
        top, left, h, w = image_resize.crop_box(height, width, target_size[0], target_size[1])
        img = img.crop((left, top, left + w, top + h))
    return img.resize(width_height, resample)


def img_to_array(img, data_format=None, dtype=None):
    """Converts a PIL image to a NumPy array of rank 3.

    Args:
        img: a PIL image (or anything `np.asarray` reads as (H, W) or (H, W, C)).
        data_format: "channels_last" (H, W, C) or "channels_first" (C, H, W); default
            `cornu.config.image_data_format()`.
        dtype: the array's dtype; default `cornu.config.floatx()`.

    Returns:
        A NumPy array.

    Example:

    >>> img_to_array(array_to_img(np.zeros((4, 6, 1))), data_format="channels_first").shape
    (1, 4, 6)
    """
    data_format = standardize_data_format(data_format)
    x = np.asarray(img, dtype=dtype or config.floatx())
    if x.ndim == 2:
        x = x[None] if data_format == "channels_first" else x[..., None]
    elif x.ndim == 3:
        x = x.transpose(2, 0, 1) if data_format == "channels_first" else x
    else:
        raise ValueError(
            f"Unsupported image shape: {x.shape}. img_to_array expects an image of rank 2 "
            "(grayscale) or 3 (with channels)."
        )
    return x


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """Converts an array of rank 3 to a PIL image.

    Args:
        x: an array (H, W, C) or (C, H, W) with 1, 3 or 4 channels.
        data_format: the layout of `x`; default `cornu.config.image_data_format()`.
        scale: rescale the values to [0, 255] (minimum to 0, maximum to 255).
        dtype: the dtype `x` is read as; default `cornu.config.floatx()`.

    Returns:
        A PIL image: "RGB", "RGBA", "L", or "I" for one channel of values above 255.

    Example:

    >>> array_to_img(np.zeros((4, 6, 3))).size
    (6, 4)
    """
    data_format = standardize_data_format(data_format)
    if backend.is_tensor(x):
        x = backend.convert_to_numpy(x)
    x = np.array(x, dtype=dtype or config.floatx())
    if x.ndim != 3:
        raise ValueError(
            f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}"
        )
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = _scaled_to_255(x)
    return _pil_from_array(x)


def _scaled_to_255(x):
    x = x - np.min(x)
    top = np.max(x)
    return x / top * 255 if top != 0 else x


def _pil_from_array(x):
    image = pil_image()
    channels = x.shape[2]
    if channels == 4:
        return image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        # Values above 255 do not fit "L": keep them as 32-bit integers (mode "I").
        if np.max(x) > 255:
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(
        f"Unsupported channel number: {channels}. array_to_img takes 1 (grayscale), "
        "3 (RGB) or 4 (RGBA) channels."
    )


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves an array of rank 3 as an image file.

    Args:
        path: a path or a binary file object.
        x: the image array (see `array_to_img`).
        data_format: the layout of `x`; default `cornu.config.image_data_format()`.
        file_format: "png", "jpeg", ...; default: from `path`'s extension.
        scale: rescale the values to [0, 255] first.
        **kwargs: passed to `PIL.Image.save` (e.g. `quality=90`).

    Example:

    >>> import io
    >>> save_img(io.BytesIO(), np.zeros((4, 6, 3)), file_format="png")
    """
    img = array_to_img(x, data_format=data_format, scale=scale)
    if file_format is None and isinstance(path, (str, os.PathLike)):
        file_format = pathlib.Path(path).suffix[1:].lower() or None
    # Pillow knows JPEG only by that name.
    file_format = "jpeg" if file_format and file_format.lower() == "jpg" else file_format
    if img.mode == "RGBA" and file_format and file_format.lower() == "jpeg":
        warnings.warn(
            "The JPEG format does not support RGBA images, converting to RGB.", stacklevel=2
        )
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last", **kwargs):
    """Resizes images to `size` without distorting them: the largest centred window with the
    target's aspect ratio is cropped first, then resized.

    Args:
        x: an image (H, W, C) or a batch (N, H, W, C) (channels first with
            `data_format="channels_first"`): a NumPy array or a backend tensor.
        size: `(height, width)`.
        interpolation: "bilinear", "nearest", "bicubic", "area", "lanczos3" or "lanczos5".
        data_format: "channels_last" or "channels_first".
        **kwargs: ignored (Keras's `backend_module`).

    Returns:
        The resized images: a float32 NumPy array for NumPy input, else a backend tensor.

    Example:

    >>> smart_resize(np.ones((6, 5, 3)), (3, 4)).shape
    (3, 4, 3)
    """
    del kwargs
    data_format = standardize_data_format(data_format)
    size = _checked_size(size)
    ndim = len(getattr(x, "shape", np.shape(x)))
    if ndim not in (3, 4):
        raise ValueError(
            "Expected an image array with shape `(height, width, channels)`, or "
            "`(batch_size, height, width, channels)`, but got input with incorrect rank, of "
            f"shape {tuple(getattr(x, 'shape', np.shape(x)))}."
        )
    # NumPy in, NumPy out (the numpy backend's tensors are ndarrays too).
    if backend.is_tensor(x) and not isinstance(x, np.ndarray):
        return image_ops.resize(
            x, size, interpolation=interpolation, crop_to_aspect_ratio=True, data_format=data_format
        )
    return _smart_resize_numpy(np.asarray(x), size, interpolation, data_format)


def _checked_size(size):
    try:
        size = tuple(int(s) for s in size)
    except TypeError:
        size = ()
    if len(size) != 2:
        raise ValueError(
            f"smart_resize: `size` must be a tuple of 2 integers (height, width). "
            f"Received: size={size}"
        )
    return size


def _smart_resize_numpy(x, size, interpolation, data_format):
    if data_format == "channels_first":
        x = np.moveaxis(x, -3, -1)
    y = image_resize.resize_image(x, size, interpolation, crop_to_aspect_ratio=True)
    return np.moveaxis(y, -1, -3) if data_format == "channels_first" else y
