"""`LayerNormalization`: normalizes each example over the given axes."""

from cornu import ops
from cornu.layers import arguments
from cornu.layers.layer import Layer
from cornu.layers.normalization._util import (
    BETA_GAMMA,
    add_gamma_beta,
    broadcast_weight,
    cast_for_statistics,
    check_axes,
    check_bool,
    check_epsilon_center_scale,
    normalized_shape,
)


class LayerNormalization(Layer):
    """Normalizes each example to zero mean and unit variance over `axis`, then applies a
    learned scale (`gamma`) and offset (`beta`) of shape `input_shape[axis]`.

    With `rms_scaling=True` the input is not centered and `beta` is not used: the output is
    `x * rsqrt(variance(x) + epsilon) * gamma` (as Keras does; this differs from
    `RMSNormalization`, which divides by the root mean square).

    Args:
        axis: an int or a list of ints, the axes normalized together.
        epsilon: added to the variance before the square root.
        center, scale: whether to create and apply `beta` / `gamma`.
        rms_scaling: see above.
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
            beta_constraint, gamma_constraint: for the two weights.

    Weights, in order: gamma, beta (each when enabled).

    Example:
        >>> LayerNormalization()(np.ones((2, 3), "float32")).shape
        (2, 3)
    """

    def __init__(
        self,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        rms_scaling=False,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        name = "LayerNormalization"
        axis = check_axes(name, axis)
        self.axis = axis  # an int stays an int until built (as in Keras's config)
        check_epsilon_center_scale(self, name, locals())
        self.rms_scaling = check_bool(name, "rms_scaling", rms_scaling)
        arguments.store(self, locals(), BETA_GAMMA)

    def build(self, input_shape):
        axes, shape = normalized_shape(self, input_shape, "axes {axis} must have known sizes")
        add_gamma_beta(
            self, shape, self.scale or self.rms_scaling, self.center and not self.rms_scaling
        )
        self._axes = axes
        if isinstance(self.axis, int):
            self.axis = [self.axis]  # Keras's config lists the axes once the layer is built
        self.built = True

    def call(self, inputs):
        x, dtype, out_dtype = cast_for_statistics(inputs)
        ndim = len(x.shape)
        axes = self._axes
        gamma = None if self.gamma is None else broadcast_weight(self.gamma, axes, dtype, ndim)
        beta = None if self.beta is None else broadcast_weight(self.beta, axes, dtype, ndim)
        if self.rms_scaling:
            variance = ops.var(x, axis=axes, keepdims=True)
            out = ops.multiply(x, ops.rsqrt(ops.add(variance, self.epsilon)))
            if gamma is not None:
                out = ops.multiply(out, gamma)
        else:
            mean, variance = ops.moments(x, axes=axes, keepdims=True)
            out = ops.divide(ops.subtract(x, mean), ops.sqrt(ops.add(variance, self.epsilon)))
            if gamma is not None:
                out = ops.multiply(out, gamma)
            if beta is not None:
                out = ops.add(out, beta)
        return ops.cast(out, out_dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis if isinstance(self.axis, int) else list(self.axis),
            **arguments.config(self, ("epsilon", "center", "scale", "rms_scaling") + BETA_GAMMA),
        }
