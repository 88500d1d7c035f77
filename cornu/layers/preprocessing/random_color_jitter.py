"""`RandomColorJitter`: random brightness, contrast, saturation and hue, in that order."""

from cornu.layers.preprocessing import _color
from cornu.layers.preprocessing.random_brightness import RandomBrightness
from cornu.layers.preprocessing.random_contrast import RandomContrast
from cornu.layers.preprocessing.random_hue import RandomHue
from cornu.layers.preprocessing.random_saturation import RandomSaturation


class RandomColorJitter(_color.ColorLayer):
    """During training, applies RandomBrightness, RandomContrast, RandomSaturation and
    RandomHue in sequence, each one whose factor is given (None skips it), all drawing from
    this layer's seed generator.

    Args:
        value_range: the (low, high) range of the pixel values.
        brightness_factor: RandomBrightness's `factor`, or None.
        contrast_factor: RandomContrast's `factor`, or None.
        saturation_factor: RandomSaturation's `factor`, or None.
        hue_factor: RandomHue's `factor`, or None.
        seed: an int seed for reproducibility.
        data_format: "channels_last" or "channels_first" (default: the global setting).
    """

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None,
                 saturation_factor=None, hue_factor=None, seed=None, data_format=None,
                 **kwargs):  # fmt: skip
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = _color.check_value_range("RandomColorJitter", value_range)
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        steps = ((RandomBrightness, brightness_factor), (RandomContrast, contrast_factor),
                 (RandomSaturation, saturation_factor), (RandomHue, hue_factor))  # fmt: skip
        self._steps = []
        for cls, factor in steps:
            if factor is None:
                continue
            step = cls(factor, value_range=value_range, data_format=self.data_format,
                       dtype=self.dtype_policy)  # fmt: skip
            step.seed_generator = self.seed_generator  # one random stream for the whole jitter
            self._steps.append(step)

    def augment(self, images, batch_size):
        for step in self._steps:
            images = step.augment(images, batch_size)
        return images

    def get_config(self):
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "brightness_factor": self.brightness_factor,
            "contrast_factor": self.contrast_factor,
            "saturation_factor": self.saturation_factor,
            "hue_factor": self.hue_factor,
        }
