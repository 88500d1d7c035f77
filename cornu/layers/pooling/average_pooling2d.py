"""`AveragePooling2D`: average pooling over 2-D windows."""

from cornu.layers.pooling.base_pooling import BasePooling


class AveragePooling2D(BasePooling):
    """Takes the average over windows of `pool_size` moved by `strides`; the arguments are
    `BasePooling`'s.

    Example:
        >>> AveragePooling2D(2)(np.ones((2, 8, 8, 3), "float32")).shape
        (2, 4, 4, 3)
    """

    rank, pool_mode = 2, "average"
