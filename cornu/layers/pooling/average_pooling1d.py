"""`AveragePooling1D`: average pooling over 1-D windows."""

from cornu.layers.pooling.base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """Takes the average over windows of `pool_size` moved by `strides`.

    Args:
        pool_size: an int or a tuple of 1 ints.
        strides: an int, a tuple of 1 ints, or None (= `pool_size`).
        padding: "valid" or "same" (padded positions never count).
        data_format: "channels_last" or "channels_first".

    Example:
        >>> AveragePooling1D(2)(np.ones((2, 8, 3), "float32")).shape
        (2, 4, 3)
    """

    def __init__(
        self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs
    ):
        super().__init__(
            rank=1,
            pool_size=pool_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            pool_mode="average",
            name=name,
            **kwargs,
        )
