"""`ZeroPadding3D`: pads volumes with zeros."""

from cornu.layers.reshaping._padding import BasePadding


class ZeroPadding3D(BasePadding):
    """Adds zeros around the three spatial axes of 5D inputs.

    Args:
        padding: an int, three ints (symmetric per axis), or three `(start, end)` pairs.
        data_format: "channels_last" or "channels_first" (default: the global setting).

    Example:
        >>> ZeroPadding3D(1)(np.ones((1, 2, 2, 2, 3), "float32")).shape
        (1, 4, 4, 4, 3)
    """

    _rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format=data_format, **kwargs)
