"""`PReLU`: a leaky ReLU whose negative slope is learned."""

from cornu import constraints, initializers, ops, regularizers
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class PReLU(Layer):
    """Parametric ReLU: `x` for `x >= 0`, `alpha * x` otherwise, with `alpha` a weight.

    Args:
        alpha_initializer, alpha_regularizer, alpha_constraint: for the `alpha` weight.
        shared_axes: axes (1 = the first non-batch axis) along which one alpha is shared;
            e.g. `[1, 2]` for one alpha per channel of `(batch, h, w, channels)` images.

    `alpha` has the input shape without the batch axis, with size 1 on `shared_axes`.

    Example:
        >>> PReLU()(np.ones((2, 3), "float32")).shape
        (2, 3)
    """

    def __init__(
        self,
        alpha_initializer="Zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            if isinstance(shared_axes, int) and not isinstance(shared_axes, bool):
                shared_axes = [shared_axes]
            if not isinstance(shared_axes, (list, tuple)) or not all(
                isinstance(a, int) and not isinstance(a, bool) and a >= 1 for a in shared_axes
            ):
                raise ValueError(
                    "PReLU: shared_axes must be None or a list of axes >= 1; received "
                    f"shared_axes={shared_axes!r}."
                )
            self.shared_axes = list(shared_axes)
        self.supports_masking = True

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if axis > len(param_shape):
                raise ValueError(
                    f"PReLU layer '{self.name}': shared_axes={self.shared_axes} has axis {axis} "
                    f"but the input shape {tuple(input_shape)} has rank {len(input_shape)}."
                )
            param_shape[axis - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(
                f"PReLU layer '{self.name}': the non-shared input axes must be known; received "
                f"input shape {tuple(input_shape)} with shared_axes={self.shared_axes}."
            )
        self.alpha = self.add_weight(
            shape=tuple(param_shape),
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
            name="alpha",
        )
        axes = {
            i: d
            for i, d in enumerate(input_shape)
            if i > 0 and d is not None and i not in (self.shared_axes or ())
        }
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs):
        positive = ops.relu(inputs)
        negative = ops.multiply(ops.negative(self.alpha), ops.relu(ops.negative(inputs)))
        return ops.add(positive, negative)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": None
            if self.alpha_regularizer is None
            else regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": None
            if self.alpha_constraint is None
            else constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }
