"""Dense one-hot / multi-hot / count encodings of integer indices (CategoryEncoding,
Discretization)."""

from cornu import ops

OUTPUT_MODES = ("one_hot", "multi_hot", "count")


def check_output_mode(layer, output_mode, modes=OUTPUT_MODES):
    if output_mode not in modes:
        raise ValueError(
            f"{layer}: output_mode must be one of {modes}; received output_mode={output_mode!r}."
        )
    return output_mode


def encoded_shape(input_shape, num_tokens, output_mode):
    """one_hot encodes every element (a trailing axis of size 1 is replaced); multi_hot and
    count treat the last axis as one sample's tokens."""
    shape = tuple(input_shape)
    if output_mode == "one_hot":
        if shape and shape[-1] == 1:
            shape = shape[:-1]
        return shape + (num_tokens,)
    if not shape:
        return (num_tokens,)
    return shape[:-1] + (num_tokens,)


def encode(indices, num_tokens, output_mode, dtype, count_weights=None):
    """Encodes integer `indices` into `num_tokens` slots. Indices outside [0, num_tokens)
    match no slot (they add nothing)."""
    x = indices
    if output_mode == "one_hot" and len(x.shape) and x.shape[-1] == 1:
        x = ops.squeeze(x, -1)
    elif output_mode != "one_hot" and len(x.shape) == 0:
        x = ops.expand_dims(x, 0)
    # (..., k, num_tokens): a comparison, identical on every backend and under jit.
    hits = ops.equal(
        ops.expand_dims(ops.cast(x, "int32"), -1), ops.arange(num_tokens, dtype="int32")
    )
    hits = ops.cast(hits, dtype)
    if output_mode == "one_hot":
        return hits
    if output_mode == "multi_hot":
        return ops.max(hits, axis=-2)
    if count_weights is not None:  # count mode: each token adds its weight, not 1
        weights = ops.reshape(ops.cast(count_weights, dtype), tuple(x.shape) + (1,))
        hits = ops.multiply(hits, weights)
    return ops.sum(hits, axis=-2)
