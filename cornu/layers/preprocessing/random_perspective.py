"""`RandomPerspective`: moves the corners of each image to warp its perspective."""

from cornu import ops
from cornu.layers.preprocessing._augmentation import INTERPOLATIONS, check_choice
from cornu.layers.preprocessing._augmentation_inputs import (
    AugmentationLayer,
    check_probability_factor,
    factor_config,
    move_boxes,
)


def homography(start, end):
    """The projective transforms (`ops.image.affine_transform` layout, one row per image)
    taking each output point in `end` (batch, 4, 2) to its input point in `start`."""
    xe, ye, xs, ys = end[..., 0], end[..., 1], start[..., 0], start[..., 1]
    one, zero = ops.ones_like(xe), ops.zeros_like(xe)
    rows_x = ops.stack([xe, ye, one, zero, zero, zero, -xe * xs, -ye * xs], axis=-1)
    rows_y = ops.stack([zero, zero, zero, xe, ye, one, -xe * ys, -ye * ys], axis=-1)
    matrix = ops.concatenate([rows_x, rows_y], axis=1)  # (batch, 8, 8)
    rhs = ops.expand_dims(ops.concatenate([xs, ys], axis=1), -1)  # (batch, 8, 1)
    return ops.squeeze(ops.solve(matrix, rhs), -1)


class RandomPerspective(AugmentationLayer):
    """During training, warps the perspective of some images: each image is transformed
    with a probability drawn from `factor`, its four corners moving independently by up to
    `scale / 4` of the image's width and height (outside the input is `fill_value`).

    Args:
        factor: a number `f` (a probability drawn per image from [0, f]) or a pair
            (low, high), in [0, 1].
        scale: how far the corners move, in [0, 1].
        interpolation: "bilinear" or "nearest".
        fill_value: the value outside the input.
        seed: an int seed for reproducibility.
        data_format: "channels_last" or "channels_first" (default: the global setting).

    Example:
        >>> RandomPerspective(factor=(1.0, 1.0), scale=0.5)(np.ones((2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0,
                 seed=None, data_format=None, **kwargs):  # fmt: skip
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self._probability = check_probability_factor("RandomPerspective", factor)
        self.factor = factor_config(factor)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 <= scale <= 1:
            raise ValueError(
                f"RandomPerspective: scale must be a number in [0, 1]; received scale={scale!r}."
            )
        self.scale = scale
        self.interpolation = check_choice("RandomPerspective", "interpolation", interpolation,
                                          INTERPOLATIONS)  # fmt: skip
        self.fill_value = fill_value
        self.fill_mode = "constant"

    def draw(self, images, batch_size):
        height, width = self.spatial_size(images)
        w = ops.cast(width, self.compute_dtype) - 1.0
        h = ops.cast(height, self.compute_dtype) - 1.0
        probability = self.uniform((batch_size,), *self._probability)
        apply = ops.less(self.uniform((batch_size,), 0.0, 1.0), probability)
        corners = ops.reshape(ops.stack([0 * w, 0 * h, w, 0 * h, w, h, 0 * w, h]), (1, 4, 2))
        size = ops.reshape(ops.stack([w, h]), (1, 1, 2))
        shift = self.uniform((batch_size, 4, 2), -0.25, 0.25) * (self.scale * size)
        shift = ops.where(ops.reshape(apply, (-1, 1, 1)), shift, ops.zeros_like(shift))
        return homography(corners + ops.zeros_like(shift), corners + shift)

    def transform_images(self, images, params, interpolation=None):
        return ops.image.affine_transform(images, params,
                                          interpolation=interpolation or self.interpolation,
                                          fill_mode="constant", fill_value=self.fill_value,
                                          data_format=self.data_format)  # fmt: skip

    def transform_masks(self, masks, params):
        return self.transform_images(masks, params, "nearest")

    def transform_boxes(self, boxes, params, height, width):
        return move_boxes(self, boxes, params, height, width)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_value": self.fill_value}  # fmt: skip
