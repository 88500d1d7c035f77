"""`AdaptiveAveragePooling3D`: average pooling of 3-D data to a fixed output size."""

from cornu.layers.pooling.base_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    """Takes the average over adaptive windows so the output has `output_size` along each
    spatial axis (window `i` of an axis of length `L` covers
    `[floor(i * L / out), ceil((i + 1) * L / out))`).

    Args:
        output_size: an int or a tuple of 3 ints.
        data_format: "channels_last" or "channels_first".

    Example:
        >>> AdaptiveAveragePooling3D(5)(np.ones((2, 4, 4, 4, 3), "float32")).shape
        (2, 5, 5, 5, 3)
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(
            rank=3, output_size=output_size, data_format=data_format, pool_mode="average", **kwargs
        )
