"""The common body of ZeroPadding1D/2D/3D."""

from cornu import ops
from cornu.layers.reshaping._spatial import SpatialResize


class BasePadding(SpatialResize):
    """Adds zeros at both ends of each spatial axis: `padding` takes the forms of
    `BaseCropping`'s `cropping` (`(start, end)` zeros per axis); `data_format` as there.
    """

    _argument = "padding"

    def _output_length(self, length, value, input_shape):
        return length + value[0] + value[1]

    def call(self, inputs):
        width = [(0, 0)] * len(inputs.shape)
        for axis, pair in self._per_axis_values(len(inputs.shape)):
            width[axis] = pair
        return ops.pad(inputs, width)

    def get_config(self):
        return {
            **super().get_config(),
            "padding": tuple(tuple(p) for p in self.padding),
            "data_format": self.data_format,
        }
