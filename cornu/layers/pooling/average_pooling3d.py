"""`AveragePooling3D`: average pooling over 3-D windows."""

from cornu.layers.pooling.base_pooling import BasePooling


class AveragePooling3D(BasePooling):
    """Takes the average over windows of `pool_size` moved by `strides`; the arguments are
    `BasePooling`'s.

    Example:
        >>> AveragePooling3D(2)(np.ones((2, 4, 4, 4, 3), "float32")).shape
        (2, 2, 2, 2, 3)
    """

    rank, pool_mode = 3, "average"
