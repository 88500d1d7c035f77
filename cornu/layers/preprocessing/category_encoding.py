"""`CategoryEncoding`: one-hot, multi-hot or count encodings of integer features."""

from cornu import ops
from cornu.layers.preprocessing._encoding import check_output_mode, encode, encoded_shape
from cornu.layers.preprocessing.data_layer import DataLayer


class CategoryEncoding(DataLayer):
    """Encodes integer inputs in [0, num_tokens) as dense vectors of `num_tokens` floats.

    - "one_hot": every element becomes a one-hot vector (a trailing axis of size 1 is
      replaced, otherwise a new axis is appended): (batch,) -> (batch, num_tokens).
    - "multi_hot": the last axis holds one sample's tokens; the output has a 1 for each
      token present: (batch, k) -> (batch, num_tokens).
    - "count": like multi_hot, but counts occurrences (or sums `count_weights`).

    Values outside [0, num_tokens) match no slot (they are not checked, so the layer also
    works under jit). Outputs are in the compute dtype.

    Args:
        num_tokens: the number of slots.
        output_mode: "one_hot", "multi_hot" or "count".
        sparse: must be False (cornu returns dense outputs).

    Example:
        >>> CategoryEncoding(4, output_mode="multi_hot")(np.array([[0, 1], [3, 3]]))
        # [[1, 1, 0, 0], [0, 0, 0, 1]]
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(num_tokens, bool) or not isinstance(num_tokens, int) or num_tokens < 1:
            raise ValueError(
                f"CategoryEncoding: num_tokens must be a positive int; received "
                f"num_tokens={num_tokens!r}."
            )
        self.num_tokens = num_tokens
        self.output_mode = check_output_mode("CategoryEncoding", output_mode)
        if sparse:
            raise ValueError(
                "CategoryEncoding: sparse outputs are not supported by cornu yet; received "
                f"sparse={sparse!r}."
            )
        self.sparse = False
        self.built = True

    def call(self, inputs, count_weights=None):
        inputs = ops.convert_to_tensor(inputs)  # also accepts Python lists
        if count_weights is not None:
            count_weights = ops.convert_to_tensor(count_weights)
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(
                f"CategoryEncoding layer '{self.name}': count_weights is only used with "
                f"output_mode='count'; this layer has output_mode={self.output_mode!r}."
            )
        if count_weights is not None and tuple(count_weights.shape) != tuple(inputs.shape):
            raise ValueError(
                f"CategoryEncoding layer '{self.name}': count_weights must have the inputs' "
                f"shape {tuple(inputs.shape)}; received shape {tuple(count_weights.shape)}."
            )
        return encode(inputs, self.num_tokens, self.output_mode, self.compute_dtype,
                      count_weights)  # fmt: skip

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.num_tokens, self.output_mode)

    def get_config(self):
        return {
            **super().get_config(),
            "num_tokens": self.num_tokens,
            "output_mode": self.output_mode,
        }
