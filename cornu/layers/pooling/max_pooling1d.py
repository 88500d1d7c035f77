"""`MaxPooling1D`: maximum pooling over 1-D windows."""

from cornu.layers.pooling.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """Takes the maximum over windows of `pool_size` moved by `strides`; the arguments are
    `BasePooling`'s.

    Example (the default `pool_size` of 2 per axis):
        >>> MaxPooling1D()(np.ones((2, 8, 3), "float32")).shape
        (2, 4, 3)
    """

    rank, pool_mode = 1, "max"

    def __init__(
        self, pool_size=2, strides=None, padding="valid", data_format=None, name=None, **kwargs
    ):
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)
