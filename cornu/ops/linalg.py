"""`cornu.ops.linalg`: decompositions, solvers and norms of (batches of) matrices.

Integer and bool inputs compute in floatx (float32); float16/bfloat16 compute in float32 and are
cast back. Matrix arguments have shape `(..., M, N)` with any leading batch dimensions.
"""

import math as _math

import numpy as _np

from cornu import backend
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, float_dtype_of, kernels, op, to_tensor

_k = kernels("linalg")

__all__ = [
    "cholesky",
    "cholesky_inverse",
    "det",
    "eig",
    "eigh",
    "inv",
    "jvp",
    "lstsq",
    "lu_factor",
    "matrix_rank",
    "norm",
    "pinv",
    "qr",
    "solve",
    "solve_triangular",
    "svd",
]

_HALF = ("float16", "bfloat16")
_COMPLEX_OF = {"float32": "complex64", "float64": "complex128"}


# --- shared helpers --------------------------------------------------------------------------


def _result_dtype(*values):
    """The float dtype an op returns for `values` (ints and bools give floatx)."""
    return float_dtype_of(*values)


def _compute_dtype(dtype):
    """Half precision computes in float32 (the frameworks lack half linalg kernels)."""
    return "float32" if dtype in _HALF else dtype


def _prepare(x, dtype):
    return to_tensor(x, _compute_dtype(dtype))


def _finish(out, dtype):
    """Casts `out` (a tensor or tuple) back to `dtype` when a half dtype computed in float32."""
    if dtype not in _HALF:
        return out
    if isinstance(out, tuple):
        return tuple(_finish(o, dtype) for o in out)
    return backend.cast(out, dtype)


def _real_dtype(dtype):
    return {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype)


def _check_matrix(shape, op_name, arg="x", square=True):
    """Raises unless `shape` is a (batch of) matrix, square when asked."""
    if len(shape) < 2:
        raise ValueError(
            f"{op_name}: `{arg}` must have rank >= 2 (a matrix or a batch of matrices); "
            f"received shape {tuple(shape)}."
        )
    m, n = shape[-2], shape[-1]
    if square and m is not None and n is not None and m != n:
        raise ValueError(
            f"{op_name}: `{arg}` must be square in its last two dimensions; "
            f"received shape {tuple(shape)}."
        )
    return tuple(shape)


def _same_spec(op_name, square=True):
    def spec(x, *args, **kwargs):
        shape = _check_matrix(rules.shape_of(x), op_name, square=square)
        return KerasTensor(shape, dtype=_result_dtype(x))

    return spec


def _batch_spec(op_name):
    def spec(x, *args, **kwargs):
        shape = _check_matrix(rules.shape_of(x), op_name)
        return KerasTensor(shape[:-2], dtype=_result_dtype(x))

    return spec


def _shape(x):
    return tuple(rules.shape_of(x))


# --- ops -------------------------------------------------------------------------------------


@op(spec=_same_spec("cholesky"))
def cholesky(x, upper=False):
    """Cholesky factor of a symmetric (Hermitian) positive-definite matrix.

    Args:
        x: `(..., N, N)` matrices; only their lower triangle is read.
        upper: return the upper factor `U` (`x = U^H U`) instead of the lower `L` (`x = L L^H`).
    """
    dtype = _result_dtype(x)
    x = _prepare(x, dtype)
    _check_matrix(_shape(x), "cholesky")
    return _finish(_k.cholesky(x, bool(upper)), dtype)


@op(spec=_same_spec("cholesky_inverse"))
def cholesky_inverse(x, upper=False):
    """Inverse of `A` given its Cholesky factor `x` (`A = x x^H`, or `x^H x` when `upper`)."""
    dtype = _result_dtype(x)
    x = _prepare(x, dtype)
    _check_matrix(_shape(x), "cholesky_inverse")
    return _finish(_k.cholesky_inverse(x, bool(upper)), dtype)


