"""`GlobalAveragePooling3D`: the average over every spatial axis of 3-D data."""

from cornu.layers.pooling.base_pooling import BaseGlobalPooling


class GlobalAveragePooling3D(BaseGlobalPooling):
    """Takes the average over the 3 spatial axes; the arguments are `BaseGlobalPooling`'s.

    Example:
        >>> GlobalAveragePooling3D()(np.ones((2, 4, 4, 4, 3), "float32")).shape
        (2, 3)
    """

    rank, pool_mode = 3, "average"
