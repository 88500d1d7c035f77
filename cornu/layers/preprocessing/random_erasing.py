"""`RandomErasing`: fills a random box of each image with a constant or noise."""

from cornu import ops, random
from cornu.layers.preprocessing._augmentation_inputs import (
    AugmentationLayer,
    check_probability_factor,
    factor_config,
)
from cornu.layers.preprocessing._color import check_value_range, clip_to
from cornu.layers.preprocessing._image_args import image_axes


class RandomErasing(AugmentationLayer):
    """During training, erases a box of some images (Zhong et al. 2017, Random Erasing):
    each image is erased with a probability drawn from `factor`; the box covers a fraction
    `s` of the image, drawn from `scale`, with the image's aspect ratio (`sqrt(s)` of its
    height and width) at a random position inside it. The box is filled with `fill_value`,
    or with standard normal noise when it is None, clipped to `value_range`.

    Args:
        factor: a number `f` (a probability drawn per image from [0, f]) or a pair
            (low, high), in [0, 1].
        scale: the (low, high) range of the erased fraction of the image, in [0, 1].
        fill_value: the erased pixels' value, or None for noise.
        value_range: the (low, high) range of the pixel values.
        seed: an int seed for reproducibility.
        data_format: "channels_last" or "channels_first" (default: the global setting).

    Example:
        >>> RandomErasing(fill_value=0.0, seed=1)(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255),
                 seed=None, data_format=None, **kwargs):  # fmt: skip
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self._probability = check_probability_factor("RandomErasing", factor)
        self.factor = factor_config(factor)
        if (
            not isinstance(scale, (list, tuple))
            or len(scale) != 2
            or not all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in scale)
        ):
            raise ValueError(
                "RandomErasing: scale must be a pair (low, high) of fractions in [0, 1]; "
                f"received scale={scale!r}."
            )
        self.scale = scale
        if fill_value is not None and not isinstance(fill_value, (int, float)):
            raise ValueError(
                f"RandomErasing: fill_value must be a number or None; received "
                f"fill_value={fill_value!r}."
            )
        self.fill_value = fill_value
        self.value_range = check_value_range("RandomErasing", value_range)

    def draw(self, images, batch_size):
        height, width = self.spatial_size(images)
        h = ops.cast(height, self.compute_dtype)
        w = ops.cast(width, self.compute_dtype)
        probability = self.uniform((batch_size,), *self._probability)
        apply = ops.less(self.uniform((batch_size,), 0.0, 1.0), probability)
        side = ops.sqrt(self.uniform((batch_size,), *sorted(float(v) for v in self.scale)))
        box_h, box_w = ops.round(side * h), ops.round(side * w)
        top = ops.floor(self.uniform((batch_size,), 0.0, 1.0) * (h - box_h + 1.0))
        left = ops.floor(self.uniform((batch_size,), 0.0, 1.0) * (w - box_w + 1.0))
        noise = None
        if self.fill_value is None:
            shape = ops.shape(images)
            channels_first = self.data_format == "channels_first"
            # Drawn channels-last in both formats, so a seed gives the same noise in each.
            last = (shape[0], shape[2], shape[3], shape[1]) if channels_first else shape
            noise = random.normal(last, dtype=self.compute_dtype, seed=self.seed_generator)
            if channels_first:
                noise = ops.transpose(noise, (0, 3, 1, 2))
        return apply, (top, top + box_h, left, left + box_w), noise

    def transform_images(self, images, params):
        apply, (top, bottom, left, right), noise = params
        h_axis, w_axis = image_axes(self.name, images.shape, self.data_format)
        shape = ops.shape(images)
        rows = ops.cast(ops.arange(shape[h_axis]), self.compute_dtype)
        cols = ops.cast(ops.arange(shape[w_axis]), self.compute_dtype)
        in_rows = (rows[None] >= top[:, None]) & (rows[None] < bottom[:, None])
        in_cols = (cols[None] >= left[:, None]) & (cols[None] < right[:, None])
        box = in_rows[:, :, None] & in_cols[:, None, :] & apply[:, None, None]
        box = ops.expand_dims(box, 1 if self.data_format == "channels_first" else -1)
        fill = noise if noise is not None else ops.full_like(images, float(self.fill_value))
        return ops.where(box, clip_to(fill, self.value_range), images)

    def transform_boxes(self, boxes, params, height, width):
        return boxes  # erasing moves no pixels

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "fill_value": self.fill_value, "value_range": self.value_range}  # fmt: skip
