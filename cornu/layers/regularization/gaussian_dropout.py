"""`GaussianDropout`: multiplies by Gaussian noise centred on 1 during training."""

import math

from cornu import ops
from cornu.layers.layer import Layer
from cornu.layers.regularization import _noise


class GaussianDropout(Layer):
    """During training, multiplies each entry by noise drawn from `N(1, rate / (1 - rate))`
    (the variance of dropout with drop probability `rate`); otherwise returns the input.

    Args:
        rate: the equivalent drop probability, in [0, 1); 0 disables the noise.
        seed: an int seed for reproducibility.

    Example:
        >>> GaussianDropout(0.2, seed=1)(np.ones((2, 3), "float32"), training=True).shape
        (2, 3)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _noise.check_rate("GaussianDropout", rate, allow_one=False)
        _noise.init_noise_layer(self, _noise.check_seed("GaussianDropout", seed), rate > 0)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = _noise.normal(
            _noise.noise_shape_for(inputs), 1.0, stddev, inputs.dtype, self.seed_generator
        )
        return ops.multiply(inputs, noise)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
