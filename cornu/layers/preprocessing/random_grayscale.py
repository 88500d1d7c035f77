"""`RandomGrayscale`: turns each image grey with probability `factor`."""

from cornu import ops
from cornu.layers.preprocessing import _color


class RandomGrayscale(_color.ColorLayer):
    """During training, replaces each RGB image, with probability `factor`, by its luma
    (0.2989 R + 0.5870 G + 0.1140 B) repeated on the 3 channels.

    Args:
        factor: the probability in [0, 1] of converting an image.
        data_format: "channels_last" or "channels_first" (default: the global setting).
        seed: an int seed for reproducibility.
    """

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not _color.is_number(factor):
            raise TypeError(
                f"RandomGrayscale: factor must be a number in [0, 1] (a probability); "
                f"received factor={factor!r}."
            )
        if not 0 <= factor <= 1:
            raise ValueError(
                f"RandomGrayscale: factor must be in [0, 1]; received factor={factor!r}."
            )
        self.factor = factor

    def augment(self, images, batch_size):
        _color.check_rgb(self, images, self.data_format)
        convert = ops.less(self.uniform((batch_size,), 0.0, 1.0), float(self.factor))
        gray = _color.grayscale_rgb(images, self.data_format)
        return ops.where(_color.per_image(convert), gray, images)

    def get_config(self):
        config = super().get_config()
        del config["seed"]
        return {**config, "factor": self.factor}
