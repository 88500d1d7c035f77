"""`BatchNormalization`: normalizes with batch statistics in training, moving ones otherwise."""

from cornu import ops
from cornu.layers import arguments
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.normalization._util import (
    add_gamma_beta,
    cast_for_statistics,
    check_epsilon_center_scale,
)

# The arguments stored (converted by name) and saved, in Keras's config order.
_WEIGHT_ARGUMENTS = (
    "beta_initializer", "gamma_initializer", "moving_mean_initializer",
    "moving_variance_initializer", "beta_regularizer", "gamma_regularizer", "beta_constraint",
    "gamma_constraint",
)  # fmt: skip
_CONFIG = (
    ("axis", "momentum", "epsilon", "center", "scale")
    + _WEIGHT_ARGUMENTS
    + ("synchronized", "renorm", "renorm_clipping", "renorm_momentum")
)


class BatchNormalization(Layer):
    """Normalizes each feature along `axis` to zero mean and unit variance, then applies a
    learned scale (`gamma`) and offset (`beta`).

    In training (`training=True` and the layer trainable), the statistics are those of the
    batch (only unmasked steps count when a mask is given), and the moving statistics are
    updated as `moving = moving * momentum + batch_stat * (1 - momentum)`. Otherwise the moving
    statistics are used. A layer with `trainable=False` always runs in inference mode.

    Args:
        axis: the feature axis (int).
        momentum: the moving-average momentum.
        epsilon: added to the variance before the square root.
        center, scale: whether to create and apply `beta` / `gamma`.
        beta_initializer, gamma_initializer, moving_mean_initializer,
            moving_variance_initializer: the initializers of the four weights.
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: for the
            trainable weights.
        synchronized: accepted (statistics are per device; cornu runs on one device).
        renorm, renorm_clipping, renorm_momentum: accepted for compatibility; batch
            renormalization is not implemented (`renorm=True` raises ValueError).

    Weights, in order: gamma, beta (when enabled), moving_mean, moving_variance.

    Example:
        >>> BatchNormalization()(np.ones((4, 3), "float32"), training=True).shape
        (4, 3)
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        synchronized=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        name = "BatchNormalization"
        if isinstance(axis, (list, tuple)) and len(axis) == 1:
            axis = axis[0]
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(f"{name}: axis must be an int; received axis={axis!r}.")
        if (
            not isinstance(momentum, (int, float))
            or isinstance(momentum, bool)
            or not 0 <= momentum <= 1
        ):
            raise ValueError(
                f"{name}: momentum must be a number in [0, 1]; received momentum={momentum!r}."
            )
        if renorm:
            raise ValueError(
                f"{name}: renorm=True (batch renormalization) is not supported by cornu; "
                f"received renorm={renorm!r}."
            )
        self.axis = axis
        self.momentum = float(momentum)
        check_epsilon_center_scale(self, name, locals())
        self.synchronized = bool(synchronized)
        self.renorm = False
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        arguments.store(self, locals(), _WEIGHT_ARGUMENTS)

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"BatchNormalization layer '{self.name}': axis={self.axis} is out of range for "
                f"an input of shape {tuple(input_shape)}."
            )
        axis = self.axis % ndim
        dim = input_shape[axis]
        if dim is None:
            raise ValueError(
                f"BatchNormalization layer '{self.name}': the feature axis {self.axis} must have "
                f"a known size; received input shape {tuple(input_shape)}."
            )
        shape = (dim,)
        add_gamma_beta(self, shape, self.scale, self.center)
        for statistic in ("moving_mean", "moving_variance"):
            initializer = getattr(self, f"{statistic}_initializer")
            weight = self.add_weight(
                shape=shape,
                initializer=initializer,
                trainable=False,
                autocast=False,
                name=statistic,
            )
            setattr(self, statistic, weight)
        self.input_spec = InputSpec(ndim=ndim, axes={axis: dim})
        self._axis = axis
        self._reduction_axes = tuple(i for i in range(ndim) if i != axis)
        self.built = True

    def call(self, inputs, training=None, mask=None):
        x, dtype, out_dtype = cast_for_statistics(inputs)
        if training and self.trainable:
            mean, variance = self._batch_moments(x, mask)
            momentum = self.momentum
            for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
                updated = ops.add(
                    ops.multiply(ops.cast(moving.value, dtype), momentum),
                    ops.multiply(ops.stop_gradient(batch), 1.0 - momentum),
                )
                moving.assign(ops.cast(updated, moving.dtype))
        else:
            mean = ops.cast(self.moving_mean.value, dtype)
            variance = ops.cast(self.moving_variance.value, dtype)
        gamma = None if self.gamma is None else ops.cast(self.gamma.value, dtype)
        beta = None if self.beta is None else ops.cast(self.beta.value, dtype)
        out = ops.batch_normalization(
            x, mean, variance, axis=self._axis, offset=beta, scale=gamma, epsilon=self.epsilon
        )
        return ops.cast(out, out_dtype)

    def _batch_moments(self, x, mask):
        axes = self._reduction_axes
        if mask is None:
            return ops.moments(x, axes=axes)
        weights = ops.cast(mask, x.dtype)
        while len(weights.shape) < len(x.shape):
            weights = ops.expand_dims(weights, -1)
        weights = ops.broadcast_to(weights, ops.shape(x))
        count = ops.maximum(ops.sum(weights, axis=axes), 1e-12)
        mean = ops.divide(ops.sum(ops.multiply(x, weights), axis=axes), count)
        shape = [1] * len(x.shape)
        shape[self._axis] = -1
        centered = ops.subtract(x, ops.reshape(ops.stop_gradient(mean), shape))
        variance = ops.divide(
            ops.sum(ops.multiply(ops.square(centered), weights), axis=axes), count
        )
        return mean, variance

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), **arguments.config(self, _CONFIG)}
