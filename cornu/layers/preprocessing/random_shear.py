"""`RandomShear`: shears each image along x and/or y by a random amount."""

from cornu import ops
from cornu.layers.preprocessing import _affine
from cornu.layers.preprocessing._augmentation import (
    FILL_MODES,
    INTERPOLATIONS,
    check_choice,
    factor_range,
)
from cornu.layers.preprocessing._augmentation_inputs import AugmentationLayer, move_boxes


def shear(shear_x, shear_y, height, width):
    """Shear about the image centre: output (x, y) samples the input at
    `(x + shear_x * (y - cy), y + shear_y * (x - cx))`."""
    cy = (ops.cast(height, shear_x.dtype) - 1) / 2.0
    cx = (ops.cast(width, shear_x.dtype) - 1) / 2.0
    zero, one = ops.zeros_like(shear_x), ops.ones_like(shear_x)
    return ops.stack([one, shear_x, -shear_x * cy, shear_y, one, -shear_y * cx, zero, zero], axis=1)


def _shear_range(arg, value):
    """A number `f` in [0, 1] as (-f, f), or a pair in [-1, 1] as given (as a tuple).

    Keras 3.15 records a number as (-f, f) but rejects negative values in a pair, so its own
    config does not load back; cornu accepts the pair it records."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 0 <= value <= 1:
            raise ValueError(
                f"RandomShear: {arg} must be a number in [0, 1] or a pair in [-1, 1]; "
                f"received {arg}={value!r}."
            )
        return (-float(value), float(value))
    factor_range("RandomShear", arg, value, -1.0, 1.0)  # checks the pair
    return tuple(value)


class RandomShear(AugmentationLayer):
    """During training, shears each image: every row moves sideways by `x` times its
    distance from the centre row and every column moves by `y` times its distance from the
    centre column, `x` and `y` drawn per image from `x_factor` and `y_factor`.

    Args:
        x_factor: a number `f` in [0, 1] (the range [-f, f]) or a pair (lower, upper) in
            [-1, 1].
        y_factor: the same for the vertical shear.
        interpolation: "bilinear" or "nearest".
        fill_mode: "reflect", "wrap", "constant" or "nearest" (points outside the input).
        fill_value: the value outside the input for "constant".
        data_format: "channels_last" or "channels_first" (default: the global setting).
        seed: an int seed for reproducibility.

    Example:
        >>> RandomShear(x_factor=0.2, seed=1)(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear",
                 fill_mode="reflect", fill_value=0.0, data_format=None, seed=None,
                 **kwargs):  # fmt: skip
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.x_factor = _shear_range("x_factor", x_factor)
        self.y_factor = _shear_range("y_factor", y_factor)
        self.interpolation = check_choice("RandomShear", "interpolation", interpolation,
                                          INTERPOLATIONS)  # fmt: skip
        self.fill_mode = check_choice("RandomShear", "fill_mode", fill_mode, FILL_MODES)
        self.fill_value = fill_value

    def draw(self, images, batch_size):
        height, width = self.spatial_size(images)
        shear_x = self.uniform((batch_size,), *sorted(self.x_factor))
        shear_y = self.uniform((batch_size,), *sorted(self.y_factor))
        return shear(shear_x, shear_y, height, width)

    def transform_images(self, images, params):
        return _affine.apply(self, images, params)

    def transform_masks(self, masks, params):
        return _affine.apply(self, masks, params, "nearest")

    def transform_boxes(self, boxes, params, height, width):
        return move_boxes(self, boxes, params, height, width)

    def get_config(self):
        return {**super().get_config(), "x_factor": self.x_factor, "y_factor": self.y_factor,
                "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                "fill_value": self.fill_value}  # fmt: skip
