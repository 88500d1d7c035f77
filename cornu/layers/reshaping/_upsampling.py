"""The common body of UpSampling1D/2D/3D (nearest-neighbour repetition)."""

from cornu import ops
from cornu.layers.reshaping import _args
from cornu.layers.reshaping._spatial import SpatialResize


class BaseUpSampling(SpatialResize):
    """Repeats each element `size` times along each spatial axis.

    Args:
        size: a positive int (every axis) or one per axis.
        data_format: "channels_last" or "channels_first" (default: the global setting).
    """

    _argument = "size"
    _per_axis = staticmethod(_args.sizes)

    def _output_length(self, length, value, input_shape):
        return length * value

    def call(self, inputs):
        x = inputs
        for axis, factor in self._per_axis_values(len(inputs.shape)):
            if factor != 1:
                x = ops.repeat(x, factor, axis=axis)
        return x

    def get_config(self):
        return {
            **super().get_config(),
            "size": tuple(self.size),
            "data_format": self.data_format,
        }
