"""`LayerNormalization`: normalizes each example over the given axes."""

from cornu import constraints, initializers, ops, regularizers
from cornu.layers.layer import Layer
from cornu.layers.normalization._util import (
    canonical_axes,
    check_axes,
    check_bool,
    check_epsilon,
    maybe_serialize,
    stats_dtype,
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
        self.axis = axis  # an int stays an int (as in Keras's config)
        self.epsilon = check_epsilon(name, epsilon)
        self.center = check_bool(name, "center", center)
        self.scale = check_bool(name, "scale", scale)
        self.rms_scaling = check_bool(name, "rms_scaling", rms_scaling)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = None
        self.beta = None

    def build(self, input_shape):
        axes = canonical_axes(f"LayerNormalization layer '{self.name}'", self.axis, input_shape)
        shape = tuple(input_shape[a] for a in axes)
        if any(d is None for d in shape):
            raise ValueError(
                f"LayerNormalization layer '{self.name}': the normalized axes {self.axis} must "
                f"have known sizes; received input shape {tuple(input_shape)}."
            )
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                name="gamma",
            )
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                name="beta",
            )
        self._axes = axes
        self.built = True

    def call(self, inputs):
        out_dtype = inputs.dtype
        dtype = stats_dtype(inputs.dtype)
        x = ops.cast(inputs, dtype)
        ndim = len(x.shape)
        axes = self._axes
        gamma = None if self.gamma is None else self._broadcast(self.gamma, dtype, ndim)
        beta = None if self.beta is None else self._broadcast(self.beta, dtype, ndim)
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

    def _broadcast(self, weight, dtype, ndim):
        shape = [1] * ndim
        for a, d in zip(self._axes, weight.shape):
            shape[a] = d
        return ops.reshape(ops.cast(weight.value, dtype), shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis if isinstance(self.axis, int) else list(self.axis),
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": maybe_serialize(regularizers, self.beta_regularizer),
            "gamma_regularizer": maybe_serialize(regularizers, self.gamma_regularizer),
            "beta_constraint": maybe_serialize(constraints, self.beta_constraint),
            "gamma_constraint": maybe_serialize(constraints, self.gamma_constraint),
        }
