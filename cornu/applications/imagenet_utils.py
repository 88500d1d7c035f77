"""ImageNet input scaling (`preprocess_input`) and label lookup (`decode_predictions`).

The three scalings the pretrained applications expect (each family module picks one):

- "caffe": RGB to BGR, then subtract the ImageNet mean per channel (0..255 scale, no division).
- "tf": scale 0..255 to -1..1.
- "torch": scale to 0..1, subtract the ImageNet mean and divide by its standard deviation.

NumPy arrays are scaled in place when they hold floats (as Keras documents: pass `np.copy(x)` to
keep the original); integer arrays come back as new `floatx()` arrays. Backend tensors and
symbolic inputs go through `cornu.ops` and keep a float dtype; integer tensors become `floatx()`.
"""

import json

import numpy as np

from cornu import config, ops
from cornu.applications import weight_files
from cornu.backend.common import dtypes

# ImageNet channel statistics: BGR means on the 0..255 scale (the Caffe models), RGB mean and
# standard deviation on the 0..1 scale (the torchvision models).
_CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)

_MODES = ("caffe", "tf", "torch")
_DATA_FORMATS = ("channels_first", "channels_last")

CLASS_INDEX_URL = (
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
)
_CLASS_INDEX = None  # {"0": [wnid, name], ...}, read once per process


def preprocess_input(x, data_format=None, mode="caffe"):
    """Scales a batch of RGB images (0..255) the way an ImageNet-pretrained model expects.

    Args:
        x: images, a NumPy array, a backend tensor or a symbolic input, with 3 color channels
            (`(..., H, W, 3)` for "channels_last", `(N, 3, H, W)` or `(3, H, W)` for
            "channels_first"). A float NumPy array is modified in place.
        data_format: "channels_last" or "channels_first"; None uses
            `keras.config.image_data_format()`.
        mode: "caffe", "tf" or "torch" (see the module docstring).

    Returns:
        The scaled images: a NumPy array for NumPy input, else a tensor.

    Example:
        >>> import numpy as np
        >>> preprocess_input(np.full((1, 2, 2, 3), 255.0), mode="tf")[0, 0, 0]
        array([1., 1., 1.])
    """
    if mode not in _MODES:
        raise ValueError(
            f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}"
        )
    if data_format is None:
        data_format = config.image_data_format()
    if data_format not in _DATA_FORMATS:
        raise ValueError(
            "Expected data_format to be one of `channels_first` or `channels_last`. "
            f"Received: data_format={data_format}"
        )
    if isinstance(x, (list, tuple)):
        x = np.asarray(x)
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _channel_axis(ndim, data_format, mode):
    """The channel axis of an `ndim`-rank image batch, checked for the layout it can hold."""
    if data_format == "channels_last":
        if ndim < 1:
            raise ValueError(
                f"preprocess_input expects images with a channel axis; received a scalar "
                f"(mode={mode!r})."
            )
        return ndim - 1
    if ndim < 3:
        raise ValueError(
            "preprocess_input with data_format='channels_first' expects images of rank 3 "
            f"(channels, height, width) or more; received rank {ndim}. Pass "
            "data_format='channels_last' for channels-last data."
        )
    return 0 if ndim == 3 else 1


def _check_three_channels(shape, axis, mode):
    channels = shape[axis]
    if channels is not None and channels != 3:
        raise ValueError(
            f"preprocess_input(mode={mode!r}) scales the 3 RGB channels, so the channel axis "
            f"({axis}) must have size 3; received input shape {tuple(shape)}. Check "
            "`data_format` or drop extra channels (alpha) first."
        )


def _per_channel(values, ndim, axis):
    """The per-channel constants shaped to broadcast along `axis` of an `ndim`-rank array."""
    shape = [1] * ndim
    shape[axis] = len(values)
    return np.asarray(values).reshape(shape)


def _preprocess_numpy(x, data_format, mode):
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(config.floatx())  # a copy: the caller's integer array stays as it is
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    axis = _channel_axis(x.ndim, data_format, mode)
    _check_three_channels(x.shape, axis, mode)
    if mode == "caffe":
        x = np.flip(x, axis)  # RGB -> BGR, a view: the subtraction below still writes through
        mean, std = _CAFFE_BGR_MEAN, None
    else:
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    for channel in range(3):
        index = (slice(None),) * axis + (channel,)
        x[index] -= mean[channel]
        if std is not None:
            x[index] /= std[channel]
    return x


def _preprocess_tensor(x, data_format, mode):
    dtype = dtypes.standardize_dtype(x.dtype)
    if not dtypes.is_float_dtype(dtype):
        dtype = config.floatx()
        x = ops.cast(x, dtype)
    if mode == "tf":
        return x / 127.5 - 1.0
    ndim = len(x.shape)
    axis = _channel_axis(ndim, data_format, mode)
    _check_three_channels(x.shape, axis, mode)
    if mode == "caffe":
        x = ops.flip(x, axis=axis)
        mean = _per_channel(_CAFFE_BGR_MEAN, ndim, axis)
        return x - ops.convert_to_tensor(mean, dtype=dtype)
    mean = ops.convert_to_tensor(_per_channel(_TORCH_MEAN, ndim, axis), dtype=dtype)
    std = ops.convert_to_tensor(_per_channel(_TORCH_STD, ndim, axis), dtype=dtype)
    return (x / 255.0 - mean) / std


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction, as `(wnid, name, score)` tuples.

    The class index (`imagenet_class_index.json`) is downloaded once into
    `$KERAS_HOME/models/` through `keras.utils.get_file`.

    Args:
        preds: ImageNet class scores, shape `(samples, 1000)` (array or tensor).
        top: how many classes to return per sample, best first.

    Returns:
        One list per sample of `(class_name, class_description, score)` tuples.

    Example:
        >>> import numpy as np
        >>> decode_predictions(np.eye(1000)[:1], top=1)  # doctest: +SKIP
        [[('n01440764', 'tench', 1.0)]]
    """
    if isinstance(preds, (list, tuple)):
        preds = np.asarray(preds)
    preds = ops.convert_to_numpy(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(
            "`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape "
            f"(samples, 1000)). Received array with shape: {preds.shape}"
        )
    class_index = _load_class_index()
    results = []
    for pred in preds:
        best = np.argsort(-pred, kind="stable")[: max(int(top), 0)]
        results.append([(*class_index[str(int(i))], pred[i]) for i in best])
    return results


def _load_class_index():
    global _CLASS_INDEX
    if _CLASS_INDEX is None:
        path = weight_files.fetch("imagenet_class_index.json", CLASS_INDEX_URL)
        with open(path, encoding="utf-8") as f:
            _CLASS_INDEX = json.load(f)
    return _CLASS_INDEX
