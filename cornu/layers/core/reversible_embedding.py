"""`ReversibleEmbedding`: an `Embedding` that also projects hidden states back to logits."""

from cornu import ops
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.layers.core import quantized_int4, quantized_layer
from cornu.layers.core.embedding import Embedding


class ReversibleEmbedding(Embedding):
    """An embedding that can be called in reverse, as the output projection of a language model.

    `layer(ids)` embeds like `Embedding`; `layer(hidden, reverse=True)` projects
    `(..., output_dim)` hidden states to `(..., input_dim)` vocabulary logits with
    `hidden @ embeddings.T` (tied weights, the default) or `hidden @ reverse_embeddings`
    (`tie_weights=False`: a separate `(output_dim, input_dim)` weight, created after
    `embeddings`). There are no biases. `quantize("int8")` and `quantize("int4")` quantize
    both tables in Keras's layouts; a quantized reverse projection computes in the compute
    dtype (`reverse_dtype` is then not used, as in Keras).

    Args:
        input_dim: the vocabulary size; output_dim: the size of each vector.
        tie_weights: share the table between the embedding and the reverse projection.
        embeddings_initializer, embeddings_regularizer, embeddings_constraint, mask_zero: as in
            `Embedding` (the untied `reverse_embeddings` uses the same initializer).
        reverse_dtype: the dtype of the reverse projection (default: the compute dtype).
        logit_soft_cap: when set, reverse logits become
            `tanh(logits / logit_soft_cap) * logit_soft_cap`.

    Example:
        >>> layer = ReversibleEmbedding(10, 4)
        >>> layer(np.array([[1, 2]])).shape
        (1, 2, 4)
        >>> layer(np.ones((1, 2, 4), "float32"), reverse=True).shape
        (1, 2, 10)
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        tie_weights=True,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        reverse_dtype=None,
        logit_soft_cap=None,
        **kwargs,
    ):
        if reverse_dtype is not None:
            reverse_dtype = _check_reverse_dtype(reverse_dtype)
        if logit_soft_cap is not None and (
            not isinstance(logit_soft_cap, (int, float))
            or isinstance(logit_soft_cap, bool)
            or logit_soft_cap <= 0
        ):
            raise ValueError(
                "ReversibleEmbedding: logit_soft_cap must be a positive number or None; "
                f"received logit_soft_cap={logit_soft_cap!r}."
            )
        # Set before Embedding.__init__, which builds at once when given `weights`.
        self._tie_weights = bool(tie_weights)
        super().__init__(
            input_dim,
            output_dim,
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer,
            embeddings_constraint=embeddings_constraint,
            mask_zero=mask_zero,
            **kwargs,
        )
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    @property
    def tie_weights(self):
        return self._tie_weights

    def build(self, input_shape=None):
        if self.built:
            return
        super().build(input_shape)
        if not self.tie_weights:
            self._add_reverse_embeddings(self.dtype_policy.quantization_mode)
        self.built = True

    def _add_reverse_embeddings(self, mode):
        """The untied `(output_dim, input_dim)` weight: float, or its quantized form."""
        if mode == "int4":
            quantized_int4.add_reverse_embedding_variables(self, self.dtype_policy.block_size)
        elif mode is not None:
            self.reverse_embeddings = self.add_weight(
                shape=(self.output_dim, self.input_dim), initializer="zeros", dtype="int8",
                trainable=False, autocast=False, name="reverse_embeddings",
            )  # fmt: skip
            self.reverse_embeddings_scale = self.add_weight(
                shape=(self.input_dim,), initializer="ones", trainable=False, autocast=False,
                name="reverse_embeddings_scale",
            )  # fmt: skip
        else:
            self.reverse_embeddings = self.add_weight(
                shape=(self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer,
                name="reverse_embeddings",
            )

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantizes the table as `Embedding.quantize` does, and the untied
        `reverse_embeddings` alike: int8 with one scale per vocabulary column, or int4 in
        blocks of `block_size` hidden rows with scales and zero points.

        Args:
            mode: "int8" or "int4".
            type_check: accepted for Keras compatibility.
            config: an `Int8QuantizationConfig` or `Int4QuantizationConfig` (None: the
                default one).
        """
        super().quantize(mode, type_check=type_check, config=config)
        if self.dtype_policy.quantization_mode == "int4" and not self.tie_weights:
            quantized_int4.quantize_reverse_embeddings(self, self.dtype_policy.block_size)

    def _quantize_weights(self, config):
        super()._quantize_weights(config)
        if not self.tie_weights:
            values, scale = quantized_layer.quantize_weight(config, self.reverse_embeddings, axis=0)
            self.reverse_embeddings = quantized_layer.replace_weight(
                self, "reverse_embeddings", values
            )
            self.reverse_embeddings_scale = quantized_layer.add_fixed_weight(
                self, "reverse_embeddings_scale", ops.reshape(scale, (self.input_dim,))
            )

    def _quantized_reverse_kernel(self):
        """The reverse projection `(output_dim, input_dim)` and its per-column scales."""
        if self.tie_weights:
            return ops.transpose(self.embeddings), self.embeddings_scale
        return self.reverse_embeddings, self.reverse_embeddings_scale

    def call(self, inputs, reverse=False):
        if not reverse:
            return super().call(inputs)
        mode = self._quantization_mode
        if mode == "int4":
            return self._soft_cap(self._int4_reverse(inputs))
        if mode is not None:
            return self._soft_cap(self._int8_reverse(inputs))
        if self.tie_weights:
            kernel = ops.transpose(self.embeddings)
        else:
            kernel = self.reverse_embeddings
        dtype = self._reverse_output_dtype()
        logits = ops.matmul(ops.cast(inputs, dtype), ops.cast(kernel, dtype))
        return self._soft_cap(logits)

    def _reverse_output_dtype(self):
        # As Keras: a quantized reverse projection does not use `reverse_dtype` (its
        # symbolic spec is the compute dtype; eager int4 logits promote with the inputs).
        if self._quantization_mode is not None:
            return self.compute_dtype
        return self.reverse_dtype or self.compute_dtype

    def _soft_cap(self, logits):
        if self.logit_soft_cap is not None:
            cap = self.logit_soft_cap
            logits = ops.tanh(logits / cap) * cap
        return logits

    def _int4_reverse(self, inputs):
        # As Keras: the table is dequantized in the compute dtype and the inputs are not
        # cast, so the logits take the promoted dtype (float32 inputs under mixed_bfloat16
        # give float32 logits, while the symbolic spec says bfloat16).
        dtype = self.compute_dtype
        if self.tie_weights:
            kernel = ops.transpose(quantized_int4.dequantized_embeddings(self, dtype))
        else:
            kernel = quantized_int4.dequantized_reverse_embeddings(self, dtype)
        return ops.matmul(inputs, kernel)

    def _int8_reverse(self, inputs):
        dtype = self.compute_dtype
        kernel, kernel_scale = self._quantized_reverse_kernel()
        quantizer = quantized_layer.activation_quantizer(self)
        if quantizer is None:
            kernel = ops.divide(ops.cast(kernel, dtype), ops.cast(kernel_scale, dtype))
            return ops.matmul(ops.cast(inputs, dtype), kernel)
        values, scale = quantized_layer.quantize_inputs(quantizer, inputs, axis=-1)
        logits = ops.matmul(ops.cast(values, dtype), ops.cast(kernel, dtype))
        return ops.divide(logits, ops.cast(ops.multiply(scale, kernel_scale), dtype))

    def compute_mask(self, inputs, previous_mask=None):
        # Float inputs are hidden states (the reverse call): their mask passes through.
        dtype = getattr(inputs, "dtype", None)
        if dtype is not None and dtypes.is_float_dtype(dtypes.standardize_dtype(dtype)):
            return previous_mask
        return super().compute_mask(inputs, previous_mask)

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return tuple(input_shape)[:-1] + (self.input_dim,)
        return super().compute_output_shape(input_shape)

    def compute_output_spec(self, inputs, reverse=False):
        if reverse:
            dtype = self._reverse_output_dtype()
            return KerasTensor(self.compute_output_shape(inputs.shape, reverse=True), dtype=dtype)
        return super().compute_output_spec(inputs)

    def get_config(self):
        return {
            **super().get_config(),
            "tie_weights": self.tie_weights,
            "reverse_dtype": self.reverse_dtype,
            "logit_soft_cap": self.logit_soft_cap,
        }


def _check_reverse_dtype(value):
    try:
        dtype = dtypes.standardize_dtype(value)
    except (TypeError, ValueError):
        dtype = None
    if dtype is None or not dtypes.is_float_dtype(dtype):
        raise ValueError(
            "ReversibleEmbedding: reverse_dtype must be a float dtype name or None; received "
            f"reverse_dtype={value!r}."
        )
    return dtype
