"""`GlobalMaxPooling1D`: the maximum over every spatial axis of 1-D data."""

from cornu.layers.pooling.base_pooling import BaseGlobalPooling


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Takes the maximum over the spatial axis; the arguments are `BaseGlobalPooling`'s.

    Example:
        >>> GlobalMaxPooling1D()(np.ones((2, 8, 3), "float32")).shape
        (2, 3)
    """

    rank, pool_mode = 1, "max"
