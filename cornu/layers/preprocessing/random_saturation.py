"""`RandomSaturation`: scales the saturation of each image by a random amount."""

from cornu.layers.preprocessing import _color, _hsv


class RandomSaturation(_color.ColorLayer):
    """During training, multiplies each image's HSV saturation by `f / (1 - f)`, `f` drawn
    from the `factor` range (0.5: no change, 0: greyscale, 1: fully saturated), clipping the
    saturation to [0, 1] and the result to `value_range`.

    Args:
        factor: a number `v` in [-1, 1] (the range (-v, v)) or a pair (lower, upper).
        value_range: the (low, high) range of the pixel values.
        data_format: "channels_last" or "channels_first" (default: the global setting).
        seed: an int seed for reproducibility.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _color.factor_pair("RandomSaturation", "factor", factor, -1, 1)
        self.value_range = list(_color.check_value_range("RandomSaturation", value_range))

    def augment(self, images, batch_size):
        _color.check_rgb(self, images, self.data_format)
        lower, upper = (float(v) for v in self.factor)
        factor = self.uniform((batch_size,), lower, upper)
        return _hsv.scale_saturation(images, factor, self.value_range, self.data_format)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
