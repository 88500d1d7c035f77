"""`RandomElasticTransform`: distorts each image with a smooth random displacement field."""

from cornu import ops
from cornu.layers.preprocessing._augmentation import (
    FILL_MODES,
    INTERPOLATIONS,
    check_choice,
)
from cornu.layers.preprocessing._augmentation_inputs import (
    AugmentationLayer,
    check_probability_factor,
    factor_config,
)
from cornu.layers.preprocessing._color import check_value_range, clip_to
from cornu.layers.preprocessing._image_args import image_axes

_ORDER = {"nearest": 0, "bilinear": 1}


class RandomElasticTransform(AugmentationLayer):
    """During training, distorts some images elastically (Simard et al. 2003): uniform noise
    per pixel and direction, smoothed by a Gaussian of `sigma = max(1, min(h, w) / 16)` and
    normalized to a peak of 1, times `s * min(h, w) / 10` pixels, tells each output pixel
    where to sample the input. Each image is distorted with a probability drawn from
    `factor`, with `s` drawn from `scale`; the result is clipped to `value_range`.

    Args:
        factor: a number `f` (a probability drawn per image from [0, f]) or a pair
            (low, high), in [0, 1].
        scale: a number `s` (the range [0, s]) or a pair, in [0, 1]: the distortion's size.
        interpolation: "bilinear" or "nearest".
        fill_mode: "reflect", "wrap", "constant" or "nearest" (points outside the input).
        fill_value: the value outside the input for "constant".
        value_range: the (low, high) range of the pixel values.
        seed: an int seed for reproducibility.
        data_format: "channels_last" or "channels_first" (default: the global setting).

    Example:
        >>> RandomElasticTransform(scale=0.5, seed=1)(np.ones((2, 16, 16, 3))).shape
        (2, 16, 16, 3)
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, value_range=(0, 255), seed=None, data_format=None,
                 **kwargs):  # fmt: skip
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self._probability = check_probability_factor("RandomElasticTransform", factor)
        self.factor = factor_config(factor)
        try:
            self._scale = check_probability_factor("RandomElasticTransform", scale)
        except ValueError:
            raise ValueError(
                "RandomElasticTransform: scale must be a number or a pair of numbers in "
                f"[0, 1]; received scale={scale!r}."
            ) from None
        self.scale = factor_config(scale)
        self.interpolation = check_choice("RandomElasticTransform", "interpolation",
                                          interpolation, INTERPOLATIONS)  # fmt: skip
        self.fill_mode = check_choice("RandomElasticTransform", "fill_mode", fill_mode,
                                      FILL_MODES)  # fmt: skip
        self.fill_value = fill_value
        self.value_range = check_value_range("RandomElasticTransform", value_range)

    def _static_size(self, images):
        h_axis, w_axis = image_axes(self.name, images.shape, self.data_format)
        height, width = images.shape[h_axis], images.shape[w_axis]
        if height is None or width is None:
            raise ValueError(
                f"RandomElasticTransform layer '{self.name}' needs images of known height "
                f"and width; received shape {tuple(images.shape)}."
            )
        return int(height), int(width)

    def draw(self, images, batch_size):
        """The (batch, height, width, 2) displacement, in pixels, of each output pixel."""
        height, width = self._static_size(images)
        sigma = max(1.0, min(height, width) / 16.0)
        size = 2 * int(3 * sigma) + 1
        noise = self.uniform((batch_size, height, width, 2), -1.0, 1.0)
        field = ops.image.gaussian_blur(noise, (size, size), (sigma, sigma),
                                        data_format="channels_last")  # fmt: skip
        peak = ops.max(ops.abs(field), axis=(1, 2, 3), keepdims=True)
        probability = self.uniform((batch_size,), *self._probability)
        apply = ops.cast(ops.less(self.uniform((batch_size,), 0.0, 1.0), probability),
                         self.compute_dtype)  # fmt: skip
        magnitude = self.uniform((batch_size,), *self._scale) * apply * (min(height, width) / 10)
        return field / (peak + 1e-6) * ops.reshape(magnitude, (-1, 1, 1, 1))

    def transform_images(self, images, params, interpolation=None, clip=True):
        channels_first = self.data_format == "channels_first"
        x = ops.transpose(images, (0, 2, 3, 1)) if channels_first else images
        _, height, width, channels = x.shape
        dtype = params.dtype
        rows = ops.reshape(ops.arange(height, dtype=dtype), (1, -1, 1, 1))
        cols = ops.reshape(ops.arange(width, dtype=dtype), (1, 1, -1, 1))
        # 0, 1, ... per image, from the field (arange needs a static batch size).
        index = ops.cumsum(ops.ones_like(params[:, 0, 0, 0])) - 1.0
        batches = ops.reshape(index, (-1, 1, 1, 1))
        chans = ops.reshape(ops.arange(channels, dtype=dtype), (1, 1, 1, -1))
        zeros = ops.zeros_like(ops.cast(x, dtype))
        coords = ops.stack([
            batches + zeros,
            rows + ops.expand_dims(params[..., 0], -1) + zeros,
            cols + ops.expand_dims(params[..., 1], -1) + zeros,
            chans + zeros,
        ])  # fmt: skip
        order = _ORDER[interpolation or self.interpolation]
        y = ops.image.map_coordinates(x, coords, order, fill_mode=self.fill_mode,
                                      fill_value=self.fill_value)  # fmt: skip
        if clip:
            y = clip_to(y, self.value_range)
        return ops.transpose(y, (0, 3, 1, 2)) if channels_first else y

    def transform_masks(self, masks, params):
        return self.transform_images(masks, params, "nearest", clip=False)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "value_range": self.value_range}  # fmt: skip
