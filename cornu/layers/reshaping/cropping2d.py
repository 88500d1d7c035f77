"""`Cropping2D`: removes rows and columns from the borders of images."""

from cornu.layers.reshaping._cropping import BaseCropping


class Cropping2D(BaseCropping):
    """Crops rows and columns from the borders of 4D image inputs; the arguments are
    `BaseCropping`'s (`cropping`: an int, `(rows, cols)`, or `((top, bottom), (left, right))`).

    Example:
        >>> Cropping2D(((1, 0), (0, 2)))(np.ones((1, 5, 5, 3), "float32")).shape
        (1, 4, 3, 3)
    """

    _rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format=data_format, **kwargs)
