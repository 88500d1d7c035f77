"""`UnitNormalization`: scales each example to unit L2 norm over an axis."""

from cornu import ops
from cornu.backend.common import dtypes
from cornu.layers.layer import Layer
from cornu.layers.normalization._util import canonical_axes, check_axes, stats_dtype


class UnitNormalization(Layer):
    """Computes `x / sqrt(max(sum(square(x), axis), 1e-12))`, so the output has L2 norm 1
    along `axis` (int or list of ints). No weights.

    Example:
        >>> UnitNormalization()(np.array([[3.0, 4.0]], "float32"))   # [[0.6, 0.8]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = check_axes("UnitNormalization", axis)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        x = ops.cast(inputs, stats_dtype(inputs.dtype))
        out_dtype = inputs.dtype if dtypes.is_float_dtype(inputs.dtype) else x.dtype
        axes = canonical_axes(f"UnitNormalization layer '{self.name}'", self.axis, x.shape)
        square_sum = ops.sum(ops.square(x), axis=axes, keepdims=True)
        out = ops.multiply(x, ops.rsqrt(ops.maximum(square_sum, 1e-12)))
        return ops.cast(out, out_dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
