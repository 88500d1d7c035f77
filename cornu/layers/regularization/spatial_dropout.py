"""`SpatialDropout1D/2D/3D`: dropout of whole feature maps (channels)."""

from cornu import config, ops
from cornu.layers.input_spec import InputSpec
from cornu.layers.regularization import _noise
from cornu.layers.regularization.dropout import Dropout


class _SpatialDropout(Dropout):
    """Dropout whose mask is drawn per (example, channel) and shared by all positions."""

    _rank = None  # spatial rank, set by subclasses

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        name = type(self).__name__
        _noise.check_rate(name, rate)
        _noise.check_seed(name, seed)
        super().__init__(rate, seed=seed, **kwargs)
        if self._rank == 1:
            data_format = "channels_last"
        elif data_format is None:
            data_format = config.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                f"{name}: data_format must be 'channels_last' or 'channels_first'; received "
                f"data_format={data_format!r}."
            )
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _mask_shape(self, inputs):
        static = tuple(inputs.shape)
        if self.data_format == "channels_last":
            wanted = (None,) + (1,) * self._rank + (static[-1],)
        else:
            wanted = (None, static[1]) + (1,) * self._rank
        return _noise.noise_shape_for(inputs, wanted)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return ops.zeros_like(inputs)
        keep = _noise.keep_mask(
            self._mask_shape(inputs), self.rate, inputs.dtype, self.seed_generator
        )
        return ops.multiply(keep, ops.true_divide(inputs, 1.0 - self.rate))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
        }
        config.pop("noise_shape", None)
        # Keras's spatial dropouts leave out "trainable" and name their dtype by a string.
        config.pop("trainable", None)
        config["dtype"] = self.dtype_policy.name
        if self._rank > 1:
            config["data_format"] = self.data_format
        return config


class SpatialDropout1D(_SpatialDropout):
    """Drops whole channels of `(batch, steps, channels)` inputs during training: each
    (example, channel) pair is zeroed with probability `rate` at every step, and kept entries
    are scaled by `1 / (1 - rate)`. Useful when neighbouring steps are strongly correlated.

    Args:
        rate: the drop probability, in [0, 1].
        seed: an int seed for reproducibility.

    Example:
        >>> SpatialDropout1D(0.5, seed=1)(np.ones((2, 4, 3), "float32"), training=True).shape
        (2, 4, 3)
    """

    _rank = 1

    def __init__(self, rate, seed=None, **kwargs):
        kwargs.pop("data_format", None)
        super().__init__(rate, seed=seed, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """Drops whole 2D feature maps during training (inputs of rank 4): each (example, channel)
    pair is zeroed with probability `rate` at every position; kept entries are scaled by
    `1 / (1 - rate)`.

    Args:
        rate: the drop probability, in [0, 1].
        data_format: "channels_last" (`(batch, rows, cols, channels)`) or "channels_first";
            None: `cornu.config.image_data_format()`.
        seed: an int seed for reproducibility.

    Example:
        >>> SpatialDropout2D(0.5)(np.ones((2, 4, 4, 3), "float32"), training=True).shape
        (2, 4, 4, 3)
    """

    _rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Drops whole 3D feature maps during training (inputs of rank 5): each (example, channel)
    pair is zeroed with probability `rate` at every position; kept entries are scaled by
    `1 / (1 - rate)`.

    Args:
        rate: the drop probability, in [0, 1].
        data_format: "channels_last" (`(batch, d1, d2, d3, channels)`) or "channels_first";
            None: `cornu.config.image_data_format()`.
        seed: an int seed for reproducibility.

    Example:
        >>> SpatialDropout3D(0.5)(np.ones((1, 2, 2, 2, 3), "float32"), training=True).shape
        (1, 2, 2, 2, 3)
    """

    _rank = 3
