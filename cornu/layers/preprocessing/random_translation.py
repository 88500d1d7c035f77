"""`RandomTranslation`: shifts each image by a random fraction of its size."""

from cornu import ops
from cornu.layers.preprocessing import _affine
from cornu.layers.preprocessing._augmentation import (
    RandomImageLayer,
    factor_range,
    set_fill_arguments,
)


class RandomTranslation(RandomImageLayer):
    """During training, shifts each image down by `height_factor * height` and right by
    `width_factor * width` pixels, the factors drawn uniformly from their ranges.

    Args:
        height_factor: a number `f` (the range [-f, f]) or a pair, in [-1, 1].
        width_factor: the same for the horizontal shift.
        fill_mode: "reflect", "wrap", "constant" or "nearest".
        interpolation: "bilinear" or "nearest".
        seed: an int seed for reproducibility.
        fill_value: the value outside the input for "constant".
        data_format: "channels_last" or "channels_first" (default: the global setting).
        bounding_box_format: (keyword) the format of the boxes of dict inputs
            `{"images", "bounding_boxes", "segmentation_masks"}`, shifted with their images.
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):  # fmt: skip
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self._height_range = factor_range("RandomTranslation", "height_factor", height_factor,
                                          -1.0, 1.0)  # fmt: skip
        self._width_range = factor_range("RandomTranslation", "width_factor", width_factor,
                                         -1.0, 1.0)  # fmt: skip
        self.height_factor = height_factor
        self.width_factor = width_factor
        set_fill_arguments(self, fill_mode, interpolation, fill_value)

    def get_random_transformation(self, images, batch_size):
        """Per-image (dy, dx) shifts in pixels."""
        height, width = self.spatial_size(images)
        dy = self.uniform((batch_size,), *self._height_range) * ops.cast(height, self.compute_dtype)
        dx = self.uniform((batch_size,), *self._width_range) * ops.cast(width, self.compute_dtype)
        return dy, dx

    def transform_images(self, images, transformation, interpolation=None):
        return _affine.apply(self, images, _affine.translation(*transformation), interpolation)

    def transform_segmentation_masks(self, masks, transformation):
        return self.transform_images(masks, transformation, interpolation="nearest")

    def transform_bounding_boxes(self, boxes, transformation, height, width):
        return _affine.translation_boxes(boxes, *transformation)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor, "fill_mode": self.fill_mode,
                "interpolation": self.interpolation, "fill_value": self.fill_value}  # fmt: skip
