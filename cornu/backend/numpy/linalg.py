"""NumPy linear-algebra kernels (inputs already float and shape-checked by the front end).

`eig`, `qr`, `solve`, `svd`, ... are shared with jax (`common/array_kernels.py`); the ones below
are NumPy's own.
"""

import numpy as np

from cornu.backend.common import array_kernels

globals().update(array_kernels.linalg(np))


def cholesky(x, upper):
    return np.linalg.cholesky(x, upper=upper)


det = np.linalg.det
inv = np.linalg.inv


def lu_factor(x):
    """Gaussian elimination with partial pivoting (LAPACK getrf's layout, 0-based pivots)."""
    m, n = x.shape[-2:]
    k = min(m, n)
    a = np.array(x, copy=True).reshape((-1, m, n))
    pivots = np.zeros((a.shape[0], k), np.int32)
    batch = np.arange(a.shape[0])
    for j in range(k):
        p = j + np.argmax(np.abs(a[:, j:, j]), axis=1)
        pivots[:, j] = p
        row_j = a[batch, j, :].copy()
        a[batch, j, :] = a[batch, p, :]
        a[batch, p, :] = row_j
        pivot = a[:, j, j][:, None]
        below = a[:, j + 1 :, j]
        a[:, j + 1 :, j] = np.divide(below, pivot, out=below.copy(), where=pivot != 0)
        a[:, j + 1 :, j + 1 :] -= a[:, j + 1 :, j : j + 1] * a[:, j : j + 1, j + 1 :]
    return a.reshape(x.shape), pivots.reshape(x.shape[:-2] + (k,))


def norm(x, ord, axis, keepdims):
    out = np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    return np.asarray(out, dtype=np.finfo(x.dtype).dtype)[()]  # ([()]: 0-d gives a NumPy scalar)


def pinv(x, rcond):
    return np.linalg.pinv(x, rcond=rcond).astype(x.dtype)


def solve_triangular(a, b, lower):
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    # Only the chosen triangle is read (like LAPACK's trtrs).
    triangle = np.tril(a) if lower else np.triu(a)
    return np.linalg.solve(triangle, b).astype(a.dtype)


def jvp(fun, primals, tangents, has_aux):
    raise NotImplementedError(
        "jvp: the numpy backend has no automatic differentiation; use jax, torch or tensorflow."
    )
