"""int4 weights in Keras's layout ("int4/<block_size>" policies): a 2D view `(rows, columns)`
of the kernel (contracted dims first) is quantized in blocks of `block_size` rows with a
scale and zero point per block and column, and stored two values per byte along the columns.

Variables (Keras's names): `kernel` int8 `(rows, ceil(columns / 2))`, `kernel_scale` float
`(blocks, columns)`, `kernel_zero` int8 `(blocks, columns)`, `g_idx` float `(rows,)` (the block
of each row).
"""

import numpy as np

from cornu import ops, quantizers
from cornu.layers.core import quantized_layer


def block_size_of(layer, config):
    """The block size of an int4 request, or a clear error for per-channel int4."""
    block_size = config.block_size if config is not None else 128
    if block_size is None or block_size < 1:
        raise NotImplementedError(
            f"Layer '{layer.name}': int4 with block_size={block_size} (one scale per column) "
            "is not supported yet in cornu; use a positive block_size (default 128)."
        )
    return block_size


def add_variables(layer, rows, columns, block_size):
    """Creates the int4 variables (zeros) of a `(rows, columns)` kernel view."""
    blocks = -(-rows // block_size)
    add = layer.add_weight
    layer.kernel = add(shape=(rows, (columns + 1) // 2), initializer="zeros", dtype="int8",
                       trainable=False, autocast=False, name="kernel")  # fmt: skip
    layer.kernel_scale = add(shape=(blocks, columns), initializer="ones", trainable=False,
                             autocast=False, name="kernel_scale")  # fmt: skip
    layer.kernel_zero = add(shape=(blocks, columns), initializer="zeros", dtype="int8",
                            trainable=False, autocast=False, name="kernel_zero")  # fmt: skip
    layer.g_idx = add(shape=(rows,), initializer="zeros", dtype="float32", trainable=False,
                      autocast=False, name="g_idx")  # fmt: skip
    layer.g_idx.assign(np.arange(rows, dtype="float32") // block_size)


def quantize_kernel(layer, matrix, block_size):
    """Replaces the float kernel by the int4 variables of its 2D view `matrix`."""
    values, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(matrix, block_size)
    packed, _, _ = quantizers.pack_int4(values, axis=-1)
    quantized_layer.untrack_variable(layer, layer.kernel)
    rows, columns = matrix.shape
    add_variables(layer, rows, columns, block_size)
    layer.kernel.assign(packed)
    layer.kernel_scale.assign(scale)
    layer.kernel_zero.assign(zero)


def dequantized_kernel(layer, columns, dtype):
    """The `(rows, columns)` float kernel view: `(values - zero) * scale`, blockwise."""
    values = quantizers.unpack_int4(layer.kernel, columns, axis=-1)
    return _dequantize(values, layer.kernel_zero, layer.kernel_scale, layer.g_idx, 0, dtype)


def _dequantize(values, zero, scale, g_idx, axis, dtype):
    """`(values - zero) * scale` with each block's zero and scale, taken along `axis` by
    `g_idx` (the block of each index there)."""
    blocks = ops.cast(g_idx, "int32")
    zero = ops.take(ops.cast(zero, dtype), blocks, axis=axis)
    scale = ops.take(ops.cast(scale, dtype), blocks, axis=axis)
    return ops.multiply(ops.subtract(ops.cast(values, dtype), zero), scale)


def saved_variables(layer):
    """Keras's order in `.keras` files."""
    bias = [layer.bias] if layer.bias is not None else []
    return [layer.kernel] + bias + [layer.kernel_scale, layer.kernel_zero, layer.g_idx]


# -- Embedding: the table `(input_dim, output_dim)` is quantized per row, in blocks of
# `block_size` columns (Keras quantizes the transposed table on its host path, each block's
# own range, and stores scales and zero points per row and block). ---------------------------


def add_embedding_variables(layer, block_size):
    blocks = -(-layer.output_dim // block_size)
    rows, add = layer.input_dim, layer.add_weight
    layer.embeddings = add(shape=(rows, (layer.output_dim + 1) // 2), initializer="zeros",
                           dtype="int8", trainable=False, autocast=False, name="embeddings")  # fmt: skip
    layer.embeddings_scale = add(shape=(rows, blocks), initializer="ones", trainable=False,
                                 autocast=False, name="embeddings_scale")  # fmt: skip
    layer.embeddings_zero = add(shape=(rows, blocks), initializer="zeros", dtype="int8",
                                trainable=False, autocast=False, name="embeddings_zero")  # fmt: skip
    layer.g_idx = add(shape=(layer.output_dim,), initializer="zeros", dtype="float32",
                      trainable=False, autocast=False, name="g_idx")  # fmt: skip
    layer.g_idx.assign(np.arange(layer.output_dim, dtype="float32") // block_size)


def quantize_embeddings(layer, block_size):
    table = ops.transpose(layer.embeddings)
    values, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(
        table, block_size, to_numpy=True
    )
    packed, _, _ = quantizers.pack_int4(ops.transpose(values), axis=-1)
    quantized_layer.untrack_variable(layer, layer.embeddings)
    add_embedding_variables(layer, block_size)
    layer.embeddings.assign(packed)
    layer.embeddings_scale.assign(ops.transpose(scale))
    layer.embeddings_zero.assign(ops.transpose(zero))


def embedding_lookup(layer, ids, dtype):
    values = quantizers.unpack_int4(ops.take(layer.embeddings, ids, axis=0), layer.output_dim, -1)
    blocks = ops.cast(layer.g_idx, "int32")
    scale = ops.take(ops.take(layer.embeddings_scale, ids, axis=0), blocks, axis=-1)
    zero = ops.take(ops.take(layer.embeddings_zero, ids, axis=0), blocks, axis=-1)
    values = ops.subtract(ops.cast(values, dtype), ops.cast(zero, dtype))
    return ops.multiply(values, ops.cast(scale, dtype))


def dequantized_embeddings(layer, dtype):
    """The whole `(input_dim, output_dim)` float table: `(values - zero) * scale`, per row
    and block of columns (the tied reverse projection of `ReversibleEmbedding`)."""
    values = quantizers.unpack_int4(layer.embeddings, layer.output_dim, axis=-1)
    return _dequantize(
        values, layer.embeddings_zero, layer.embeddings_scale, layer.g_idx, -1, dtype
    )


# -- ReversibleEmbedding (untied): `reverse_embeddings` `(output_dim, input_dim)` is quantized
# in blocks of `block_size` rows (the contracted `output_dim`), each block's own range as for
# the table, and packed two per byte along those rows; Keras keeps its zero points in float. -


def add_reverse_embedding_variables(layer, block_size):
    blocks = -(-layer.output_dim // block_size)
    columns, add = layer.input_dim, layer.add_weight
    layer.reverse_embeddings = add(shape=((layer.output_dim + 1) // 2, columns),
                                   initializer="zeros", dtype="int8", trainable=False,
                                   autocast=False, name="reverse_embeddings")  # fmt: skip
    layer.reverse_embeddings_scale = add(shape=(blocks, columns), initializer="ones",
                                         trainable=False, autocast=False,
                                         name="reverse_embeddings_scale")  # fmt: skip
    layer.reverse_embeddings_zero = add(shape=(blocks, columns), initializer="zeros",
                                        trainable=False, autocast=False,
                                        name="reverse_embeddings_zero")  # fmt: skip


def quantize_reverse_embeddings(layer, block_size):
    values, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(
        layer.reverse_embeddings, block_size, to_numpy=True
    )
    packed, _, _ = quantizers.pack_int4(values, axis=0)
    quantized_layer.untrack_variable(layer, layer.reverse_embeddings)
    add_reverse_embedding_variables(layer, block_size)
    layer.reverse_embeddings.assign(packed)
    layer.reverse_embeddings_scale.assign(scale)
    layer.reverse_embeddings_zero.assign(ops.cast(zero, "float32"))


def dequantized_reverse_embeddings(layer, dtype):
    """The `(output_dim, input_dim)` float reverse projection, blockwise over its rows."""
    values = quantizers.unpack_int4(layer.reverse_embeddings, layer.output_dim, axis=0)
    # (g_idx: the block of each of the `output_dim` rows, shared with the table's columns)
    return _dequantize(values, layer.reverse_embeddings_zero, layer.reverse_embeddings_scale,
                       layer.g_idx, 0, dtype)  # fmt: skip
