"""numpy shape-manipulation kernels.

`reshape`, `transpose`, `concatenate`, `pad`, `split`, ... are shared with jax
(`common/array_kernels.py`); the ones below are NumPy's own.
"""

import numpy as np

from cornu.backend.common import array_kernels
from cornu.backend.numpy.core import to_framework_dtype

globals().update(array_kernels.manipulation(np))


def broadcast_to(x, shape):
    # A writable array of its own, as the other backends and np.meshgrid give (np.broadcast_to
    # alone returns a read-only view of `x`).
    return np.broadcast_to(x, shape).copy()


def repeat(x, repeats, axis):
    return np.repeat(x, repeats, axis=axis)


def view(x, dtype, shape):

    return np.ascontiguousarray(x).view(to_framework_dtype(dtype)).reshape(shape)
