"""`MixUp`: blends each image (and its label) with another image of the batch."""

from cornu import ops, random
from cornu.layers.preprocessing._augmentation_inputs import AugmentationLayer, require_box_format

# Gamma(alpha) underflows to 0 in float32 for alpha near 0; below this floor Beta(alpha,
# alpha) is all but a coin flip between 0 and 1, which `beta_weights` returns directly.
_MIN_ALPHA = 0.05


def beta_weights(layer, batch_size, alpha):
    """Per-image Beta(alpha, alpha) draws from `layer`'s seed generator (`alpha` a number or
    a scalar tensor), as X / (X + Y) with X, Y ~ Gamma(alpha)."""
    dtype, seed = layer.compute_dtype, layer.seed_generator
    alpha = ops.maximum(ops.cast(alpha, dtype), _MIN_ALPHA)
    draws = random.gamma((2, batch_size), alpha, dtype=dtype, seed=seed)  # one compile in jax
    x, total = draws[0], draws[0] + draws[1]
    coin = ops.cast(ops.less(layer.uniform((batch_size,), 0.0, 1.0), 0.5), dtype)
    return ops.where(total > 0, x / ops.maximum(total, 1e-30), coin)


def partners(layer, batch_size):
    """A random permutation of the batch: the image each image is mixed with."""
    # The order of uniform draws: unlike `arange`, it works with a run-time batch size.
    return ops.cast(ops.argsort(layer.uniform((batch_size,), 0.0, 1.0)), "int32")


def check_labels(layer, labels, images):
    labels = ops.cast(labels, layer.compute_dtype)
    if len(labels.shape) < 1:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}' expects one label row per image "
            f"(e.g. one-hot labels of shape (batch, classes)); received labels of shape "
            f"{tuple(labels.shape)}."
        )
    return labels


class MixUp(AugmentationLayer):
    """During training, replaces each image by `w * image + (1 - w) * other` and its label by
    `w * label + (1 - w) * other_label` (Zhang et al. 2018, mixup), `other` a random image of
    the same batch and `w` drawn per image from Beta(alpha, alpha). Labels should be one-hot
    (or otherwise float) rows.

    Args:
        alpha: the Beta distribution's parameter (> 0): small values mix little.
        data_format: "channels_last" or "channels_first" (default: the global setting).
        seed: an int seed for reproducibility.

    Example:
        >>> out = MixUp(seed=1)({"images": np.ones((4, 8, 8, 3)), "labels": np.eye(4)})
        >>> out["labels"].shape
        (4, 4)
    """

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"MixUp: alpha must be a number above 0; received alpha={alpha!r}.")
        self.alpha = alpha

    def draw(self, images, batch_size):
        return beta_weights(self, batch_size, float(self.alpha)), partners(self, batch_size)

    def transform_images(self, images, params):
        return self._mix(images, params)

    def transform_labels(self, labels, params):
        return self._mix(check_labels(self, labels, None), params)

    def transform_masks(self, masks, params):
        raise NotImplementedError(
            f"MixUp layer '{self.name}' does not mix 'segmentation_masks'; drop them from "
            "the inputs or use CutMix, which does."
        )

    def transform_boxes(self, boxes, params, height, width):
        """Each image keeps its boxes and gains its partner's (both images show through the
        blend), as Keras does: `boxes` and their `labels` are concatenated per image."""
        require_box_format(self)
        _, index = params
        return {
            key: ops.concatenate([value, ops.take(value, index, axis=0)], axis=1)
            for key, value in boxes.items()
        }

    def _mix(self, x, params):
        weights, index = params
        weights = ops.reshape(weights, (-1,) + (1,) * (len(x.shape) - 1))
        return weights * x + (1.0 - weights) * ops.take(x, index, axis=0)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
