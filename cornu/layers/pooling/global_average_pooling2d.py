"""`GlobalAveragePooling2D`: the average over every spatial axis of 2-D data."""

from cornu.layers.pooling.base_pooling import BaseGlobalPooling


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Takes the average over the 2 spatial axes; the arguments are `BaseGlobalPooling`'s.

    Example:
        >>> GlobalAveragePooling2D()(np.ones((2, 8, 8, 3), "float32")).shape
        (2, 3)
    """

    rank, pool_mode = 2, "average"
