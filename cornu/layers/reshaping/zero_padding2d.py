"""`ZeroPadding2D`: pads images with rows and columns of zeros."""

from cornu.layers.reshaping._padding import BasePadding


class ZeroPadding2D(BasePadding):
    """Adds rows and columns of zeros around 4D image inputs; the arguments are
    `BasePadding`'s.

    Example:
        >>> ZeroPadding2D(((1, 0), (0, 1)))(np.ones((1, 3, 3, 2), "float32")).shape
        (1, 4, 4, 2)
    """

    _rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format=data_format, **kwargs)
