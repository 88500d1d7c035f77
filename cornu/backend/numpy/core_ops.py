"""NumPy kernels for the core ops (control flow, slices and scatters); no gradients."""

import numpy as np

from cornu.backend.common.array_kernels import index_tuple as _index_tuple
from cornu.backend.common.array_kernels import slice_window as _slice_window
from cornu.backend.numpy import manipulation as _manipulation
from cornu.backend.numpy.core import fori_loop as fori_loop
from cornu.backend.numpy.core import to_32_bit


def switch(index, branches, *operands):
    index = min(max(int(index), 0), len(branches) - 1)
    return branches[index](*operands)


concat = _manipulation.concatenate


def custom_gradient(f):
    """NumPy has no gradients: the wrapped function returns only the output."""

    def wrapper(*args, **kwargs):
        return f(*args, **kwargs)[0]

    return wrapper


def dynamic_slice(x, starts, shape):
    return x[_slice_window(x.shape, starts, shape)]


def dynamic_update_slice(x, starts, updates):
    out = np.array(x, copy=True)
    out[_slice_window(x.shape, starts, updates.shape)] = updates
    return out


def scatter(indices, values, shape):
    # int64/float64 values give an int32/float32 result, as under Keras's numpy backend (and JAX).
    values = to_32_bit(values)
    out = np.zeros(shape, values.dtype)
    np.add.at(out, _index_tuple(indices), values)
    return out


_UFUNCS = {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}


def scatter_update(inputs, indices, updates, reduction):
    out = np.array(inputs, copy=True)
    if reduction is None:
        out[_index_tuple(indices)] = updates
    else:
        _UFUNCS[reduction].at(out, _index_tuple(indices), updates)
    return out
