"""`RandomFlip`: flips each image horizontally and/or vertically with probability 1/2."""

from cornu import ops
from cornu.layers.preprocessing._augmentation import RandomImageLayer, check_choice
from cornu.layers.preprocessing._image_args import image_axes

HORIZONTAL, VERTICAL, BOTH = "horizontal", "vertical", "horizontal_and_vertical"


class RandomFlip(RandomImageLayer):
    """During training, flips each image left-right ("horizontal"), top-bottom ("vertical")
    or both independently ("horizontal_and_vertical"), each with probability 1/2.

    Args:
        mode: "horizontal", "vertical" or "horizontal_and_vertical".
        seed: an int seed for reproducibility.
        data_format: "channels_last" or "channels_first" (default: the global setting).

    Example:
        >>> RandomFlip("horizontal", seed=1)(np.ones((2, 4, 4, 3)), training=True).shape
        (2, 4, 4, 3)
    """

    def __init__(self, mode=BOTH, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = check_choice("RandomFlip", "mode", mode, (HORIZONTAL, VERTICAL, BOTH))

    def augment(self, images, batch_size):
        h_axis, w_axis = image_axes(self.name, images.shape, self.data_format)
        if self.mode in (HORIZONTAL, BOTH):
            images = self._maybe_flip(images, batch_size, w_axis)
        if self.mode in (VERTICAL, BOTH):
            images = self._maybe_flip(images, batch_size, h_axis)
        return images

    def _maybe_flip(self, images, batch_size, axis):
        flip = ops.less(self.uniform((batch_size,), 0.0, 1.0), 0.5)
        flip = ops.reshape(flip, (-1, 1, 1, 1))
        return ops.where(flip, ops.flip(images, axis=axis), images)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
