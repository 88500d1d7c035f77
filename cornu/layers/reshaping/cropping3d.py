"""`Cropping3D`: removes borders from the three spatial axes of volumes."""

from cornu.layers.reshaping._cropping import BaseCropping


class Cropping3D(BaseCropping):
    """Crops 5D inputs along their three spatial axes.

    Args:
        cropping: an int, three ints (symmetric per axis), or three `(start, end)` pairs.
        data_format: "channels_last" or "channels_first" (default: the global setting).

    Example:
        >>> Cropping3D(1)(np.ones((1, 4, 4, 4, 2), "float32")).shape
        (1, 2, 2, 2, 2)
    """

    _rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format=data_format, **kwargs)
