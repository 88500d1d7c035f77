"""`AdaptiveMaxPooling1D`: maximum pooling of 1-D data to a fixed output size."""

from cornu.layers.pooling.base_pooling import BaseAdaptivePooling


class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    """Takes the maximum over adaptive windows so the output has `output_size` along each
    spatial axis; the arguments are `BaseAdaptivePooling`'s.

    Example:
        >>> AdaptiveMaxPooling1D(output_size=4)(np.ones((2, 8, 3), "float32")).shape
        (2, 4, 3)
    """

    rank, pool_mode = 1, "max"
