"""`Dense`: `activation(inputs @ kernel + bias)` over the last axis."""

from cornu import activations, constraints, initializers, ops, regularizers
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.ops.numpy.linear import affine


class Dense(Layer):
    """A fully connected layer on the last axis of its input.

    Args:
        units: the output size.
        activation: an activation (name or function); None is linear.
        use_bias: whether to add a bias.
        kernel_initializer, bias_initializer: initializers (names or objects).
        kernel_regularizer, bias_regularizer: penalties added to the loss.
        activity_regularizer: a penalty on the output.
        kernel_constraint, bias_constraint: projections applied after each update.
        lora_rank, lora_alpha, quantization_config: accepted for Keras compatibility; LoRA and
            quantization are not implemented (a non-None value raises ValueError).

    Example:
        >>> Dense(4, activation="relu")(np.ones((2, 3), "float32")).shape
        (2, 4)
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=regularizers.get(activity_regularizer), **kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise ValueError(f"Dense: units must be a positive int; received units={units!r}.")
        for arg, value in (("lora_rank", lora_rank), ("quantization_config", quantization_config)):
            if value is not None:
                raise ValueError(f"Dense: {arg} is not supported by cornu yet; received {value!r}.")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"Dense layer '{self.name}' needs a known last input dimension; received "
                f"input shape {tuple(input_shape)}."
            )
        self.kernel = self.add_weight(
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs, training=None):
        if self.bias is not None:
            x = affine(inputs, self.kernel, self.bias)  # matmul + bias add, fused where possible
        else:
            x = ops.matmul(inputs, self.kernel)
        if self.activation is not activations.linear:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _maybe(regularizers.serialize, self.kernel_regularizer),
            "bias_regularizer": _maybe(regularizers.serialize, self.bias_regularizer),
            "kernel_constraint": _maybe(constraints.serialize, self.kernel_constraint),
            "bias_constraint": _maybe(constraints.serialize, self.bias_constraint),
            "quantization_config": None,
        }


def _maybe(serialize, value):
    return None if value is None else serialize(value)
