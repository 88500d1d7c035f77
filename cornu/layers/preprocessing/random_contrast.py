"""`RandomContrast`: scales each image's contrast by a random factor."""

from cornu import ops
from cornu.layers.preprocessing._augmentation import RandomImageLayer, factor_range
from cornu.layers.preprocessing._color import check_value_range, clip_to
from cornu.layers.preprocessing._image_args import image_axes


class RandomContrast(RandomImageLayer):
    """During training, moves each channel of each image away from (or towards) its mean:
    `(x - mean) * c + mean` with `c` drawn from `[1 - lower, 1 + upper]`, then clips to
    `value_range`.

    Args:
        factor: a number `f` (lower = upper = f) or a pair (lower, upper), in [0, 1].
        value_range: the (low, high) range of the pixel values, used for clipping.
        seed: an int seed for reproducibility.
        data_format: "channels_last" or "channels_first" (default: the global setting).
    """

    moves_pixels = False  # boxes and masks of a dict input pass through

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self._range = factor_range("RandomContrast", "factor", factor, 0.0, 1.0,
                                   symmetric=False)  # fmt: skip
        self.factor = factor
        self.value_range = check_value_range("RandomContrast", value_range)

    def augment(self, images, batch_size):
        lower, upper = self._range
        scale = ops.reshape(self.uniform((batch_size,), 1.0 - lower, 1.0 + upper), (-1, 1, 1, 1))
        axes = image_axes(self.name, images.shape, self.data_format)
        mean = ops.mean(images, axis=axes, keepdims=True)
        return clip_to((images - mean) * scale + mean, self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
