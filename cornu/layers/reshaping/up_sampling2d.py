"""`UpSampling2D`: enlarges images by integer factors."""

from cornu import ops
from cornu.layers.reshaping._upsampling import BaseUpSampling

_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area")


class UpSampling2D(BaseUpSampling):
    """Up-samples 4D image inputs by `size = (rows, cols)`.

    Args:
        size: an int or `(rows, cols)` factors.
        data_format: "channels_last" or "channels_first" (default: the global setting).
        interpolation: "nearest" repeats pixels; "bilinear" (and the other
            `ops.image.resize` methods) resample with half-pixel centres.

    Example:
        >>> UpSampling2D((2, 3))(np.ones((1, 2, 2, 1), "float32")).shape
        (1, 4, 6, 1)
    """

    _rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format=data_format, **kwargs)
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(
                f"UpSampling2D: interpolation must be one of {_INTERPOLATIONS}; received "
                f"interpolation={interpolation!r}."
            )
        self.interpolation = interpolation

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        axes = self._axes(4)
        target = tuple(inputs.shape[a] * f for a, f in zip(axes, self.size))
        return ops.image.resize(
            inputs, target, interpolation=self.interpolation, data_format=self.data_format
        )

    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation}
