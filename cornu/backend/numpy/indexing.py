"""numpy indexing kernels (`get_item`, `trace` and `unravel_index` are shared with jax)."""

import numpy as np

from cornu.backend.common import array_kernels

globals().update(array_kernels.indexing(np))


def diagonal(x, offset, axis1, axis2, length):
    return np.diagonal(x, offset, axis1, axis2).copy()


def nonzero(x):
    return tuple(i.astype("int32") for i in np.nonzero(x))


def take(x, indices, axis):
    return np.take(x, indices, axis=axis)


def take_along_axis(x, indices, axis):
    return np.take_along_axis(x, indices, axis=axis)
