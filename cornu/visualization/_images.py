"""Shared input handling for `cornu.visualization`: any backend's tensors to NumPy, batched and
channels-last."""

import numpy as np

from cornu import backend, config


def to_numpy(x):
    """A NumPy array from a NumPy array, a list or a tensor of any backend."""
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, (list, tuple, int, float)):
        return np.asarray(x)
    return np.asarray(backend.convert_to_numpy(x))


def batched_channels_last(images, data_format, what="images"):
    """`images` as a 4D channels-last NumPy array; raises for an unbatched one."""
    images = to_numpy(images)
    if images.ndim != 4:
        raise ValueError(
            f"`{what}` must be batched 4D tensor. Received: {what}.shape={images.shape}. Add "
            "a batch axis, e.g. `images[None]`."
        )
    data_format = data_format or config.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"`data_format` must be 'channels_last' or 'channels_first'; received {data_format!r}."
        )
    if data_format == "channels_first":
        images = np.transpose(images, (0, 2, 3, 1))
    return images
