"""`RandomBrightness`: adds a random brightness offset to each image."""

from cornu import ops
from cornu.layers.preprocessing._augmentation import RandomImageLayer, factor_range
from cornu.layers.preprocessing._color import check_value_range, clip_to


class RandomBrightness(RandomImageLayer):
    """During training, adds `delta * (high - low)` to every pixel of each image, `delta`
    drawn from `[lower, upper]`, then clips to `value_range = (low, high)`.

    Args:
        factor: a number `f` (the range [-f, f]) or a pair (lower, upper), in [-1, 1].
        value_range: the (low, high) range of the pixel values.
        seed: an int seed for reproducibility.
        data_format: "channels_last" or "channels_first" (default: the global setting).
    """

    moves_pixels = False  # boxes and masks of a dict input pass through

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self._range = factor_range("RandomBrightness", "factor", factor, -1.0, 1.0)
        self.factor = factor
        self.value_range = check_value_range("RandomBrightness", value_range)

    def augment(self, images, batch_size):
        span = float(self.value_range[1]) - float(self.value_range[0])
        delta = ops.reshape(self.uniform((batch_size,), *self._range), (-1, 1, 1, 1)) * span
        return clip_to(images + delta, self.value_range)

    def get_config(self):
        # Keras records the value range as a list.
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": list(self.value_range),
        }
