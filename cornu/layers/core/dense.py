"""`Dense`: `activation(inputs @ kernel + bias)` over the last axis."""

from cornu import activations, ops, regularizers
from cornu.layers import arguments
from cornu.layers.core import quantized_float8, quantized_gptq, quantized_int4, quantized_layer
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
        lora_rank, lora_alpha: accepted for Keras compatibility; LoRA is not implemented (a
            non-None `lora_rank` raises ValueError).
        quantization_config: the config of a quantized layer (used with a quantized `dtype`
            such as "int8_from_float32"; `quantize("int8")` sets it).

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
        arguments.refuse_unsupported("Dense", lora_rank=lora_rank)
        self.quantization_config = quantized_layer.config_from_argument(
            "Dense", quantization_config, self.dtype_policy.quantization_mode
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
        mode = self.dtype_policy.quantization_mode
        if mode is not None:
            quantized_layer.check_buildable(self, mode)
        if mode == "float8":  # Keras creates the float8 variables first; the kernel stays float
            quantized_float8.add_variables(self)
        if mode in quantized_gptq.MODES:
            quantized_gptq.add_variables(self, input_dim, self.units, self.dtype_policy.weight_bits,
                                         self.dtype_policy.group_size, mode)  # fmt: skip
        elif mode == "int4":
            quantized_int4.add_variables(self, input_dim, self.units, self.dtype_policy.block_size)
        elif mode == "int8":  # float8 keeps the float kernel below
            self.kernel = self.add_weight(
                shape=(input_dim, self.units), initializer="zeros", dtype="int8",
                trainable=False, autocast=False, name="kernel",
            )  # fmt: skip
        else:
            self.kernel = self.add_weight(
                shape=(input_dim, self.units), name="kernel", **arguments.of_weight(self, "kernel")
            )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,), name="bias", **arguments.of_weight(self, "bias")
            )
        if mode == "int8":
            self.kernel_scale = self.add_weight(
                shape=(self.units,), initializer="ones", trainable=False, autocast=False,
                name="kernel_scale",
            )  # fmt: skip
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def quantize(self, mode=None, type_check=True, config=None):
        """Replaces the float kernel by an int8 kernel with per-unit scales, or an int4 one
        in blocks of rows with zero points.

        Args:
            mode: "int8", "int4" or "float8" ("gptq" and "awq" need calibration data: `model.quantize(mode, config=...)`).
            type_check: accepted for Keras compatibility.
            config: an `Int8QuantizationConfig` / `Int4QuantizationConfig` (None: default).
        """
        if mode is None and config is not None:
            mode = config.mode
        quantized_layer.check_quantize(self, mode, quantized_layer.DENSE_MODES, config)
        config = config or quantized_layer.default_config(mode)
        if mode == "float8":
            return quantized_float8.quantize(self, config)
        if mode == "int4":
            block_size = quantized_int4.block_size_of(self, config)
            quantized_int4.quantize_kernel(self, self.kernel, block_size)
            self.quantization_config = config
            self.dtype_policy = quantized_layer.quantized_policy(self, mode, block_size)
            return
        values, scale = quantized_layer.quantize_weight(config, self.kernel, axis=0)
        self.kernel = quantized_layer.replace_weight(self, "kernel", values)
        self.kernel_scale = quantized_layer.add_fixed_weight(
            self, "kernel_scale", ops.reshape(scale, (self.units,))
        )
        self.quantization_config = config
        self.dtype_policy = quantized_layer.quantized_policy(self, mode)

    def call(self, inputs, training=None):
        if self._quantization_mode is not None:
            return self._quantized_call(inputs)
        if self.bias is not None:
            x = affine(inputs, self.kernel, self.bias)  # matmul + bias add, fused where possible
        else:
            x = ops.matmul(inputs, self.kernel)
        if self.activation is not activations.linear:
            x = self.activation(x)
        return x

    def kernel_dims_2d(self):
        """The 2D view `(rows, columns)` int4 quantizes the kernel in."""
        return tuple(self.kernel.shape[:1]) + (self.units,)

    def _quantized_call(self, inputs):
        dtype = self.compute_dtype
        quantizer = quantized_layer.activation_quantizer(self)
        if self.dtype_policy.quantization_mode == "float8":
            x = quantized_float8.contract(self, inputs, ops.matmul)
            return x if self.activation is activations.linear else self.activation(x)
        if self.dtype_policy.quantization_mode in quantized_gptq.MODES:
            rows = self.g_idx.shape[0]
            x = ops.matmul(inputs, quantized_gptq.dequantized_kernel(self, rows, self.units, dtype))
        elif self.dtype_policy.quantization_mode == "int4":
            kernel = quantized_int4.dequantized_kernel(self, self.units, dtype)
            if quantizer is not None:
                values, scale = quantized_layer.quantize_inputs(quantizer, inputs, axis=-1)
                inputs = ops.divide(ops.cast(values, dtype), ops.cast(scale, dtype))
            x = ops.matmul(inputs, kernel)
        elif quantizer is None:
            kernel = ops.divide(ops.cast(self.kernel, dtype), ops.cast(self.kernel_scale, dtype))
            x = ops.matmul(inputs, kernel)
        else:
            values, scale = quantized_layer.quantize_inputs(quantizer, inputs, axis=-1)
            # Integer products summed in float32 (exact below 2**24), whatever the compute
            # dtype: a 16-bit accumulator would lose the int8 matmul's precision.
            x = ops.matmul(ops.cast(values, "float32"), ops.cast(self.kernel, "float32"))
            x = ops.divide(x, ops.cast(ops.multiply(scale, self.kernel_scale), "float32"))
            x = ops.cast(x, dtype)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not activations.linear:
            x = self.activation(x)
        return x

    def _own_weights(self):
        """Keras's order in `.keras` files: kernel, bias, then the quantization scales."""
        if self.dtype_policy.quantization_mode is None:
            return super()._own_weights()
        if self.dtype_policy.quantization_mode in quantized_gptq.MODES:
            return quantized_gptq.saved_variables(self)
        if self.dtype_policy.quantization_mode == "int4":
            return quantized_int4.saved_variables(self)
        if self.dtype_policy.quantization_mode == "float8":
            return quantized_float8.saved_variables(self)
        return [self.kernel] + ([self.bias] if self.bias is not None else []) + [self.kernel_scale]

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {
            **super().get_config(),
            **arguments.config(self, ("units",) + _STORED),
            **quantized_layer.config_entries(self),
        }
