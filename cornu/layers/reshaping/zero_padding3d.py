"""`ZeroPadding3D`: pads volumes with zeros."""

from cornu.layers.reshaping._padding import BasePadding


class ZeroPadding3D(BasePadding):
    """Pads the three spatial axes of 5D inputs with zeros; the arguments are
    `BasePadding`'s.

    Example:
        >>> ZeroPadding3D(1)(np.ones((1, 2, 2, 2, 3), "float32")).shape
        (1, 4, 4, 4, 3)
    """

    _rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format=data_format, **kwargs)
