"""Matrix decompositions of `cornu.ops.linalg`: cholesky (and cholesky_inverse), eig, eigh,
lu_factor, qr and svd.
"""

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import kernels, op
from cornu.ops.linalg import _linalg_common as common

_k = kernels()

__all__ = [
    "cholesky",
    "cholesky_inverse",
    "eig",
    "eigh",
    "lu_factor",
    "qr",
    "svd",
]


@op(spec=common.same_spec("cholesky"))
def cholesky(x, upper=False):
    """Cholesky factor of a symmetric (Hermitian) positive-definite matrix.

    Args:
        x: `(..., N, N)` matrices; only their lower triangle is read.
        upper: return the upper factor `U` (`x = U^H U`) instead of the lower `L` (`x = L L^H`).
    """
    x, dtype = common.prepared_matrix(x, "cholesky")
    return common.finish(_k.cholesky(x, bool(upper)), dtype)


@op(spec=common.same_spec("cholesky_inverse"))
def cholesky_inverse(x, upper=False):
    """Inverse of `A` given its Cholesky factor `x` (`A = x x^H`, or `x^H x` when `upper`)."""
    x, dtype = common.prepared_matrix(x, "cholesky_inverse")
    return common.finish(_k.cholesky_inverse(x, bool(upper)), dtype)


def _eig_spec(x):
    shape = common.check_matrix(rules.shape_of(x), "eig")
    complex_dtype = _complex_dtype(common.result_dtype(x))
    return KerasTensor(shape[:-1], dtype=complex_dtype), KerasTensor(shape, dtype=complex_dtype)


def _complex_dtype(dtype):
    if dtype in dtypes.COMPLEX_TYPES:
        return dtype
    return common.COMPLEX_OF[common.compute_dtype(dtype)]


@op(spec=_eig_spec)
def eig(x):
    """Eigenvalues and right eigenvectors of general square matrices.

    Returns:
        `(w, v)`, complex (complex64 for float32 input, complex128 for float64): `x @ v = v * w`
        with eigenvectors in the columns of `v`.
    """
    x, dtype = common.prepared_matrix(x, "eig")
    return _k.eig(x, _complex_dtype(dtype))


def _eigh_spec(x):
    shape = common.check_matrix(rules.shape_of(x), "eigh")
    dtype = common.result_dtype(x)
    return KerasTensor(shape[:-1], dtype=common.real_dtype(dtype)), KerasTensor(shape, dtype=dtype)


@op(spec=_eigh_spec)
def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of symmetric (Hermitian) matrices.

    Only the lower triangle of `x` is read on numpy/torch/tensorflow; JAX symmetrizes its input,
    so give a symmetric matrix.

    Returns:
        `(w, v)` with `x @ v = v * w`.
    """
    x, dtype = common.prepared_matrix(x, "eigh")
    return common.finish(_k.eigh(x), dtype)


def _lu_factor_spec(x):
    shape = common.check_matrix(rules.shape_of(x), "lu_factor", square=False)
    m, n = shape[-2], shape[-1]
    k = None if m is None or n is None else min(m, n)
    return KerasTensor(shape, dtype=common.result_dtype(x)), KerasTensor(shape[:-2] + (k,), "int32")


@op(spec=_lu_factor_spec)
def lu_factor(x):
    """LU factorization with partial pivoting, in SciPy's `lu_factor` layout.

    Returns:
        `(lu, pivots)`: `lu` holds `U` in its upper triangle and the unit-diagonal `L` below it;
        `pivots` (int32, 0-based) says row `i` was interchanged with row `pivots[i]`.
    """
    x, dtype = common.prepared_matrix(x, "lu_factor", square=False)
    lu, pivots = _k.lu_factor(x)
    return common.finish(lu, dtype), pivots


def _qr_shapes(shape, mode):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: `mode` must be 'reduced' or 'complete'; received {mode!r}.")
    shape = common.check_matrix(shape, "qr", square=False)
    m, n = shape[-2], shape[-1]
    batch = shape[:-2]
    if mode == "complete":
        return batch + (m, m), batch + (m, n)
    k = None if m is None or n is None else min(m, n)
    return batch + (m, k), batch + (k, n)


def _qr_spec(x, mode="reduced"):
    q, r = _qr_shapes(rules.shape_of(x), mode)
    dtype = common.result_dtype(x)
    return KerasTensor(q, dtype=dtype), KerasTensor(r, dtype=dtype)


@op(spec=_qr_spec)
def qr(x, mode="reduced"):
    """QR decomposition `x = q @ r` (`q` orthonormal columns, `r` upper triangular).

    Args:
        mode: "reduced" (`q` is `(M, K)`, `r` is `(K, N)`, `K = min(M, N)`) or "complete"
            (`q` is `(M, M)`, `r` is `(M, N)`).
    """
    dtype = common.result_dtype(x)
    x = common.prepare(x, dtype)
    _qr_shapes(common.static_shape(x), mode)
    return common.finish(_k.qr(x, mode), dtype)


def _svd_shapes(shape, full_matrices):
    shape = common.check_matrix(shape, "svd", square=False)
    m, n = shape[-2], shape[-1]
    batch = shape[:-2]
    k = None if m is None or n is None else min(m, n)
    if full_matrices:
        return batch + (m, m), batch + (k,), batch + (n, n)
    return batch + (m, k), batch + (k,), batch + (k, n)


def _svd_spec(x, full_matrices=True, compute_uv=True):
    u, s, vh = _svd_shapes(rules.shape_of(x), full_matrices)
    dtype = common.result_dtype(x)
    real = common.real_dtype(dtype)
    if not compute_uv:
        return KerasTensor(s, dtype=real)
    return KerasTensor(u, dtype=dtype), KerasTensor(s, dtype=real), KerasTensor(vh, dtype=dtype)


@op(spec=_svd_spec)
def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition `x = u @ diag(s) @ vh`.

    Args:
        full_matrices: `u` is `(M, M)` and `vh` `(N, N)`; else `(M, K)` and `(K, N)`,
            `K = min(M, N)`.
        compute_uv: when False return only `s` (descending).

    Returns:
        `(u, s, vh)`, or `s`.
    """
    dtype = common.result_dtype(x)
    x = common.prepare(x, dtype)
    _svd_shapes(common.static_shape(x), full_matrices)
    return common.finish(_k.svd(x, bool(full_matrices), bool(compute_uv)), dtype)
