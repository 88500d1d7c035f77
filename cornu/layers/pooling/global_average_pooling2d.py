"""`GlobalAveragePooling2D`: the average over every spatial axis of 2-D data."""

from cornu.layers.pooling.base_pooling import BaseGlobalPooling


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Takes the average over the 2 spatial axes.

    Args:
        data_format: "channels_last" or "channels_first".
        keepdims: keep the spatial axes (with length 1).

    Example:
        >>> GlobalAveragePooling2D()(np.ones((2, 8, 8, 3), "float32")).shape
        (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(
            rank=2, data_format=data_format, keepdims=keepdims, pool_mode="average", **kwargs
        )
