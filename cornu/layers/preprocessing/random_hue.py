"""`RandomHue`: rotates the hue of each image by a random amount."""

from cornu import ops
from cornu.layers.preprocessing import _color, _hsv


class RandomHue(_color.ColorLayer):
    """During training, rotates each image's hue by `±f / 2` of a turn, `f` drawn from the
    `factor` range and the sign at random (0: no change, 1: the opposite hue).

    Args:
        factor: a number `f` in [0, 1] (the range [0, f]) or a pair (lower, upper).
        value_range: the (low, high) range of the pixel values.
        data_format: "channels_last" or "channels_first" (default: the global setting).
        seed: an int seed for reproducibility.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _color.factor_pair("RandomHue", "factor", factor, 0, 1, number_low=0)
        self.value_range = _color.check_value_range("RandomHue", value_range)

    def augment(self, images, batch_size):
        _color.check_rgb(self, images, self.data_format)
        return _hsv.shift_hue(images, random_hue_delta(self, batch_size, self.factor),
                              self.value_range, self.data_format)  # fmt: skip

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


def random_hue_delta(layer, batch_size, factor):
    """Per-image hue shifts `±f / 2` with `f` drawn from `factor` and a random sign."""
    lower, upper = (float(v) for v in factor)
    amount = layer.uniform((batch_size,), lower, upper)
    sign = ops.where(ops.less(layer.uniform((batch_size,), 0.0, 1.0), 0.5), -1.0, 1.0)
    return amount * sign * 0.5
