"""numpy creation kernels (dtypes arrive as cornu dtype names)."""

import numpy as np

from cornu.backend.numpy.core import to_framework_dtype as _dt


def zeros(shape, dtype):
    return np.zeros(shape, _dt(dtype))


def ones(shape, dtype):
    return np.ones(shape, _dt(dtype))


def full(shape, fill_value):
    return np.full(shape, fill_value, dtype=fill_value.dtype)


def zeros_like(x, dtype):
    return np.zeros(x.shape, _dt(dtype))


def ones_like(x, dtype):
    return np.ones(x.shape, _dt(dtype))


def full_like(x, fill_value):
    return np.full(x.shape, fill_value, dtype=fill_value.dtype)


def arange(start, stop, step, length, dtype):
    return np.asarray(start + np.arange(length) * step).astype(_dt(dtype))


def linspace(start, stop, num, endpoint, axis):
    samples, step = np.linspace(start, stop, num, endpoint=endpoint, retstep=True, axis=axis)
    return samples.astype(start.dtype), np.asarray(step, start.dtype)


def logspace(start, stop, num, endpoint, base, axis):
    samples = np.linspace(start, stop, num, endpoint=endpoint, axis=axis).astype(start.dtype)
    return np.power(np.asarray(base, start.dtype), samples)


def geomspace(start, stop, num, endpoint, axis):
    return np.geomspace(start, stop, num, endpoint=endpoint, axis=axis).astype(start.dtype)


def cast_values(x, dtype):
    dtype = _dt(dtype)
    if np.dtype(dtype).kind in "iu" and x.dtype.kind == "f":
        x = np.floor(x)
    return np.asarray(x).astype(dtype)


reshape = np.reshape


def broadcast_to(x, shape):
    return np.broadcast_to(x, shape).copy()


def ravel(x):
    return np.reshape(x, -1)


def eye(N, M, k, dtype):
    return np.eye(N, M, k, dtype=_dt(dtype))


def tri(N, M, k, dtype):
    return np.tri(N, M, k, dtype=_dt(dtype))


def tril(x, k):
    return np.tril(x, k)


def triu(x, k):
    return np.triu(x, k)


def diag_matrix(x, k):
    return np.diag(x, k)


def diag_part(x, k, length):
    return np.diag(x, k)


def vander(x, n, increasing):
    powers = np.arange(n) if increasing else np.arange(n)[::-1]
    return np.power(x[:, None], powers.astype(x.dtype))
