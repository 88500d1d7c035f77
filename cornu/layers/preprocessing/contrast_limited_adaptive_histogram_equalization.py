"""`ContrastLimitedAdaptiveHistogramEqualization` (CLAHE): local histogram equalization."""

import numpy as np

from cornu import ops
from cornu.layers.preprocessing import _color

LEVELS = 256


def _grid(value):
    pair = (value, value) if isinstance(value, int) and not isinstance(value, bool) else value
    if (
        not isinstance(pair, (list, tuple))
        or len(pair) != 2
        or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in pair)
    ):
        raise ValueError(
            "ContrastLimitedAdaptiveHistogramEqualization: tile_grid_size must be a pair of "
            f"positive ints (rows, columns); received tile_grid_size={value!r}."
        )
    return pair


def _neighbours(size, tiles):
    """For each pixel along one axis: the two nearest tile centres and the weight of the
    second (Zuiderveld 1994: bilinear interpolation between tile mappings)."""
    tile = -(-size // tiles)
    position = np.arange(size) / tile - 0.5
    first = np.clip(np.floor(position), 0, tiles - 1).astype("int32")
    second = np.minimum(first + 1, tiles - 1)
    weight = np.clip(position - first, 0.0, 1.0).astype("float32")
    return first, second, weight, tile


class ContrastLimitedAdaptiveHistogramEqualization(_color.ColorLayer):
    """Equalizes each tile of a `tile_grid_size` grid (the image padded symmetrically to
    whole tiles) with a histogram of 256 levels clipped at `clip_limit` times the mean bin
    count, the excess spread evenly over the levels; a level maps to
    `(cdf - cdf[0]) / (pixels - cdf[0])`. Each pixel blends the mappings of the four nearest
    tile centres bilinearly. Applied in training and inference.

    Args:
        value_range: the (low, high) range of the pixel values.
        clip_limit: the histogram clip limit, relative to a uniform histogram.
        tile_grid_size: (rows, columns) of tiles.
        data_format: "channels_last" or "channels_first" (default: the global setting).
    """

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8),
                 data_format=None, **kwargs):  # fmt: skip
        super().__init__(data_format=data_format, **kwargs)
        name = "ContrastLimitedAdaptiveHistogramEqualization"
        self.value_range = _color.check_value_range(name, value_range)
        if not _color.is_number(clip_limit) or clip_limit < 0:
            raise ValueError(
                f"{name}: clip_limit must be a number >= 0; received clip_limit={clip_limit!r}."
            )
        self.clip_limit = clip_limit
        self.tile_grid_size = tile_grid_size
        self._grid = _grid(tile_grid_size)

    def augment(self, images, batch_size):
        if self.data_format == "channels_first":
            images = ops.transpose(images, (0, 2, 3, 1))
        out = self._equalize(images)
        return ops.transpose(out, (0, 3, 1, 2)) if self.data_format == "channels_first" else out

    def infer(self, images):
        return self.augment(images, None)

    def _equalize(self, images):
        _, height, width, channels = images.shape
        if height is None or width is None or channels is None:
            raise ValueError(
                f"ContrastLimitedAdaptiveHistogramEqualization layer '{self.name}' needs known "
                f"height, width and channels; received input shape {tuple(images.shape)}."
            )
        rows, cols = self._grid
        ys = _neighbours(height, rows)
        xs = _neighbours(width, cols)
        unit = ops.clip(_color.to_unit(images, self.value_range), 0.0, 1.0)
        levels = ops.cast(ops.floor(unit * (LEVELS - 1)), "int32")
        luts = self._tile_luts(levels, ys[3], xs[3], images.dtype)  # (b, rows*cols*c*256)
        flat_levels = ops.reshape(levels, (-1, height * width * channels))

        def lookup(tile_y, tile_x):
            tile = (tile_y[:, None] * cols + tile_x[None, :])[:, :, None] * channels
            base = (tile + np.arange(channels)[None, None, :]) * LEVELS
            index = ops.convert_to_tensor(base.reshape(1, -1).astype("int32")) + flat_levels
            return ops.reshape(ops.take_along_axis(luts, index, axis=1), ops.shape(images))

        wy = ops.convert_to_tensor(ys[2].reshape(1, -1, 1, 1), images.dtype)
        wx = ops.convert_to_tensor(xs[2].reshape(1, 1, -1, 1), images.dtype)
        top = lookup(ys[0], xs[0]) * (1.0 - wx) + lookup(ys[0], xs[1]) * wx
        bottom = lookup(ys[1], xs[0]) * (1.0 - wx) + lookup(ys[1], xs[1]) * wx
        mapped = (top * (1.0 - wy) + bottom * wy) / (LEVELS - 1)
        return _color.from_unit(mapped, self.value_range)

    def _tile_luts(self, levels, tile_h, tile_w, dtype):
        """Clipped, redistributed cumulative histograms of every tile, as 8-bit mappings."""
        rows, cols = self._grid
        pad_h = rows * tile_h - levels.shape[1]
        pad_w = cols * tile_w - levels.shape[2]
        padded = ops.pad(levels, [[0, 0], [0, pad_h], [0, pad_w], [0, 0]], mode="symmetric")
        tiles = ops.reshape(padded, (-1, rows, tile_h, cols, tile_w, levels.shape[3]))
        hist = ops.sum(ops.one_hot(tiles, LEVELS, dtype=dtype), axis=(2, 4))  # (b, r, c, ch, L)
        area = float(tile_h * tile_w)
        limit = self.clip_limit * area / LEVELS
        excess = ops.sum(ops.maximum(hist - limit, 0.0), axis=-1, keepdims=True)
        hist = ops.minimum(hist, limit) + excess / LEVELS
        cdf = ops.cumsum(hist, axis=-1)
        # Level 0 maps to 0: the mapping spreads cdf - cdf[0] over the levels.
        low = cdf[..., :1]
        lut = (cdf - low) / ops.maximum(area - low, 1e-6) * (LEVELS - 1)
        lut = ops.clip(lut, 0.0, LEVELS - 1)
        return ops.reshape(lut, (ops.shape(lut)[0], -1))

    def get_config(self):
        config = super().get_config()
        del config["seed"]
        return {
            **config,
            "value_range": self.value_range,
            "clip_limit": self.clip_limit,
            "tile_grid_size": self.tile_grid_size,
        }