@op(spec=_batch_spec("det"))
def det(x):
    """Determinant of each `(N, N)` matrix of `x`."""
    dtype = _result_dtype(x)
    x = _prepare(x, dtype)
    _check_matrix(_shape(x), "det")
    return _finish(_k.det(x), dtype)


def _eig_spec(x):
    shape = _check_matrix(rules.shape_of(x), "eig")
    complex_dtype = _complex_dtype(_result_dtype(x))
    return KerasTensor(shape[:-1], dtype=complex_dtype), KerasTensor(shape, dtype=complex_dtype)


def _complex_dtype(dtype):
    if dtype in dtypes.COMPLEX_TYPES:
        return dtype
    return _COMPLEX_OF[_compute_dtype(dtype)]


@op(spec=_eig_spec)
def eig(x):
    """Eigenvalues and right eigenvectors of general square matrices.

    Returns:
        `(w, v)`, complex (complex64 for float32 input, complex128 for float64): `x @ v = v * w`
        with eigenvectors in the columns of `v`.
    """
    dtype = _result_dtype(x)
    x = _prepare(x, dtype)
    _check_matrix(_shape(x), "eig")
    return _k.eig(x, _complex_dtype(dtype))


def _eigh_spec(x):
    shape = _check_matrix(rules.shape_of(x), "eigh")
    dtype = _result_dtype(x)
    return KerasTensor(shape[:-1], dtype=_real_dtype(dtype)), KerasTensor(shape, dtype=dtype)


