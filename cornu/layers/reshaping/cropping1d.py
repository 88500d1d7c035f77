"""`Cropping1D`: removes steps from both ends of the time axis."""

from cornu.layers.reshaping._cropping import BaseCropping


class Cropping1D(BaseCropping):
    """Crops `(batch, steps, features)` inputs along the steps axis.

    Args:
        cropping: an int (both ends) or a pair `(start, end)`.

    Example:
        >>> Cropping1D((1, 2))(np.ones((2, 6, 3), "float32")).shape
        (2, 3, 3)
    """

    _rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, data_format="channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        config["cropping"] = tuple(self.cropping[0])
        return config
