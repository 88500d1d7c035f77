"""`RandomRotation`: rotates each image by a random angle."""

from cornu import ops
from cornu.layers.preprocessing import _affine
from cornu.layers.preprocessing._augmentation import (
    RandomImageLayer,
    factor_range,
    set_fill_arguments,
)
from cornu.utils import bounding_boxes


class RandomRotation(RandomImageLayer):
    """During training, rotates each image counter-clockwise by `factor * 2 pi` radians,
    the factor drawn uniformly from `[lower, upper]`.

    Args:
        factor: a number `f` (the range [-f, f]) or a pair (lower, upper), in [-1, 1] (a
            fraction of a full turn).
        fill_mode: "reflect", "wrap", "constant" or "nearest" (points outside the input).
        interpolation: "bilinear" or "nearest".
        seed: an int seed for reproducibility.
        fill_value: the value outside the input for "constant".
        data_format: "channels_last" or "channels_first" (default: the global setting).
        bounding_box_format: (keyword) the format of the boxes of dict inputs
            `{"images", "bounding_boxes", "segmentation_masks"}`, rotated with their images
            (the box around each rotated box, clipped to the image).

    Example:
        >>> RandomRotation((0.5, 0.5), fill_mode="constant")(img, training=True)  # 180 degrees
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):  # fmt: skip
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self._range = factor_range("RandomRotation", "factor", factor, -1.0, 1.0)
        self.factor = self._range if not isinstance(factor, (list, tuple)) else factor
        set_fill_arguments(self, fill_mode, interpolation, fill_value)

    def get_random_transformation(self, images, batch_size):
        """Per-image angles in radians."""
        lower, upper = self._range
        return self.uniform((batch_size,), lower, upper) * _affine.TWO_PI

    def transform_images(self, images, transformation):
        height, width = self.spatial_size(images)
        return _affine.apply(self, images, _affine.rotation(transformation, height, width))

    def transform_segmentation_masks(self, masks, transformation):
        height, width = self.spatial_size(masks)
        return _affine.apply(self, masks, _affine.rotation(transformation, height, width),
                             interpolation="nearest")  # fmt: skip

    def transform_bounding_boxes(self, boxes, transformation, height, width):
        degrees = transformation * (360.0 / _affine.TWO_PI)
        zero, one = ops.zeros_like(degrees), ops.ones_like(degrees)
        return bounding_boxes.affine_transform(boxes, degrees, zero, zero, one, zero, zero,
                                               height, width)  # fmt: skip

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "interpolation": self.interpolation}  # fmt: skip
