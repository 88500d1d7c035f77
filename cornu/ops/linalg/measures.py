"""Scalar measures of matrices in `cornu.ops.linalg`: det, matrix_rank and norm (vector and
matrix norms).
"""

import math as _math

from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import kernels, op, to_tensor
from cornu.ops.linalg import _linalg_common as common

_k = kernels()

__all__ = [
    "det",
    "matrix_rank",
    "norm",
]


@op(spec=common.batch_spec("det"))
def det(x):
    """Determinant of each `(N, N)` matrix of `x`."""
    x, dtype = common.prepared_matrix(x, "det")
    return common.finish(_k.det(x), dtype)


def _rank_spec(x, tol=None):
    shape = common.check_matrix(rules.shape_of(x), "matrix_rank", square=False)
    return KerasTensor(shape[:-2], dtype="int32")


@op(spec=_rank_spec)
def matrix_rank(x, tol=None):
    """Number of singular values above `tol` (int32), per matrix.

    Args:
        tol: threshold; default `largest singular value * max(M, N) * eps`.
    """
    x, dtype = common.prepared_matrix(x, "matrix_rank", square=False)
    if tol is not None and not isinstance(tol, (int, float)):
        tol = to_tensor(tol, common.compute_dtype(dtype))
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
    return KerasTensor(out, dtype=common.real_dtype(common.result_dtype(x)))


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
    dtype = common.result_dtype(x)
    x = common.prepare(x, dtype)
    axes, kind = _norm_axes(common.static_shape(x), ord, axis)
    if kind == "vector":
        axes = axes[0]
    if ord is not None and not isinstance(ord, str):
        ord = float(ord) if _math.isinf(ord) else ord
    return common.finish(_k.norm(x, ord, axes, bool(keepdims)), common.real_dtype(dtype))
