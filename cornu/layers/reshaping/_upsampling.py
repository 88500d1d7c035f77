"""The common body of UpSampling1D/2D/3D (nearest-neighbour repetition)."""

from cornu import ops
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.reshaping import _args


class BaseUpSampling(Layer):
    _rank = None

    def __init__(self, size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        name = type(self).__name__
        self.size = _args.sizes(size, self._rank, name, "size")
        self.data_format = _args.data_format(data_format, name)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        self.built = True

    def _axes(self, rank):
        return _args.spatial_axes(rank, self.data_format)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, factor in zip(self._axes(len(shape)), self.size):
            if shape[axis] is not None:
                shape[axis] = shape[axis] * factor
        return tuple(shape)

    def call(self, inputs):
        x = inputs
        for axis, factor in zip(self._axes(len(inputs.shape)), self.size):
            if factor != 1:
                x = ops.repeat(x, factor, axis=axis)
        return x

    def get_config(self):
        return {
            **super().get_config(),
            "size": list(self.size),
            "data_format": self.data_format,
        }
