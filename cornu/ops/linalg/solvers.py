"""Inverses and linear solvers of `cornu.ops.linalg`: inv, pinv, solve, solve_triangular and
lstsq.
"""

import numpy as _np

from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import kernels, op
from cornu.ops.linalg import _linalg_common as common

_k = kernels()

__all__ = [
    "inv",
    "lstsq",
    "pinv",
    "solve",
    "solve_triangular",
]


@op(spec=common.same_spec("inv"))
def inv(x):
    """Inverse of each square matrix of `x`."""
    x, dtype = common.prepared_matrix(x, "inv")
    return common.finish(_k.inv(x), dtype)


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
    return KerasTensor(shape, dtype=common.result_dtype(a, b))


def _default_rcond(dtype, shape):
    return float(_np.finfo(common.compute_dtype(dtype)).eps) * max(shape[-2], shape[-1])


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
    dtype = common.result_dtype(a, b)
    a, b = common.prepare(a, dtype), common.prepare(b, dtype)
    _lstsq_shapes(common.static_shape(a), common.static_shape(b))
    if rcond is None:
        rcond = _default_rcond(dtype, common.static_shape(a))
    return common.finish(_k.lstsq(a, b, float(rcond)), dtype)


def _pinv_spec(x, rcond=None):
    shape = common.check_matrix(rules.shape_of(x), "pinv", square=False)
    return KerasTensor(shape[:-2] + (shape[-1], shape[-2]), dtype=common.result_dtype(x))


@op(spec=_pinv_spec)
def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse (via the SVD).

    Args:
        rcond: singular values below `rcond * largest` count as zero; default
            `eps * max(M, N)`.
    """
    x, dtype = common.prepared_matrix(x, "pinv", square=False)
    if rcond is None:
        rcond = _default_rcond(dtype, common.static_shape(x))
    return common.finish(_k.pinv(x, float(rcond)), dtype)


def _solve_shapes(a_shape, b_shape, op_name):
    common.check_matrix(a_shape, op_name, "a")
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
    return KerasTensor(shape, dtype=common.result_dtype(a, b))


def _solve_triangular_spec(a, b, *args, **kwargs):
    shape = _solve_shapes(rules.shape_of(a), rules.shape_of(b), "solve_triangular")
    return KerasTensor(shape, dtype=common.result_dtype(a, b))


def _as_matrix_rhs(b):
    """(b as (..., N, K), whether it was a vector)."""
    if len(common.static_shape(b)) == 1:
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
    dtype = common.result_dtype(a, b)
    a, b = common.prepare(a, dtype), common.prepare(b, dtype)
    _solve_shapes(common.static_shape(a), common.static_shape(b), "solve")
    b, vector = _as_matrix_rhs(b)
    out = _k.solve(a, b)
    if vector:
        out = _k.squeeze_last(out)
    return common.finish(out, dtype)


@op(spec=_solve_triangular_spec)
def solve_triangular(a, b, lower=False):
    """Solves `a @ x = b` for triangular `a` (only the chosen triangle of `a` is read).

    Args:
        a: `(..., N, N)` triangular matrices.
        b: `(N,)` (one vector for every matrix of `a`) or `(..., N, K)`; batch dimensions
            broadcast.
        lower: use the lower triangle of `a` (default: the upper one).
    """
    dtype = common.result_dtype(a, b)
    a, b = common.prepare(a, dtype), common.prepare(b, dtype)
    _solve_shapes(common.static_shape(a), common.static_shape(b), "solve_triangular")
    b, vector = _as_matrix_rhs(b)
    out = _k.solve_triangular(a, b, bool(lower))
    if vector:
        out = _k.squeeze_last(out)
    return common.finish(out, dtype)
