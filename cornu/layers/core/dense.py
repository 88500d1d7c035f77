"""`Dense`: `activation(inputs @ kernel + bias)` over the last axis."""

from cornu import activations, ops, regularizers
from cornu.layers import arguments
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.ops.numpy.linear import affine

# The arguments stored (converted by name) and saved, in Keras's config order.
_STORED = ("activation", "use_bias") + arguments.of_weights("kernel", "bias")


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
        arguments.refuse_unsupported(
            "Dense", lora_rank=lora_rank, quantization_config=quantization_config
        )
        self.units = units
        arguments.store(self, locals(), _STORED)
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
            shape=(input_dim, self.units), name="kernel", **arguments.of_weight(self, "kernel")
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,), name="bias", **arguments.of_weight(self, "bias")
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
            **arguments.config(self, ("units",) + _STORED),
            "quantization_config": None,
        }
