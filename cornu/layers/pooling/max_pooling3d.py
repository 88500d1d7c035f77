"""`MaxPooling3D`: maximum pooling over 3-D windows."""

from cornu.layers.pooling.base_pooling import BasePooling


class MaxPooling3D(BasePooling):
    """Takes the maximum over windows of `pool_size` moved by `strides`; the arguments are
    `BasePooling`'s.

    Example (the default `pool_size` of 2 per axis):
        >>> MaxPooling3D()(np.ones((2, 4, 4, 4, 3), "float32")).shape
        (2, 2, 2, 2, 3)
    """

    rank, pool_mode = 3, "max"

    def __init__(
        self,
        pool_size=(2, 2, 2),
        strides=None,
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)
