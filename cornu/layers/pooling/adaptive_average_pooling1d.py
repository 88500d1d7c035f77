"""`AdaptiveAveragePooling1D`: average pooling of 1-D data to a fixed output size."""

from cornu.layers.pooling.base_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    """Takes the average over adaptive windows so the output has `output_size` along each
    spatial axis; the arguments are `BaseAdaptivePooling`'s.

    Example:
        >>> AdaptiveAveragePooling1D(5)(np.ones((2, 8, 3), "float32")).shape
        (2, 5, 3)
    """

    rank, pool_mode = 1, "average"
