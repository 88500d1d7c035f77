"""`Equalization`: histogram equalization of each channel of each image."""

from cornu import ops
from cornu.layers.preprocessing import _color


class Equalization(_color.ColorLayer):
    """During training, spreads each channel's histogram over `value_range`: a pixel in bin
    `i` of `bins` maps to `round((cdf[i] - cdf_min) / (pixels - cdf_min) * (bins - 1))`,
    rescaled to the range. At inference the images pass through (as in Keras).

    Args:
        value_range: the (low, high) range of the pixel values.
        bins: the number of histogram bins.
        data_format: "channels_last" or "channels_first" (default: the global setting).
    """

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = _color.sorted_value_range("Equalization", value_range)
        if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
            raise ValueError(f"Equalization: bins must be an int >= 2; received bins={bins!r}.")
        self.bins = bins

    def augment(self, images, batch_size):
        if self.data_format == "channels_first":
            images = ops.transpose(images, (0, 2, 3, 1))
        out = self._equalize(images)
        return ops.transpose(out, (0, 3, 1, 2)) if self.data_format == "channels_first" else out

    def _equalize(self, images):
        unit = ops.clip(_color.to_unit(images, self.value_range), 0.0, 1.0)
        top = self.bins - 1
        index = ops.cast(ops.floor(unit * top), "int32")  # (b, h, w, c)
        onehot = ops.one_hot(index, self.bins, dtype=images.dtype)  # (b, h, w, c, bins)
        counts = ops.sum(onehot, axis=(1, 2))  # (b, c, bins)
        cdf = ops.cumsum(counts, axis=-1)
        total = cdf[..., -1:]
        # cdf of the first non-empty bin: the smallest non-zero cdf value.
        cdf_min = ops.min(ops.where(ops.greater(cdf, 0.0), cdf, total), axis=-1, keepdims=True)
        spread = total - cdf_min
        flat = ops.less_equal(spread, 0.0)
        lut = (cdf - cdf_min) / ops.where(flat, ops.ones_like(spread), spread) * top
        lut = ops.floor(ops.maximum(lut, 0.0) + 0.5) / top  # (b, c, bins)
        mapped = ops.einsum("bhwck,bck->bhwc", onehot, lut)
        out = _color.from_unit(mapped, self.value_range)
        flat = ops.expand_dims(ops.expand_dims(flat[..., 0], 1), 1)  # (b, 1, 1, c)
        return ops.where(flat, images, out)

    def get_config(self):
        config = super().get_config()
        del config["seed"]
        return {**config, "bins": self.bins, "value_range": self.value_range}
