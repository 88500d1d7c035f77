"""`AutoContrast`: stretches each channel of each image to the full value range."""

from cornu import ops
from cornu.layers.preprocessing import _color


class AutoContrast(_color.ColorLayer):
    """Maps each channel's (min, max) to `value_range` linearly, in training and inference.
    A channel with a single value is left unchanged.

    Args:
        value_range: the (low, high) range of the pixel values.
        data_format (keyword): "channels_last" or "channels_first" (default: global setting).

    Example:
        >>> AutoContrast()(np.array([[[[10.0], [20.0]]]])).tolist()
        [[[[0.0], [255.0]]]]
    """

    def __init__(self, value_range=(0, 255), **kwargs):
        data_format = kwargs.pop("data_format", None)
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = _color.sorted_value_range("AutoContrast", value_range)

    def augment(self, images, batch_size):
        axes = _color.spatial_axes(self, images, self.data_format)
        low = ops.min(images, axis=axes, keepdims=True)
        high = ops.max(images, axis=axes, keepdims=True)
        span = high - low
        flat = ops.less_equal(span, 0.0)
        unit = (images - low) / ops.where(flat, ops.ones_like(span), span)
        return ops.where(flat, images, _color.from_unit(unit, self.value_range))

    def infer(self, images):
        return self.augment(images, None)

    def get_config(self):
        config = super().get_config()
        del config["seed"]
        return {**config, "value_range": self.value_range}
