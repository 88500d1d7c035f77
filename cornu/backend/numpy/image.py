"""NumPy kernels for cornu.ops.image: small array primitives the front end composes."""

import numpy as np


def einsum(subscripts, *operands):
    dtype = np.result_type(*operands)
    if dtype.kind == "V" or dtype.name == "bfloat16":  # NumPy's einsum has no bfloat16 loop
        return np.einsum(subscripts, *(o.astype("float32") for o in operands)).astype(dtype)
    return np.einsum(subscripts, *operands)


def take(x, indices, axis):
    return np.take(x, np.asarray(indices), axis=axis)


def pad(x, pad_width, constant_value):
    return np.pad(x, pad_width, constant_values=np.asarray(constant_value, x.dtype))


transpose = np.transpose
reshape = np.reshape
floor = np.floor
where = np.where
minimum = np.minimum
abs = np.abs


def concatenate(xs, axis):
    return np.concatenate(xs, axis=axis)


def stack(xs, axis):
    return np.stack(xs, axis=axis)


def clip(x, lo, hi):
    return np.clip(x, lo, hi).astype(x.dtype)


def round_half_away(x):
    return (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(x.dtype)


def reduce_max(x, axis, keepdims=False):
    return np.max(x, axis=axis, keepdims=keepdims)


def reduce_min(x, axis, keepdims=False):
    return np.min(x, axis=axis, keepdims=keepdims)


def reduce_mean(x, axis, keepdims=False):
    return np.mean(x, axis=axis, keepdims=keepdims).astype(x.dtype)


def solve(a, b):
    return np.linalg.solve(a, b)


def compiled(fn, *tensors, **static):
    """Runs `fn(*tensors, **static)` (eagerly on this backend)."""
    return fn(*tensors, **static)


def batch_offsets(x, step):
    """(batch, 1, 1) int32: i * step for each item i of `x`'s leading axis."""
    return (np.arange(x.shape[0], dtype="int32") * step).reshape(-1, 1, 1)
