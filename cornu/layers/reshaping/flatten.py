"""`Flatten`: flattens every axis but the batch axis."""

import math

from cornu import ops
from cornu.layers.layer import Layer
from cornu.layers.reshaping import _args


class Flatten(Layer):
    """Flattens the input to `(batch, -1)`.

    Args:
        data_format: "channels_last" or "channels_first" (default: the global image data
            format). With "channels_first" the channel axis is moved last before flattening,
            so the result orders values as the channels_last layout would.

    Example:
        >>> Flatten()(np.ones((2, 3, 4), "float32")).shape
        (2, 12)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _args.data_format(data_format, "Flatten")
        self.supports_masking = False
        self.built = True

    def call(self, inputs):
        rank = len(inputs.shape)
        if rank == 1:
            return ops.expand_dims(inputs, -1)
        if self.data_format == "channels_first" and rank > 2:
            inputs = ops.transpose(inputs, (0,) + tuple(range(2, rank)) + (1,))
        rest = tuple(inputs.shape[1:])
        if all(d is not None for d in rest):
            return ops.reshape(inputs, (-1, math.prod(rest)))
        return ops.reshape(inputs, (ops.shape(inputs)[0], -1))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) == 0:
            raise ValueError("Flatten: the input needs a batch axis; received a scalar shape ().")
        rest = input_shape[1:]
        size = math.prod(rest) if all(d is not None for d in rest) else None
        return (input_shape[0], size)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
