"""`AlphaDropout`: dropout that keeps the self-normalizing property of SELU networks."""

from cornu import ops
from cornu.layers.layer import Layer
from cornu.layers.regularization import _noise

_ALPHA = 1.6732632423543772
_SCALE = 1.0507009873554805


class AlphaDropout(Layer):
    """During training, sets each entry (per `noise_shape`) with probability `rate` to SELU's
    negative saturation value `-alpha * scale`, then applies the affine map `a * x + b` that
    restores zero mean and unit variance for standardized inputs:
    `a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5`, `b = -a * alpha_p * rate` with
    `alpha_p = -alpha * scale`. Otherwise returns the input.

    Args:
        rate: the drop probability, in [0, 1).
        noise_shape: the shape of the keep mask (None entries take the input's size).
        seed: an int seed for reproducibility.

    Example:
        >>> AlphaDropout(0.2, seed=1)(np.ones((2, 3), "float32"), training=True).shape
        (2, 3)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _noise.check_rate("AlphaDropout", rate, allow_one=False)
        seed = _noise.check_seed("AlphaDropout", seed)
        self.noise_shape = _noise.check_noise_shape("AlphaDropout", noise_shape)
        _noise.init_noise_layer(self, seed, rate > 0)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        rate = self.rate
        alpha_p = -_ALPHA * _SCALE
        a = ((1.0 - rate) * (1.0 + rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * rate
        try:
            shape = _noise.noise_shape_for(inputs, self.noise_shape)
        except ValueError as error:
            raise ValueError(f"AlphaDropout layer '{self.name}': {error}") from None
        kept = _noise.keep_mask(shape, rate, inputs.dtype, self.seed_generator)
        x = ops.add(ops.multiply(inputs, kept), ops.multiply(ops.subtract(1.0, kept), alpha_p))
        return ops.add(ops.multiply(x, a), b)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": None if self.noise_shape is None else list(self.noise_shape),
        }
