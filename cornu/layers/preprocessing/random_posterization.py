"""`RandomPosterization`: keeps only a random number of high bits of each pixel."""

from cornu import ops
from cornu.layers.preprocessing import _color


class RandomPosterization(_color.ColorLayer):
    """During training, maps pixels to 8-bit values in [0, 255], keeps each image's top
    `bits` bits (`bits` an int drawn from [lower, upper), or `lower` when equal), and
    maps back.

    Args:
        factor: a number `f` in [1, 8] (bits in [1, f)) or a pair (lower, upper).
        value_range: the (low, high) range of the pixel values.
        data_format: "channels_last" or "channels_first" (default: the global setting).
        seed: an int seed for reproducibility.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _color.bounded_pair("RandomPosterization", "factor", factor, 1, 8, 1)
        self.value_range = list(_color.check_value_range("RandomPosterization", value_range))

    def augment(self, images, batch_size):
        lower, upper = (int(v) for v in self.factor)
        # As in Keras: bits in [lower, upper), or exactly `lower` when the two are equal.
        bits = ops.floor(self.uniform((batch_size,), float(lower), float(max(upper, lower + 1))))
        step = _color.per_image(ops.power(2.0, 8.0 - ops.minimum(bits, float(upper))))
        low, high = (float(v) for v in self.value_range)
        scale = 255.0 / (high - low)  # exactly 1.0 for (0, 255): no rounding on the way back
        pixels = ops.floor(ops.clip((images - low) * scale, 0.0, 255.0))
        return ops.floor(pixels / step) * step / scale + low

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
