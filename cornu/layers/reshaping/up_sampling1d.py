"""`UpSampling1D`: repeats each step `size` times."""

from cornu.layers.reshaping._upsampling import BaseUpSampling


class UpSampling1D(BaseUpSampling):
    """Repeats each step of `(batch, steps, features)` inputs `size` times.

    Args:
        size: the repetition factor (a positive int).

    Example:
        >>> UpSampling1D(3)(np.ones((2, 4, 5), "float32")).shape
        (2, 12, 5)
    """

    _rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(size, data_format="channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["data_format"]
        config["size"] = self.size[0]
        return config
