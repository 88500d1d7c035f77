"""`GlobalMaxPooling3D`: the maximum over every spatial axis of 3-D data."""

from cornu.layers.pooling.base_pooling import BaseGlobalPooling


class GlobalMaxPooling3D(BaseGlobalPooling):
    """Takes the maximum over the 3 spatial axes.

    Args:
        data_format: "channels_last" or "channels_first".
        keepdims: keep the spatial axes (with length 1).

    Example:
        >>> GlobalMaxPooling3D()(np.ones((2, 4, 4, 4, 3), "float32")).shape
        (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(
            rank=3, data_format=data_format, keepdims=keepdims, pool_mode="max", **kwargs
        )
