"""`Cropping3D`: removes borders from the three spatial axes of volumes."""

from cornu.layers.reshaping._cropping import BaseCropping


class Cropping3D(BaseCropping):
    """Crops the three spatial axes of 5D inputs; the arguments are `BaseCropping`'s.

    Example:
        >>> Cropping3D((1, 0, 1))(np.ones((1, 4, 4, 4, 2), "float32")).shape
        (1, 2, 4, 2, 2)
    """

    _rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format=data_format, **kwargs)
