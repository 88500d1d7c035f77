"""`MaxPooling3D`: maximum pooling over 3-D windows."""

from cornu.layers.pooling.base_pooling import BasePooling


class MaxPooling3D(BasePooling):
    """Takes the maximum over windows of `pool_size` moved by `strides`.

    Args:
        pool_size: an int or a tuple of 3 ints.
        strides: an int, a tuple of 3 ints, or None (= `pool_size`).
        padding: "valid" or "same" (padded positions never count).
        data_format: "channels_last" or "channels_first".

    Example:
        >>> MaxPooling3D(2)(np.ones((2, 4, 4, 4, 3), "float32")).shape
        (2, 2, 2, 2, 3)
    """

    def __init__(
        self,
        pool_size=(2, 2, 2),
        strides=None,
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            rank=3,
            pool_size=pool_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            pool_mode="max",
            name=name,
            **kwargs,
        )
