"""`RandAugment`: applies a few randomly chosen image operations to each image."""

from cornu import ops, random
from cornu.layers.preprocessing import _augment_ops
from cornu.layers.preprocessing._augmentation import INTERPOLATIONS, check_choice
from cornu.layers.preprocessing._augmentation_inputs import (
    AugmentationLayer,
    check_probability_factor,
    factor_config,
)
from cornu.layers.preprocessing._color import check_value_range
from cornu.layers.preprocessing.equalization import Equalization

OPERATIONS = _augment_ops.GEOMETRIC + _augment_ops.PIXEL + _augment_ops.COLOUR


class RandAugment(AugmentationLayer):
    """During training, applies `num_ops` operations to each image one after another (Cubuk
    et al. 2020, RandAugment), each chosen uniformly per image among rotation, shears,
    translations, auto-contrast, equalization, posterization, solarization, brightness,
    contrast, colour and sharpness, with a strength drawn per image from `factor` (a
    fraction of each operation's largest strength; see `_augment_ops`).

    Args:
        value_range: the (low, high) range of the pixel values.
        num_ops: how many operations each image goes through.
        factor: a number `f` (strengths drawn from [0, f]) or a pair (low, high), in [0, 1].
        interpolation: "bilinear" or "nearest" (for the geometric operations).
        seed: an int seed for reproducibility.
        data_format: "channels_last" or "channels_first" (default: the global setting).

    Example:
        >>> RandAugment(seed=1)(np.random.uniform(0, 255, (2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear",
                 seed=None, data_format=None, **kwargs):  # fmt: skip
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = check_value_range("RandAugment", value_range)
        # Not tracked (a leading underscore): an implementation detail, not a sub-layer.
        self._equalization = Equalization(value_range=value_range, data_format="channels_last",
                                          dtype=self.dtype_policy)  # fmt: skip
        if isinstance(num_ops, bool) or not isinstance(num_ops, int) or num_ops < 0:
            raise ValueError(
                f"RandAugment: num_ops must be an int >= 0; received num_ops={num_ops!r}."
            )
        self.num_ops = num_ops
        self._range = check_probability_factor("RandAugment", factor)
        self.factor = factor_config(factor)
        self.interpolation = check_choice("RandAugment", "interpolation", interpolation,
                                          INTERPOLATIONS)  # fmt: skip

    def draw(self, images, batch_size):
        steps = []
        for _ in range(self.num_ops):
            choice = random.randint((batch_size,), 0, len(OPERATIONS), seed=self.seed_generator)
            magnitude = self.uniform((batch_size,), *self._range)
            sign = ops.sign(self.uniform((batch_size,), -1.0, 1.0))
            steps.append((choice, magnitude, sign))
        return steps

    def transform_images(self, images, params):
        x = _augment_ops.to_channels_last(self, images)
        for choice, magnitude, sign in params:
            x = _augment_ops.apply_one_of(self, x, OPERATIONS, choice, magnitude, sign)
        return _augment_ops.from_channels_last(self, x)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "num_ops": self.num_ops, "factor": self.factor,
                "interpolation": self.interpolation}  # fmt: skip
