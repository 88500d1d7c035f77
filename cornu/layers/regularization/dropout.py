"""`Dropout`: randomly zeroes inputs during training."""

from cornu import ops, random
from cornu.layers.layer import Layer
from cornu.layers.regularization import _noise


class Dropout(Layer):
    """During training, zeroes each entry with probability `rate` and scales the others by
    `1 / (1 - rate)`, so the expected sum is unchanged; otherwise returns the input.

    The layer draws its randomness from its own `cornu.random.SeedGenerator`, whose state is a
    non-trainable variable of the layer, so it works inside `stateless_call` and `jax.jit`.

    Args:
        rate: the drop probability, in [0, 1].
        noise_shape: the shape of the keep mask, broadcast against the input (None entries take
            the input's size), e.g. `(batch, 1, features)` to drop whole features.
        seed: an int seed for reproducibility.

    Example:
        >>> layer = Dropout(0.5, seed=1)
        >>> layer(np.ones((2, 4), "float32"), training=True)   # zeros and 2.0s
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _noise.check_rate("Dropout", rate)
        seed = _noise.check_seed("Dropout", seed)
        self.noise_shape = _noise.check_noise_shape("Dropout", noise_shape)
        _noise.init_noise_layer(self, seed, rate > 0)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return ops.zeros_like(inputs)
        noise_shape = self.noise_shape
        if noise_shape is not None and len(noise_shape) != len(inputs.shape):
            raise ValueError(
                f"Dropout layer '{self.name}': noise_shape {noise_shape} has rank "
                f"{len(noise_shape)}, but the input has shape {tuple(inputs.shape)}."
            )
        # cornu.random.dropout fills None entries (and run-time dims) from the input's shape.
        return random.dropout(inputs, self.rate, noise_shape=noise_shape, seed=self.seed_generator)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": tuple(self.noise_shape) if self.noise_shape is not None else None,
        }
