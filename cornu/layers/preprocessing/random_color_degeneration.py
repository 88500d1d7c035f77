"""`RandomColorDegeneration`: blends each image towards its greyscale version."""

from cornu.layers.preprocessing import _color


class RandomColorDegeneration(_color.ColorLayer):
    """During training, `x -> clip(f * grey + (1 - f) * x)` with `f` drawn per image from
    the `factor` range (0: no change, 1: greyscale, below 0: more colourful).

    Args:
        factor: a number `f` in [-1, 1] (the range (-f, f)) or a pair (lower, upper).
        value_range: the (low, high) range of the pixel values, used for clipping.
        data_format: "channels_last" or "channels_first" (default: the global setting).
        seed: an int seed for reproducibility.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _color.factor_pair("RandomColorDegeneration", "factor", factor, -1, 1)
        self.value_range = list(_color.check_value_range("RandomColorDegeneration", value_range))

    def augment(self, images, batch_size):
        _color.check_rgb(self, images, self.data_format)
        lower, upper = (float(v) for v in self.factor)
        amount = _color.per_image(self.uniform((batch_size,), lower, upper))
        gray = _color.grayscale_rgb(images, self.data_format)
        return _color.clip_to(images + amount * (gray - images), self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
