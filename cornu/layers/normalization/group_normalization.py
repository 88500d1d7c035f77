"""`GroupNormalization`: normalizes groups of channels within each example."""

from cornu import ops
from cornu.layers import arguments
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.normalization._util import (
    BETA_GAMMA,
    add_gamma_beta,
    cast_for_statistics,
    check_epsilon_center_scale,
)


class GroupNormalization(Layer):
    """Splits the channels (along `axis`) into `groups` groups and normalizes each group of
    each example to zero mean and unit variance over the group's channels and every other
    non-batch axis; then applies a per-channel scale (`gamma`) and offset (`beta`).

    `groups=-1` means one group per channel (instance normalization); `groups=1` is layer
    normalization over all non-batch axes.

    Args:
        groups: the number of groups; must divide the number of channels.
        axis: the channel axis (int).
        epsilon: added to the variance before the square root.
        center, scale: whether to create and apply `beta` / `gamma`.
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
            beta_constraint, gamma_constraint: for the two weights.

    Weights, in order: gamma, beta (each when enabled), of shape `(channels,)`.

    Example:
        >>> GroupNormalization(groups=2)(np.ones((2, 5, 4), "float32")).shape
        (2, 5, 4)
    """

    def __init__(
        self,
        groups=32,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        name = "GroupNormalization"
        if (
            not isinstance(groups, int)
            or isinstance(groups, bool)
            or not (groups >= 1 or groups == -1)
        ):
            raise ValueError(
                f"{name}: groups must be a positive int or -1; received groups={groups!r}."
            )
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(f"{name}: axis must be an int; received axis={axis!r}.")
        self.groups = groups
        self.axis = axis
        check_epsilon_center_scale(self, name, locals())
        arguments.store(self, locals(), BETA_GAMMA)

    def build(self, input_shape):
        ndim = len(input_shape)
        where = f"GroupNormalization layer '{self.name}'"
        if ndim < 2 or not -ndim <= self.axis < ndim or self.axis % ndim == 0:
            raise ValueError(
                f"{where}: axis={self.axis} must name a non-batch axis of the input; received "
                f"input shape {tuple(input_shape)}."
            )
        axis = self.axis % ndim
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(
                f"{where}: the channel axis {self.axis} must have a known size; received "
                f"input shape {tuple(input_shape)}."
            )
        groups = channels if self.groups == -1 else self.groups
        if groups > channels:
            raise ValueError(
                f"{where}: groups={self.groups} is more than the number of channels ({channels})."
            )
        if channels % groups:
            raise ValueError(
                f"{where}: groups={self.groups} must divide the number of channels ({channels})."
            )
        add_gamma_beta(self, (channels,), self.scale, self.center)
        self._axis = axis
        self._groups = groups
        self.input_spec = InputSpec(ndim=ndim, axes={axis: channels})
        self.built = True

    def call(self, inputs):
        x, dtype, out_dtype = cast_for_statistics(inputs)
        ndim = len(x.shape)
        axis, groups = self._axis, self._groups
        channels = x.shape[axis]
        dynamic = ops.shape(x)
        sizes = [d if d is not None else dynamic[i] for i, d in enumerate(x.shape)]
        grouped_shape = sizes[:axis] + [groups, channels // groups] + sizes[axis + 1 :]
        grouped = ops.reshape(x, grouped_shape)
        reduce = tuple(i for i in range(1, ndim + 1) if i != axis)
        mean, variance = ops.moments(grouped, axes=reduce, keepdims=True)
        normalized = ops.divide(
            ops.subtract(grouped, mean), ops.sqrt(ops.add(variance, self.epsilon))
        )
        out = ops.reshape(normalized, sizes)
        param_shape = [1] * ndim
        param_shape[axis] = channels
        if self.gamma is not None:
            out = ops.multiply(out, ops.reshape(ops.cast(self.gamma.value, dtype), param_shape))
        if self.beta is not None:
            out = ops.add(out, ops.reshape(ops.cast(self.beta.value, dtype), param_shape))
        return ops.cast(out, out_dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        names = ("groups", "axis", "epsilon", "center", "scale") + BETA_GAMMA
        return {**super().get_config(), **arguments.config(self, names)}
