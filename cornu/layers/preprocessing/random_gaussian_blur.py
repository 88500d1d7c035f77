"""`RandomGaussianBlur`: blurs each image, with a random probability and sigma."""

import numpy as np

from cornu import ops
from cornu.layers.preprocessing import _color


def _kernel_size(value):
    pair = (value, value) if isinstance(value, int) and not isinstance(value, bool) else value
    if (
        not isinstance(pair, (list, tuple))
        or len(pair) != 2
        or any(isinstance(k, bool) or not isinstance(k, int) or k < 1 or k % 2 == 0 for k in pair)
    ):
        raise ValueError(
            "RandomGaussianBlur: kernel_size must be an odd positive int or a pair of them; "
            f"received kernel_size={value!r}."
        )
    return tuple(pair)


def _sigma(value):
    if _color.is_number(value):
        if value < 0:
            raise ValueError(
                f"RandomGaussianBlur: sigma must be a number >= 0 or a pair of numbers; "
                f"received sigma={value!r}."
            )
        return (0, value)
    return _color.number_pair("RandomGaussianBlur", "sigma", value)


class RandomGaussianBlur(_color.ColorLayer):
    """During training, each image draws a probability `p` from the `factor` range and is
    blurred with probability `p` by a zero-padded Gaussian kernel of `kernel_size`, with a
    standard deviation drawn from the `sigma` range.

    Args:
        factor: a number `f` in [0, 1] (probabilities in [0, f]) or a pair (lower, upper).
        kernel_size: an odd int, or a pair (height, width) of odd ints.
        sigma: a number `s` (the range [0, s]) or a pair (lower, upper).
        value_range: the (low, high) range of the pixel values, used for clipping.
        data_format: "channels_last" or "channels_first" (default: the global setting).
        seed: an int seed for reproducibility.
    """

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255),
                 data_format=None, seed=None, **kwargs):  # fmt: skip
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _color.factor_pair("RandomGaussianBlur", "factor", factor, 0, 1,
                                         number_low=0)  # fmt: skip
        self.kernel_size = _kernel_size(kernel_size)
        self.sigma = _sigma(sigma)
        self.value_range = _color.check_value_range("RandomGaussianBlur", value_range)

    def augment(self, images, batch_size):
        lower, upper = (float(v) for v in self.factor)
        probability = self.uniform((batch_size,), lower, upper) if lower < upper else lower
        apply = ops.less(self.uniform((batch_size,), 0.0, 1.0), probability)
        sigma = ops.maximum(self.uniform((batch_size,), *map(float, self.sigma)), 1e-6)
        blurred = images
        for axis, size in zip(_color.spatial_axes(self, images, self.data_format),
                              self.kernel_size):  # fmt: skip
            blurred = self._blur_axis(blurred, sigma, axis, size)
        blurred = _color.clip_to(blurred, self.value_range)
        return ops.where(_color.per_image(apply), blurred, images)

    def _blur_axis(self, images, sigma, axis, size):
        offsets = np.arange(size, dtype="float32") - size // 2
        taps = ops.exp(-ops.square(ops.convert_to_tensor(offsets, images.dtype))[None, :]
                       / (2.0 * ops.square(sigma)[:, None]))  # fmt: skip
        taps = taps / ops.sum(taps, axis=1, keepdims=True)  # (batch, size)
        return sum(_color.per_image(taps[:, i]) * _color.shift(images, int(-offset), axis)
                   for i, offset in enumerate(offsets))  # fmt: skip

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "kernel_size": self.kernel_size,
            "sigma": self.sigma,
            "value_range": self.value_range,
        }
