"""numpy creation kernels (dtypes arrive as cornu dtype names).

`zeros`, `ones`, `eye`, `tril`, ... are shared with jax (`common/array_kernels.py`).
"""

import numpy as np

from cornu.backend.common import array_kernels
from cornu.backend.numpy.core import to_framework_dtype as _dt

globals().update(array_kernels.creation(np, _dt))


def full(shape, fill_value):
    return np.full(shape, fill_value, dtype=fill_value.dtype)


def full_like(x, fill_value):
    return np.full(x.shape, fill_value, dtype=fill_value.dtype)


def arange(start, stop, step=None, length=None, dtype=None):
    """`length` values `start + i * step` of `dtype` (a cornu name).

    The nn front end calls it as `arange(n, dtype)`: 0, 1, ..., n - 1.
    """
    if step is None:
        start, step, length, dtype = 0, 1, start, stop
    return np.asarray(start + np.arange(length) * step).astype(_dt(dtype))


def linspace(start, stop, num, endpoint, axis):
    samples, step = np.linspace(start, stop, num, endpoint=endpoint, retstep=True, axis=axis)
    return samples.astype(start.dtype), np.asarray(step, start.dtype)


def logspace(start, stop, num, endpoint, base, axis):
    samples = np.linspace(start, stop, num, endpoint=endpoint, axis=axis).astype(start.dtype)
    return np.power(np.asarray(base, start.dtype), samples)


def cast_values(x, dtype):
    dtype = _dt(dtype)
    if np.dtype(dtype).kind in "iu" and x.dtype.kind == "f":
        x = np.floor(x)
    return np.asarray(x).astype(dtype)


def vander(x, n, increasing):
    powers = np.arange(n) if increasing else np.arange(n)[::-1]
    return np.power(x[:, None], powers.astype(x.dtype))
