"""`AveragePooling1D`: average pooling over 1-D windows."""

from cornu.layers.pooling.base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """Takes the average over windows of `pool_size` moved by `strides`; the arguments are
    `BasePooling`'s.

    Example:
        >>> AveragePooling1D(2)(np.ones((2, 8, 3), "float32")).shape
        (2, 4, 3)
    """

    rank, pool_mode = 1, "average"
