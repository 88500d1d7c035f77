"""`RandomZoom`: zooms each image in or out by a random amount."""

from cornu.layers.preprocessing import _affine
from cornu.layers.preprocessing._augmentation import (
    RandomImageLayer,
    factor_range,
    set_fill_arguments,
)


class RandomZoom(RandomImageLayer):
    """During training, zooms each image about its centre: a factor drawn from
    `[lower, upper]` scales the sampled window by `1 + factor` (positive values zoom out,
    negative values zoom in). Without `width_factor` both axes use the height's factor.

    Args:
        height_factor: a number `f` (the range [-f, f]) or a pair, in (-1, 1].
        width_factor: like height_factor, or None to keep the aspect ratio.
        fill_mode: "reflect", "wrap", "constant" or "nearest".
        interpolation: "bilinear" or "nearest".
        seed: an int seed for reproducibility.
        fill_value: the value outside the input for "constant".
        data_format: "channels_last" or "channels_first" (default: the global setting).
        bounding_box_format: (keyword) the format of the boxes of dict inputs
            `{"images", "bounding_boxes", "segmentation_masks"}`, zoomed with their images.
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):  # fmt: skip
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self._height_range = factor_range("RandomZoom", "height_factor", height_factor, -1.0,
                                          1.0, low_open=True)  # fmt: skip
        self._width_range = (
            None
            if width_factor is None
            else factor_range("RandomZoom", "width_factor", width_factor, -1.0, 1.0, low_open=True)
        )
        self.height_factor = height_factor
        self.width_factor = width_factor
        set_fill_arguments(self, fill_mode, interpolation, fill_value)

    def get_random_transformation(self, images, batch_size):
        """Per-image (zoom_y, zoom_x) factors."""
        zoom_y = 1.0 + self.uniform((batch_size,), *self._height_range)
        zoom_x = (
            zoom_y
            if self._width_range is None
            else (1.0 + self.uniform((batch_size,), *self._width_range))
        )
        return zoom_y, zoom_x

    def transform_images(self, images, transformation, interpolation=None):
        height, width = self.spatial_size(images)
        return _affine.apply(self, images, _affine.zoom(*transformation, height, width),
                             interpolation)  # fmt: skip

    def transform_segmentation_masks(self, masks, transformation):
        return self.transform_images(masks, transformation, interpolation="nearest")

    def transform_bounding_boxes(self, boxes, transformation, height, width):
        return _affine.zoom_boxes(boxes, *transformation, height, width)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor, "fill_mode": self.fill_mode,
                "interpolation": self.interpolation, "fill_value": self.fill_value}  # fmt: skip
