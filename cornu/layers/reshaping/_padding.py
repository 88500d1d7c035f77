"""The common body of ZeroPadding1D/2D/3D."""

from cornu import ops
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.reshaping import _args


class BasePadding(Layer):
    _rank = None

    def __init__(self, padding, data_format=None, **kwargs):
        super().__init__(**kwargs)
        name = type(self).__name__
        self.padding = _args.pairs(padding, self._rank, name, "padding")
        self.data_format = _args.data_format(data_format, name)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        self.supports_masking = False
        self.built = True

    def _axes(self, rank):
        return _args.spatial_axes(rank, self.data_format)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (a, b) in zip(self._axes(len(shape)), self.padding):
            if shape[axis] is not None:
                shape[axis] = shape[axis] + a + b
        return tuple(shape)

    def call(self, inputs):
        width = [(0, 0)] * len(inputs.shape)
        for axis, pair in zip(self._axes(len(inputs.shape)), self.padding):
            width[axis] = pair
        return ops.pad(inputs, width)

    def get_config(self):
        return {
            **super().get_config(),
            "padding": [list(p) for p in self.padding],
            "data_format": self.data_format,
        }
