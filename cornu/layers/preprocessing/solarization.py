"""`Solarization`: inverts the pixels above a random threshold, after a random brightening."""

from cornu import ops
from cornu.layers.preprocessing import _color


class Solarization(_color.ColorLayer):
    """During training, with pixels mapped to [0, 1]: adds `a` (clipping to [0, 1]), then
    inverts (`1 - x`) every pixel at or above `t`, with `a` and `t` drawn per image from
    `addition_factor` and `threshold_factor`. With both at 0, every pixel is inverted.

    Args:
        addition_factor: a number `a` in [0, 1] (the range [0, a]) or a pair in [0, 1].
        threshold_factor: a number `t` in [0, 1] (the range [0, t]) or a pair in [0, 1].
        value_range: the (low, high) range of the pixel values.
        seed: an int seed for reproducibility.
        data_format (keyword): "channels_last" or "channels_first".
    """

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255),
                 seed=None, **kwargs):  # fmt: skip
        data_format = kwargs.pop("data_format", None)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = "Solarization"
        self.addition_factor = _color.bounded_pair(
            name, "addition_factor", addition_factor, 0, 1, 0
        )
        self.threshold_factor = _color.bounded_pair(name, "threshold_factor", threshold_factor,
                                                    0, 1, 0)  # fmt: skip
        self.value_range = list(_color.check_value_range(name, value_range))

    def augment(self, images, batch_size):
        addition = _color.per_image(self.uniform((batch_size,), *map(float, self.addition_factor)))
        threshold = _color.per_image(
            self.uniform((batch_size,), *map(float, self.threshold_factor))
        )
        unit = ops.clip(_color.to_unit(images, self.value_range) + addition, 0.0, 1.0)
        unit = ops.where(ops.greater_equal(unit, threshold), 1.0 - unit, unit)
        return _color.from_unit(unit, self.value_range)

    def get_config(self):
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "addition_factor": self.addition_factor,
            "threshold_factor": self.threshold_factor,
        }
