"""`AdaptiveMaxPooling3D`: maximum pooling of 3-D data to a fixed output size."""

from cornu.layers.pooling.base_pooling import BaseAdaptivePooling


class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    """Takes the maximum over adaptive windows so the output has `output_size` along each
    spatial axis; the arguments are `BaseAdaptivePooling`'s.

    Example:
        >>> AdaptiveMaxPooling3D(output_size=(2, 3, 4))(np.ones((2, 4, 4, 4, 3), "float32")).shape
        (2, 2, 3, 4, 3)
    """

    rank, pool_mode = 3, "max"
