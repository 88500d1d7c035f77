"""`Embedding`: maps integer indices to rows of a trainable table."""

import numpy as np

from cornu import ops, regularizers
from cornu.backend.common import dtypes, scopes
from cornu.layers import arguments
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
        lora_rank, lora_alpha, quantization_config: accepted for Keras compatibility; LoRA and
            quantization are not implemented (a non-None `lora_rank` or `quantization_config`
            raises ValueError).
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
        arguments.refuse_unsupported(
            "Embedding", lora_rank=lora_rank, quantization_config=quantization_config
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
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim),
            name="embeddings",
            **arguments.of_weight(self, "embeddings"),
        )
        self.built = True

    def call(self, inputs):
        if not dtypes.is_int_dtype(dtypes.standardize_dtype(inputs.dtype)):
            inputs = ops.cast(inputs, "int32")
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
            "quantization_config": None,
        }
