"""`RMSNormalization`: divides by the root mean square over an axis, times a learned scale."""

from cornu import ops
from cornu.layers.layer import Layer
from cornu.layers.normalization._util import (
    broadcast_weight,
    cast_for_statistics,
    check_axes,
    check_epsilon,
    normalized_shape,
)


class RMSNormalization(Layer):
    """Computes `x * rsqrt(mean(square(x), axis) + epsilon) * scale`.

    Args:
        axis: the normalized axis (an int, or a list of ints).
        epsilon: added to the mean square before the square root.

    Weights: `scale`, of shape `input_shape[axis]`, initialized to ones.

    Example:
        >>> RMSNormalization()(np.ones((2, 3), "float32")).shape
        (2, 3)
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = check_axes("RMSNormalization", axis)
        self.epsilon = check_epsilon("RMSNormalization", epsilon)
        self.supports_masking = True

    def build(self, input_shape):
        axes, shape = normalized_shape(self, input_shape, "axis {axis} must have a known size")
        self.scale = self.add_weight(shape=shape, initializer="ones", name="scale")
        self._axes = axes
        self.built = True

    def call(self, inputs):
        x, dtype, out_dtype = cast_for_statistics(inputs)
        scale = broadcast_weight(self.scale, self._axes, dtype, len(x.shape))
        mean_square = ops.mean(ops.square(x), axis=self._axes, keepdims=True)
        out = ops.multiply(ops.multiply(x, ops.rsqrt(ops.add(mean_square, self.epsilon))), scale)
        return ops.cast(out, out_dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