@op(spec=_eigh_spec)
def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of symmetric (Hermitian) matrices.

    Only the lower triangle of `x` is read on numpy/torch/tensorflow; JAX symmetrizes its input,
    so give a symmetric matrix.

    Returns:
        `(w, v)` with `x @ v = v * w`.
    """
    dtype = _result_dtype(x)
    x = _prepare(x, dtype)
    _check_matrix(_shape(x), "eigh")
    return _finish(_k.eigh(x), dtype)


@op(spec=_same_spec("inv"))
def inv(x):
    """Inverse of each square matrix of `x`."""
    dtype = _result_dtype(x)
    x = _prepare(x, dtype)
    _check_matrix(_shape(x), "inv")
    return _finish(_k.inv(x), dtype)


def _lstsq_shapes(a_shape, b_shape):
    if len(a_shape) != 2:
        raise ValueError(f"lstsq: `a` must be a 2-D matrix; received shape {a_shape}.")
    if len(b_shape) not in (1, 2):
        raise ValueError(f"lstsq: `b` must be 1-D or 2-D; received shape {b_shape}.")
    if a_shape[0] is not None and b_shape[0] is not None and a_shape[0] != b_shape[0]:
        raise ValueError(
            f"lstsq: `a` and `b` must have the same number of rows; received shapes "
            f"{a_shape} and {b_shape}."
        )
    return (a_shape[1],) + tuple(b_shape[1:])


def _lstsq_spec(a, b, rcond=None):
    shape = _lstsq_shapes(rules.shape_of(a), rules.shape_of(b))
    return KerasTensor(shape, dtype=_result_dtype(a, b))


def _default_rcond(dtype, shape):
    return float(_np.finfo(_compute_dtype(dtype)).eps) * max(shape[-2], shape[-1])


@op(spec=_lstsq_spec)
def lstsq(a, b, rcond=None):
    """Least-squares solution `x` minimizing `||b - a x||` (via the SVD).

    Args:
        a: `(M, N)` matrix.
        b: `(M,)` or `(M, K)` right-hand side.
        rcond: singular values below `rcond * largest` count as zero; default
            `eps * max(M, N)`.

    Returns:
        `(N,)` or `(N, K)` solution.
    """
    dtype = _result_dtype(a, b)
    a, b = _prepare(a, dtype), _prepare(b, dtype)
    _lstsq_shapes(_shape(a), _shape(b))
    if rcond is None:
        rcond = _default_rcond(dtype, _shape(a))
    return _finish(_k.lstsq(a, b, float(rcond)), dtype)


def _lu_factor_spec(x):
    shape = _check_matrix(rules.shape_of(x), "lu_factor", square=False)
    m, n = shape[-2], shape[-1]
    k = None if m is None or n is None else min(m, n)
    return KerasTensor(shape, dtype=_result_dtype(x)), KerasTensor(shape[:-2] + (k,), "int32")


@op(spec=_lu_factor_spec)
def lu_factor(x):
    """LU factorization with partial pivoting, in SciPy's `lu_factor` layout.

    Returns:
        `(lu, pivots)`: `lu` holds `U` in its upper triangle and the unit-diagonal `L` below it;
        `pivots` (int32, 0-based) says row `i` was interchanged with row `pivots[i]`.
    """
    dtype = _result_dtype(x)
    x = _prepare(x, dtype)
    _check_matrix(_shape(x), "lu_factor", square=False)
    lu, pivots = _k.lu_factor(x)
    return _finish(lu, dtype), pivots


def _rank_spec(x, tol=None):
    shape = _check_matrix(rules.shape_of(x), "matrix_rank", square=False)
    return KerasTensor(shape[:-2], dtype="int32")


@op(spec=_rank_spec)
def matrix_rank(x, tol=None):
    """Number of singular values above `tol` (int32), per matrix.

    Args:
        tol: threshold; default `largest singular value * max(M, N) * eps`.
    """
    dtype = _result_dtype(x)
    x = _prepare(x, dtype)
    _check_matrix(_shape(x), "matrix_rank", square=False)
    if tol is not None and not isinstance(tol, (int, float)):
        tol = to_tensor(tol, _compute_dtype(dtype))
    return _k.matrix_rank(x, tol)


_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, float("inf"), float("-inf"))


def _norm_axes(shape, ord, axis):
    """Validates `ord`/`axis` and returns (axes tuple or None, kind) for the norm."""
    ndim = len(shape)
    if axis is None:
        if ord is None:
            return None, "flat"
        if ndim == 1:
            axes = (0,)
        elif ndim == 2:
            axes = (0, 1)
        else:
            raise ValueError(
                f"norm: with `axis=None` and `ord={ord!r}`, `x` must be 1-D or 2-D; "
                f"received shape {tuple(shape)}."
            )
    else:
        raw = (axis,) if isinstance(axis, int) else tuple(axis)
        if len(raw) not in (1, 2) or not all(
            isinstance(a, int) and not isinstance(a, bool) for a in raw
        ):
            raise ValueError(
                f"norm: `axis` must be an int or a tuple of 2 ints; received {axis!r}."
            )
        axes = []
        for a in raw:
            if not -ndim <= a < ndim:
                raise ValueError(f"norm: `axis`={a} is out of range for an input of rank {ndim}.")
            axes.append(a % ndim)
        if len(axes) == 2 and axes[0] == axes[1]:
            raise ValueError(f"norm: `axis` holds the same axis twice; received {axis!r}.")
        axes = tuple(axes)
    if len(axes) == 1:
        if isinstance(ord, str):
            raise ValueError(f"norm: `ord`={ord!r} is not valid for a vector norm.")
        if ord is not None and not isinstance(ord, (int, float)):
            raise ValueError(f"norm: `ord` must be a number for a vector norm; received {ord!r}.")
        return axes, "vector"
    if ord is not None and ord not in _MATRIX_ORDS:
        raise ValueError(
            f"norm: `ord`={ord!r} is not valid for a matrix norm; use one of "
            "None, 'fro', 'nuc', 1, -1, 2, -2, inf, -inf."
        )
    return axes, "matrix"


def _norm_spec(x, ord=None, axis=None, keepdims=False):
    shape = rules.shape_of(x)
    axes, _ = _norm_axes(shape, ord, axis)
    out = rules.reduced_shape(shape, axes, keepdims, "norm")
    return KerasTensor(out, dtype=_real_dtype(_result_dtype(x)))


@op(spec=_norm_spec)
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, like `numpy.linalg.norm`.

    Args:
        ord: vector norms: None (2-norm), inf, -inf, 0 (count of non-zeros) or any number;
            matrix norms: None/'fro', 'nuc', 1, -1, 2, -2, inf, -inf.
        axis: None (all of a 1-D/2-D input, or the flattened input when `ord` is None), an int
            (vector norm) or a pair of ints (matrix norm).
        keepdims: keep reduced axes with size 1.
    """
    dtype = _result_dtype(x)
    x = _prepare(x, dtype)
    axes, kind = _norm_axes(_shape(x), ord, axis)
    if kind == "vector":
        axes = axes[0]
    if ord is not None and not isinstance(ord, str):
        ord = float(ord) if _math.isinf(ord) else ord
    return _finish(_k.norm(x, ord, axes, bool(keepdims)), _real_dtype(dtype))


