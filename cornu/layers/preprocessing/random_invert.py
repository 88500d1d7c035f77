"""`RandomInvert`: inverts each image with a random probability."""

from cornu import ops
from cornu.layers.preprocessing import _color


class RandomInvert(_color.ColorLayer):
    """During training, each image draws a probability `p` from the `factor` range and is
    inverted with probability `p`: `x -> high - x` where `value_range = (low, high)` (Keras's
    formula: for `low != 0` the result leaves the range).

    Args:
        factor: a number `f` in [0, 1] (probabilities in [0, f]) or a pair (lower, upper).
        value_range: the (low, high) range of the pixel values.
        seed: an int seed for reproducibility.
        data_format: "channels_last" or "channels_first" (default: the global setting).
    """

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _color.factor_pair("RandomInvert", "factor", factor, 0, 1, number_low=0)
        self.value_range = _color.check_value_range("RandomInvert", value_range)

    def augment(self, images, batch_size):
        lower, upper = (float(v) for v in self.factor)
        probability = self.uniform((batch_size,), lower, upper) if lower < upper else lower
        invert = ops.less(self.uniform((batch_size,), 0.0, 1.0), probability)
        return ops.where(_color.per_image(invert), float(self.value_range[1]) - images, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
