"""`RandomSharpness`: blends each image with a smoothed copy, blurring or sharpening it."""

from cornu.layers.preprocessing import _color


class RandomSharpness(_color.ColorLayer):
    """During training, `x -> clip(s + 2f * (x - s))` where `s` is `x` smoothed with the
    3x3 kernel [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13 (zero padding, as PIL's SMOOTH) and `f`
    is drawn per image from the `factor` range: 0 smooths, 0.5 keeps, 1 sharpens.

    Args:
        factor: a number `f` in [0, 1] (the range [0, f]) or a pair (lower, upper).
        value_range: the (low, high) range of the pixel values.
        data_format: "channels_last" or "channels_first" (default: the global setting).
        seed: an int seed for reproducibility.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _color.factor_pair("RandomSharpness", "factor", factor, 0, 1, number_low=0)
        self.value_range = list(_color.check_value_range("RandomSharpness", value_range))

    def augment(self, images, batch_size):
        lower, upper = (float(v) for v in self.factor)
        ratio = _color.per_image(self.uniform((batch_size,), lower, upper)) * 2.0
        h_axis, w_axis = _color.spatial_axes(self, images, self.data_format)
        rows = sum(_color.shift(images, d, h_axis) for d in (-1, 0, 1))
        box = sum(_color.shift(rows, d, w_axis) for d in (-1, 0, 1))
        smooth = (box + 4.0 * images) / 13.0
        return _color.clip_to(smooth + ratio * (images - smooth), self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
