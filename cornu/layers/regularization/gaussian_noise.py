"""`GaussianNoise`: adds zero-mean Gaussian noise during training."""

from cornu import ops
from cornu.layers.layer import Layer
from cornu.layers.regularization import _noise


class GaussianNoise(Layer):
    """During training, adds noise drawn from `N(0, stddev**2)` to each entry; otherwise
    returns the input unchanged.

    Args:
        stddev: the noise's standard deviation (>= 0).
        seed: an int seed for reproducibility.

    Example:
        >>> GaussianNoise(0.1, seed=1)(np.zeros((2, 3), "float32"), training=True).shape
        (2, 3)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(stddev, (int, float)) or isinstance(stddev, bool) or stddev < 0:
            raise ValueError(
                f"GaussianNoise: stddev must be a non-negative number; received stddev={stddev!r}."
            )
        self.stddev = stddev
        _noise.init_noise_layer(self, _noise.check_seed("GaussianNoise", seed), stddev > 0)

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = _noise.normal(
            _noise.noise_shape_for(inputs), 0.0, self.stddev, inputs.dtype, self.seed_generator
        )
        return ops.add(inputs, noise)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
