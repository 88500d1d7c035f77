"""numpy shape-manipulation kernels."""

import numpy as np

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
    return np.repeat(x, repeats, axis=axis)


def pad_constant(x, widths, value):
    return np.pad(x, widths, mode="constant", constant_values=value)


def pad_native(x, widths, mode):
    return np.pad(x, widths, mode=mode).astype(x.dtype)


def view(x, dtype, shape):
    from cornu.backend.numpy.core import to_framework_dtype

    return np.ascontiguousarray(x).view(to_framework_dtype(dtype)).reshape(shape)


def split(x, sizes, axis):
    """Consecutive pieces of the given sizes along `axis` (they add up to its length); one
    split primitive, whose gradient is one concatenation."""
    return np.split(x, np.cumsum(sizes)[:-1].tolist(), axis=axis)
