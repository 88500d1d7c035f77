"""GPTQ and AWQ weights in Keras's layout ("gptq/<bits>/<group_size>" and
"awq/<bits>/<group_size>" policies), for Dense and EinsumDense.

The kernel's 2D view `(rows, columns)` (contracted dims first) is stored transposed, as
unsigned codes `(columns, rows)`; with 4 bits two codes share a byte along the columns
(low nibble first), giving `(ceil(columns / 2), rows)`. Variables (Keras's names):
`kernel` uint8, `kernel_scale` float `(columns, groups)`, the zero point uint8
`(columns, groups)` (`kernel_zero` on Dense, `zero_point` on EinsumDense), for AWQ
`awq_scales` float `(rows,)` (the per-input scale folded into the kernel), and `g_idx` float
`(rows,)` (row / group_size; its floor is the row's group).
"""

import numpy as np

from cornu import ops
from cornu.layers.core import quantized_layer

MODES = ("gptq", "awq")


def zero_name(layer):
    return "kernel_zero" if hasattr(layer, "units") else "zero_point"


def packed_rows(columns, bits):
    return (columns + 1) // 2 if bits == 4 else columns


def add_variables(layer, rows, columns, bits, group_size, mode):
    """Creates the variables (zeros) of a `(rows, columns)` kernel view."""
    size = rows if group_size in (None, -1) else group_size
    groups = -(-rows // size)
    fixed = {"trainable": False, "autocast": False}
    layer.kernel = layer.add_weight(shape=(packed_rows(columns, bits), rows), initializer="zeros",
                                    dtype="uint8", name="kernel", **fixed)  # fmt: skip
    layer.kernel_scale = layer.add_weight(shape=(columns, groups), initializer="ones",
                                          name="kernel_scale", **fixed)  # fmt: skip
    layer.kernel_zero = layer.add_weight(shape=(columns, groups), initializer="zeros",
                                         dtype="uint8", name=zero_name(layer), **fixed)  # fmt: skip
    layer.awq_scales = None
    if mode == "awq":
        layer.awq_scales = layer.add_weight(shape=(rows,), initializer="ones",
                                            name="awq_scales", **fixed)  # fmt: skip
    layer.g_idx = layer.add_weight(shape=(rows,), initializer="zeros", name="g_idx", **fixed)
    layer.g_idx.assign(np.arange(rows, dtype="float32") / size)


def store(layer, mode, codes, scale, zero, g_idx, bits, group_size, awq_scales=None):
    """Replaces the float kernel of `layer` by the given quantized view (codes `(rows,
    columns)`) and sets its GPTQ/AWQ policy."""
    from cornu import dtype_policies

    rows, columns = codes.shape
    source = layer.dtype_policy.name
    quantized_layer.untrack_variable(layer, layer.kernel)
    add_variables(layer, rows, columns, bits, group_size, mode)
    layer.kernel.assign(pack(codes.T, bits))
    layer.kernel_scale.assign(np.asarray(scale, "float32"))
    layer.kernel_zero.assign(np.asarray(zero, "uint8"))
    layer.g_idx.assign(np.asarray(g_idx, "float32"))
    if awq_scales is not None:
        layer.awq_scales.assign(np.asarray(awq_scales, "float32"))
    policy = {"gptq": dtype_policies.GPTQDTypePolicy, "awq": dtype_policies.AWQDTypePolicy}[mode]
    layer.dtype_policy = policy(f"{mode}/{bits}/{group_size}", source)


def pack(codes, bits):
    """`(columns, rows)` codes -> uint8, two 4-bit codes a byte along the first axis."""
    codes = np.asarray(codes, "uint8")
    if bits != 4:
        return codes
    if codes.shape[0] % 2:
        codes = np.concatenate([codes, np.zeros((1,) + codes.shape[1:], "uint8")])
    return (codes[0::2] | (codes[1::2] << 4)).astype("uint8")


def unpack(kernel, columns, bits):
    """The inverse of `pack`, with `cornu.ops` (int32 codes `(columns, rows)`)."""
    kernel = ops.cast(kernel, "int32")
    if bits != 4:
        return kernel
    low, high = ops.mod(kernel, 16), ops.floor_divide(kernel, 16)
    both = ops.reshape(ops.stack([low, high], axis=1), (-1, kernel.shape[-1]))
    return both[:columns]


def dequantized_kernel(layer, rows, columns, dtype):
    """The float `(rows, columns)` kernel view: `(codes - zero) * scale` per group, divided by
    the AWQ scale of each row."""
    bits = layer.dtype_policy.weight_bits
    codes = ops.cast(unpack(layer.kernel, columns, bits), dtype)
    groups = ops.cast(ops.floor(layer.g_idx), "int32")
    zero = ops.take(ops.cast(layer.kernel_zero, dtype), groups, axis=1)
    scale = ops.take(ops.cast(layer.kernel_scale, dtype), groups, axis=1)
    kernel = ops.transpose(ops.multiply(ops.subtract(codes, zero), scale))
    if getattr(layer, "awq_scales", None) is not None:
        kernel = ops.divide(kernel, ops.expand_dims(ops.cast(layer.awq_scales, dtype), -1))
    return kernel


def saved_variables(layer):
    """The order of Keras's loader: bias, kernel, scale, zero point, (awq_scales), g_idx."""
    bias = [layer.bias] if layer.bias is not None else []
    awq = [layer.awq_scales] if getattr(layer, "awq_scales", None) is not None else []
    return bias + [layer.kernel, layer.kernel_scale, layer.kernel_zero] + awq + [layer.g_idx]
