"""`Embedding`: maps integer indices to rows of a trainable table."""

import numpy as np

from cornu import ops, regularizers
from cornu.backend.common import dtypes, scopes
from cornu.layers import arguments
from cornu.layers.core import quantized_int4, quantized_layer
from cornu.layers.layer import Layer

_WEIGHT_ARGUMENTS = arguments.of_weights("embeddings")


class Embedding(Layer):
    """Turns non-negative integer indices into dense vectors (rows of `embeddings`).

    Args:
        input_dim: the vocabulary size (largest index + 1).
        output_dim: the size of each vector.
        embeddings_initializer: initializer of the `(input_dim, output_dim)` table.
        embeddings_regularizer: a penalty on the table added to the loss.
        embeddings_constraint: a projection applied to the table after each update.
        mask_zero: index 0 is padding: the output mask is `inputs != 0` (so `input_dim`
            should count the padding index).
        weights: a list holding one `(input_dim, output_dim)` array to start from.
        lora_rank, lora_alpha: accepted for Keras compatibility; LoRA is not implemented (a
            non-None `lora_rank` raises ValueError).
        quantization_config: the config of a quantized layer (with a quantized `dtype` such
            as "int8_from_float32"; `quantize("int8")` sets it).
        input_length: accepted (Keras 2 argument) and ignored.

    Example:
        >>> Embedding(10, 4)(np.array([[1, 2, 0]])).shape
        (1, 3, 4)
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        weights=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        kwargs.pop("input_length", None)
        activity_regularizer = regularizers.get(kwargs.pop("activity_regularizer", None))
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(
                    f"Embedding: {arg} must be a positive int; received {arg}={value!r}."
                )
        arguments.refuse_unsupported("Embedding", lora_rank=lora_rank)
        self.quantization_config = quantized_layer.config_from_argument(
            type(self).__name__, quantization_config, self.dtype_policy.quantization_mode
        )
        self.input_dim = input_dim
        self.output_dim = output_dim
        arguments.store(self, locals(), _WEIGHT_ARGUMENTS)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.autocast = False
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        if weights is not None:
            if not isinstance(weights, (list, tuple)) or len(weights) != 1:
                raise ValueError(
                    "Embedding: weights must be a list holding one array of shape "
                    f"({input_dim}, {output_dim}); received {type(weights).__name__} of "
                    f"length {len(weights) if hasattr(weights, '__len__') else '?'}."
                )
            with scopes.name_scope(self.name, caller=self):
                self.build()
            self.set_weights([np.asarray(weights[0])])

    def build(self, input_shape=None):
        if self.built:
            return
        mode = self.dtype_policy.quantization_mode
        if mode is not None:
            quantized_layer.check_buildable(self, mode)
        if mode == "int4":
            quantized_int4.add_embedding_variables(self, self.dtype_policy.block_size)
        elif mode is not None:
            self.embeddings = self.add_weight(
                shape=(self.input_dim, self.output_dim), initializer="zeros", dtype="int8",
                trainable=False, autocast=False, name="embeddings",
            )  # fmt: skip
            self.embeddings_scale = self.add_weight(
                shape=(self.input_dim,), initializer="ones", trainable=False, autocast=False,
                name="embeddings_scale",
            )  # fmt: skip
        else:
            self.embeddings = self.add_weight(
                shape=(self.input_dim, self.output_dim),
                name="embeddings",
                **arguments.of_weight(self, "embeddings"),
            )
        self.built = True

    def quantize(self, mode=None, type_check=True, config=None):
        """Replaces the float table by an int8 table with one scale per row, or an int4 one
        with scales and zero points per row and block of columns.

        Args:
            mode: "int8" or "int4".
            type_check: accepted for Keras compatibility.
            config: an `Int8QuantizationConfig` (None: the default one).
        """
        if mode is None and config is not None:
            mode = config.mode
        quantized_layer.check_quantize(self, mode, quantized_layer.EMBEDDING_MODES, config)
        config = config or quantized_layer.default_config(mode)
        if mode == "int4":
            block_size = quantized_int4.block_size_of(self, config)
            quantized_int4.quantize_embeddings(self, block_size)
            self.quantization_config = config
            self.dtype_policy = quantized_layer.quantized_policy(self, mode, block_size)
            return
        self._quantize_weights(config)
        self.quantization_config = config
        self.dtype_policy = quantized_layer.quantized_policy(self, mode)

    def _quantize_weights(self, config):
        values, scale = quantized_layer.quantize_weight(config, self.embeddings, axis=-1)
        self.embeddings = quantized_layer.replace_weight(self, "embeddings", values)
        self.embeddings_scale = quantized_layer.add_fixed_weight(
            self, "embeddings_scale", ops.reshape(scale, (self.input_dim,))
        )

    def call(self, inputs):
        if not dtypes.is_int_dtype(dtypes.standardize_dtype(inputs.dtype)):
            inputs = ops.cast(inputs, "int32")
        mode = self._quantization_mode
        if mode == "int4":
            return quantized_int4.embedding_lookup(self, inputs, self.compute_dtype)
        if mode is not None:
            dtype = self.compute_dtype
            values = ops.cast(ops.take(self.embeddings, inputs, axis=0), dtype)
            scale = ops.cast(ops.take(self.embeddings_scale, inputs, axis=0), dtype)
            return ops.divide(values, ops.expand_dims(scale, -1))
        return ops.take(self.embeddings, inputs, axis=0)

    def compute_mask(self, inputs, previous_mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        saved = ("input_dim", "output_dim")
        saved += arguments.of_weights("embeddings", activity=True) + ("mask_zero",)
        return {
            **super().get_config(),
            **arguments.config(self, saved),
            **quantized_layer.config_entries(self),
        }
