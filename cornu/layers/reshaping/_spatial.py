"""`SpatialResize`: the common body of Cropping*D, ZeroPadding*D and UpSampling*D.

Each of those layers changes the length of every spatial axis of a rank-`_rank` input by a
per-axis argument (`cropping`, `padding` or `size`): `_argument` names it, `_per_axis` checks
it, `_output_length` gives an axis's new length.
"""

from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.reshaping import _args


class SpatialResize(Layer):
    _rank = None  # the number of spatial axes
    _argument = None  # the name of the per-axis argument

    def __init__(self, value, data_format=None, **kwargs):
        super().__init__(**kwargs)
        name = type(self).__name__
        setattr(self, self._argument, self._per_axis(value, self._rank, name, self._argument))
        self.data_format = _args.data_format(data_format, name)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        self.built = True

    _per_axis = staticmethod(_args.pairs)

    def _axes(self, rank):
        return _args.spatial_axes(rank, self.data_format)

    def _per_axis_values(self, rank):
        """(axis, that axis's value of the per-axis argument) for a rank-`rank` input."""
        return zip(self._axes(rank), getattr(self, self._argument))

    def _output_length(self, length, value, input_shape):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, value in self._per_axis_values(len(shape)):
            if shape[axis] is not None:
                shape[axis] = self._output_length(shape[axis], value, input_shape)
        return tuple(shape)
