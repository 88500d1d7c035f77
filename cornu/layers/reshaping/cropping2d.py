"""`Cropping2D`: removes rows and columns from the borders of images."""

from cornu.layers.reshaping._cropping import BaseCropping


class Cropping2D(BaseCropping):
    """Crops 4D image inputs along height and width.

    Args:
        cropping: an int (all four borders), `(h, w)` (symmetric), or
            `((top, bottom), (left, right))`.
        data_format: "channels_last" or "channels_first" (default: the global setting).

    Example:
        >>> Cropping2D(((1, 0), (0, 2)))(np.ones((1, 5, 5, 3), "float32")).shape
        (1, 4, 3, 3)
    """

    _rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format=data_format, **kwargs)
