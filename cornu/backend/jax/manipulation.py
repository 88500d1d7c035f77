"""jax shape-manipulation kernels."""

import jax
import jax.numpy as np
import numpy

from cornu.backend.jax.core import to_framework_dtype

reshape = np.reshape
squeeze = np.squeeze
transpose = np.transpose
expand_dims = np.expand_dims
broadcast_to = np.broadcast_to
flip = np.flip
tile = np.tile


def size(x):
    return np.size(x)


def concatenate(xs, axis):
    return np.concatenate(xs, axis=axis)


def stack(xs, axis):
    return np.stack(xs, axis=axis)


def roll(x, shifts, axes):
    return np.roll(x, shifts, axis=axes)


def repeat(x, repeats, axis):
    if isinstance(repeats, tuple):  # static counts: a gather with precomputed indices
        index = numpy.repeat(numpy.arange(x.shape[axis], dtype=numpy.int32), repeats)
        return np.take(x, index, axis=axis)
    return np.repeat(x, repeats, axis=axis)


def pad_constant(x, widths, value):
    return np.pad(x, widths, mode="constant", constant_values=value)


def pad_native(x, widths, mode):
    return np.pad(x, widths, mode=mode).astype(x.dtype)


def view(x, dtype, shape):
    """Bit reinterpretation with NumPy's rule: the last axis rescales by the size ratio."""
    target = to_framework_dtype(dtype)
    if x.dtype == np.bool_:
        x = x.astype(np.uint8)
    out_bool = target == np.bool_
    if out_bool:
        target = np.uint8
    old, new = np.dtype(x.dtype).itemsize, np.dtype(target).itemsize
    if old < new:
        x = x.reshape(x.shape[:-1] + (x.shape[-1] * old // new, new // old))
    out = jax.lax.bitcast_convert_type(x, target)
    out = out.reshape(shape)
    return out != 0 if out_bool else out


def split(x, sizes, axis):
    """Consecutive pieces of the given sizes along `axis` (they add up to its length); one
    split primitive, whose gradient is one concatenation."""
    return np.split(x, numpy.cumsum(sizes)[:-1].tolist(), axis=axis)
