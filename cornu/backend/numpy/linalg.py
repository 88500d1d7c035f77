"""NumPy linear-algebra kernels (inputs already float and shape-checked by the front end)."""

import numpy as np


def _adjoint(x):
    return np.conj(np.swapaxes(x, -1, -2))


def cholesky(x, upper):
    return np.linalg.cholesky(x, upper=upper)


def cholesky_inverse(factor, upper):
    a = _adjoint(factor) @ factor if upper else factor @ _adjoint(factor)
    return np.linalg.inv(a)


det = np.linalg.det
inv = np.linalg.inv


def eig(x, complex_dtype):
    w, v = np.linalg.eig(x)
    return w.astype(complex_dtype), v.astype(complex_dtype)


def eigh(x):
    w, v = np.linalg.eigh(x)
    return w, v


def lstsq(a, b, rcond):
    return np.linalg.lstsq(a, b, rcond=rcond)[0].astype(a.dtype)


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


def matrix_rank(x, tol):
    s = np.linalg.svd(x, compute_uv=False)
    if tol is None:
        eps = np.finfo(x.dtype).eps
        tol = s.max(axis=-1, keepdims=True, initial=0.0) * max(x.shape[-2:]) * eps
    else:
        tol = np.asarray(tol, s.dtype)[..., None]
    return np.sum(s > tol, axis=-1).astype(np.int32)


def norm(x, ord, axis, keepdims):
    out = np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    return np.asarray(out, dtype=np.finfo(x.dtype).dtype)[()]  # ([()]: 0-d gives a NumPy scalar)


def pinv(x, rcond):
    return np.linalg.pinv(x, rcond=rcond).astype(x.dtype)


def qr(x, mode):
    q, r = np.linalg.qr(x, mode=mode)
    return q, r


def solve(a, b):
    # b has matrix form (..., N, K); batch dimensions broadcast.
    return np.linalg.solve(a, b)


def solve_triangular(a, b, lower):
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    # Only the chosen triangle is read (like LAPACK's trtrs).
    triangle = np.tril(a) if lower else np.triu(a)
    return np.linalg.solve(triangle, b).astype(a.dtype)


def svd(x, full_matrices, compute_uv):
    if not compute_uv:
        return np.linalg.svd(x, compute_uv=False)
    u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
    return u, s, vh


def expand_last(x):
    return x[..., None]


def squeeze_last(x):
    return x[..., 0]


def jvp(fun, primals, tangents, has_aux):
    raise NotImplementedError(
        "jvp: the numpy backend has no automatic differentiation; use jax, torch or tensorflow."
    )
