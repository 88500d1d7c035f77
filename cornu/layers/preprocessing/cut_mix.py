"""`CutMix`: pastes a random box of another image of the batch into each image."""

from cornu import ops
from cornu.layers.preprocessing._augmentation_inputs import (
    AugmentationLayer,
    check_probability_factor,
    factor_config,
)
from cornu.layers.preprocessing._image_args import image_axes
from cornu.layers.preprocessing.mix_up import beta_weights, check_labels, partners


class CutMix(AugmentationLayer):
    """During training, pastes a box of another random image of the batch into each image
    (Yun et al. 2019, CutMix) and mixes the labels by the area pasted. The kept fraction `w`
    is drawn per image from Beta(a, a), `a` drawn from `factor` once per batch; the box has
    `sqrt(1 - w)` of the image's height and width, is centred at a random pixel and clipped
    to the image. Labels mix by the box's exact area after clipping.

    Args:
        factor: a number `f` (`a` drawn from [0, f]) or a pair (low, high), in [0, 1];
            small values give all-or-nothing boxes.
        seed: an int seed for reproducibility.
        data_format: "channels_last" or "channels_first" (default: the global setting).

    Example:
        >>> out = CutMix(seed=1)({"images": np.ones((4, 8, 8, 3)), "labels": np.eye(4)})
        >>> out["images"].shape
        (4, 8, 8, 3)
    """

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self._range = check_probability_factor("CutMix", factor)
        self.factor = factor_config(factor)

    def draw(self, images, batch_size):
        height, width = self.spatial_size(images)
        h = ops.cast(height, self.compute_dtype)
        w = ops.cast(width, self.compute_dtype)
        alpha = self.uniform((), *self._range)
        side = ops.sqrt(1.0 - beta_weights(self, batch_size, alpha))
        cy = self.uniform((batch_size,), 0.0, 1.0) * h
        cx = self.uniform((batch_size,), 0.0, 1.0) * w
        top = ops.clip(ops.round(cy - side * h / 2.0), 0.0, h)
        bottom = ops.clip(ops.round(cy + side * h / 2.0), 0.0, h)
        left = ops.clip(ops.round(cx - side * w / 2.0), 0.0, w)
        right = ops.clip(ops.round(cx + side * w / 2.0), 0.0, w)
        area = (bottom - top) * (right - left) / (h * w)
        return (top, bottom, left, right), area, partners(self, batch_size)

    def _paste(self, x, params):
        (top, bottom, left, right), _, index = params
        h_axis, w_axis = image_axes(self.name, x.shape, self.data_format)
        shape = ops.shape(x)
        rows = ops.cast(ops.arange(shape[h_axis]), self.compute_dtype)
        cols = ops.cast(ops.arange(shape[w_axis]), self.compute_dtype)
        in_rows = (rows[None] >= top[:, None]) & (rows[None] < bottom[:, None])
        in_cols = (cols[None] >= left[:, None]) & (cols[None] < right[:, None])
        box = in_rows[:, :, None] & in_cols[:, None, :]  # (batch, height, width)
        box = ops.expand_dims(box, 1 if self.data_format == "channels_first" else -1)
        return ops.where(box, ops.take(x, index, axis=0), x)

    def transform_images(self, images, params):
        return self._paste(images, params)

    def transform_masks(self, masks, params):
        return self._paste(masks, params)

    def transform_labels(self, labels, params):
        labels = check_labels(self, labels, None)
        _, area, index = params
        area = ops.reshape(area, (-1,) + (1,) * (len(labels.shape) - 1))
        return (1.0 - area) * labels + area * ops.take(labels, index, axis=0)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