def _pinv_spec(x, rcond=None):
    shape = _check_matrix(rules.shape_of(x), "pinv", square=False)
    return KerasTensor(shape[:-2] + (shape[-1], shape[-2]), dtype=_result_dtype(x))


@op(spec=_pinv_spec)
def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse (via the SVD).

    Args:
        rcond: singular values below `rcond * largest` count as zero; default
            `eps * max(M, N)`.
    """
    dtype = _result_dtype(x)
    x = _prepare(x, dtype)
    _check_matrix(_shape(x), "pinv", square=False)
    if rcond is None:
        rcond = _default_rcond(dtype, _shape(x))
    return _finish(_k.pinv(x, float(rcond)), dtype)


def _qr_shapes(shape, mode):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: `mode` must be 'reduced' or 'complete'; received {mode!r}.")
    shape = _check_matrix(shape, "qr", square=False)
    m, n = shape[-2], shape[-1]
    batch = shape[:-2]
    if mode == "complete":
        return batch + (m, m), batch + (m, n)
    k = None if m is None or n is None else min(m, n)
    return batch + (m, k), batch + (k, n)


def _qr_spec(x, mode="reduced"):
    q, r = _qr_shapes(rules.shape_of(x), mode)
    dtype = _result_dtype(x)
    return KerasTensor(q, dtype=dtype), KerasTensor(r, dtype=dtype)


@op(spec=_qr_spec)
def qr(x, mode="reduced"):
    """QR decomposition `x = q @ r` (`q` orthonormal columns, `r` upper triangular).

    Args:
        mode: "reduced" (`q` is `(M, K)`, `r` is `(K, N)`, `K = min(M, N)`) or "complete"
            (`q` is `(M, M)`, `r` is `(M, N)`).
    """
    dtype = _result_dtype(x)
    x = _prepare(x, dtype)
    _qr_shapes(_shape(x), mode)
    return _finish(_k.qr(x, mode), dtype)


def _solve_shapes(a_shape, b_shape, op_name):
    _check_matrix(a_shape, op_name, "a")
    if len(b_shape) < 1:
        raise ValueError(f"{op_name}: `b` must have rank >= 1; received shape {b_shape}.")
    rows = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    n = a_shape[-1]
    if rows is not None and n is not None and rows != n:
        raise ValueError(
            f"{op_name}: `b` must have {n} rows to match `a`; received shapes {a_shape} and "
            f"{b_shape}."
        )
    if len(b_shape) == 1:
        return tuple(a_shape[:-2]) + (n,)
    batch = rules.broadcast_shapes(a_shape[:-2], b_shape[:-2], op_name)
    return batch + (n, b_shape[-1])


def _solve_spec(a, b, *args, **kwargs):
    shape = _solve_shapes(rules.shape_of(a), rules.shape_of(b), "solve")
    return KerasTensor(shape, dtype=_result_dtype(a, b))


def _solve_triangular_spec(a, b, *args, **kwargs):
    shape = _solve_shapes(rules.shape_of(a), rules.shape_of(b), "solve_triangular")
    return KerasTensor(shape, dtype=_result_dtype(a, b))


def _as_matrix_rhs(b):
    """(b as (..., N, K), whether it was a vector)."""
    if len(_shape(b)) == 1:
        return _k.expand_last(b), True
    return b, False


@op(spec=_solve_spec)
def solve(a, b):
    """Solves `a @ x = b` for square `a`.

    Args:
        a: `(..., N, N)`.
        b: `(N,)` (one vector for every matrix of `a`) or `(..., N, K)`; batch dimensions
            broadcast.
    """
    dtype = _result_dtype(a, b)
    a, b = _prepare(a, dtype), _prepare(b, dtype)
    _solve_shapes(_shape(a), _shape(b), "solve")
    b, vector = _as_matrix_rhs(b)
    out = _k.solve(a, b)
    if vector:
        out = _k.squeeze_last(out)
    return _finish(out, dtype)


@op(spec=_solve_triangular_spec)
def solve_triangular(a, b, lower=False):
    """Solves `a @ x = b` for triangular `a` (only the chosen triangle of `a` is read).

    Args:
        a: `(..., N, N)` triangular matrices.
        b: `(N,)` (one vector for every matrix of `a`) or `(..., N, K)`; batch dimensions
            broadcast.
        lower: use the lower triangle of `a` (default: the upper one).
    """
    dtype = _result_dtype(a, b)
    a, b = _prepare(a, dtype), _prepare(b, dtype)
    _solve_shapes(_shape(a), _shape(b), "solve_triangular")
    b, vector = _as_matrix_rhs(b)
    out = _k.solve_triangular(a, b, bool(lower))
    if vector:
        out = _k.squeeze_last(out)
    return _finish(out, dtype)


def _svd_shapes(shape, full_matrices):
    shape = _check_matrix(shape, "svd", square=False)
    m, n = shape[-2], shape[-1]
    batch = shape[:-2]
    k = None if m is None or n is None else min(m, n)
    if full_matrices:
        return batch + (m, m), batch + (k,), batch + (n, n)
    return batch + (m, k), batch + (k,), batch + (k, n)


def _svd_spec(x, full_matrices=True, compute_uv=True):
    u, s, vh = _svd_shapes(rules.shape_of(x), full_matrices)
    dtype = _result_dtype(x)
    real = _real_dtype(dtype)
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
    dtype = _result_dtype(x)
    x = _prepare(x, dtype)
    _svd_shapes(_shape(x), full_matrices)
    return _finish(_k.svd(x, bool(full_matrices), bool(compute_uv)), dtype)


def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode Jacobian-vector product of `fun` at `primals` along `tangents`.

    Args:
        fun: function of tensors to differentiate.
        primals: list/tuple of its arguments.
        tangents: list/tuple of tangents, structured like `primals`.
        has_aux: `fun` returns `(output, aux)`; `aux` is passed through undifferentiated.

    Returns:
        `(output, jvp_output)`, or `(output, jvp_output, aux)` when `has_aux`.
    """
    if not isinstance(primals, (list, tuple)) or not isinstance(tangents, (list, tuple)):
        raise TypeError(
            "jvp: `primals` and `tangents` must be lists or tuples; received "
            f"{type(primals).__name__} and {type(tangents).__name__}."
        )
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp: `primals` and `tangents` must have the same length; received "
            f"{len(primals)} and {len(tangents)}."
        )
    primals = tuple(to_tensor(p) for p in primals)
    tangents = tuple(to_tensor(t, dtype_of(p)) for p, t in zip(primals, tangents))
    return _k.jvp(fun, primals, tangents, bool(has_aux))
