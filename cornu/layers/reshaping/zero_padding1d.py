"""`ZeroPadding1D`: pads the steps axis with zeros."""

from cornu.layers.reshaping._padding import BasePadding


class ZeroPadding1D(BasePadding):
    """Adds zeros at both ends of the steps axis of 3D inputs.

    Args:
        padding: an int (both ends) or a pair `(start, end)`.
        data_format: "channels_last" (`(batch, steps, features)`) or "channels_first"
            (`(batch, features, steps)`); default: the global setting.

    Example:
        >>> ZeroPadding1D(2)(np.ones((2, 3, 4), "float32")).shape
        (2, 7, 4)
    """

    _rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(padding, data_format=data_format, **kwargs)

    def get_config(self):
        config = super().get_config()
        config["padding"] = tuple(self.padding[0])
        return config
