"""Order statistics and correlation: quantile, percentile, median (and their nan* forms),
corrcoef."""

import numpy as np

from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, kernels, op, to_tensor
from cornu.ops.numpy._reduction_args import _LOW_FLOATS, _axes, _float_of, _prepare, _reduced_size

_k = kernels()

__all__ = [
    "corrcoef",
    "median",
    "nanmedian",
    "nanpercentile",
    "nanquantile",
    "percentile",
    "quantile",
]

_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


# --------------------------------------------------------------------------------------------
# quantile / percentile / median


def _q_shape(q):
    shape = rules.shape_of(q)
    if len(shape) > 1:
        raise ValueError(f"quantile: `q` must be a scalar or 1-D; received shape {shape}.")
    return shape


def _check_q(q, scale, op_name):
    if isinstance(q, (int, float, list, tuple, np.ndarray, np.generic)):
        values = np.asarray(q, dtype="float64")
        if values.size and not (np.all(values >= 0) and np.all(values <= scale)):
            raise ValueError(f"{op_name}: `q` must be in [0, {scale}]; received {q!r}.")


def _quantile_spec(op_name):
    def spec(x, q, axis=None, method="linear", keepdims=False):
        shape = rules.shape_of(x)
        q_shape = _q_shape(q)
        if method not in _QUANTILE_METHODS:
            raise ValueError(
                f"{op_name}: `method` must be one of {_QUANTILE_METHODS}; received {method!r}."
            )
        out = rules.reduced_shape(shape, _axes(axis, len(shape), op_name), keepdims, op_name)
        return KerasTensor(tuple(q_shape) + tuple(out), dtype=_float_of(dtype_of(x)))

    return spec


def _quantile(x, q, axis, method, keepdims, ignore_nan, scale, op_name):
    if method not in _QUANTILE_METHODS:
        raise ValueError(
            f"{op_name}: `method` must be one of {_QUANTILE_METHODS}; received {method!r}."
        )
    _check_q(q, scale, op_name)
    x, axes, keepdims = _prepare(x, axis, keepdims, op_name)
    out_dtype = _float_of(dtype_of(x))
    work = "float32" if out_dtype in _LOW_FLOATS else out_dtype
    x = to_tensor(x, work)
    q = to_tensor(q, work)
    if len(q.shape) > 1:
        raise ValueError(
            f"{op_name}: `q` must be a scalar or 1-D; received shape {tuple(q.shape)}."
        )
    if _reduced_size(tuple(x.shape), axes) == 0:  # NaN, as NumPy's median of an empty slice
        shape = tuple(q.shape) + rules.reduced_shape(tuple(x.shape), axes, keepdims, op_name)
        return to_tensor(np.full(shape, np.nan), out_dtype)
    if scale != 1:
        q = _k.divide(q, to_tensor(scale, work))
    out = _k.quantile(x, q, axes, method, keepdims, ignore_nan)
    return to_tensor(out, out_dtype)


@op(spec=_quantile_spec("quantile"))
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """q-th quantile(s) over `axis`, `q` in [0, 1] (scalar or 1-D; its axis comes first).

    Args:
        method: "linear", "lower", "higher", "midpoint" or "nearest" (as NumPy).

    Returns:
        A float tensor (int inputs give float32); slices containing NaN, and empty slices,
        give NaN.
    """
    return _quantile(x, q, axis, method, keepdims, False, 1, "quantile")


@op(spec=_quantile_spec("percentile"))
def percentile(x, q, axis=None, method="linear", keepdims=False):
    """q-th percentile(s) over `axis`, `q` in [0, 100]; see `quantile`."""
    return _quantile(x, q, axis, method, keepdims, False, 100, "percentile")


@op(spec=_quantile_spec("nanquantile"))
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """`quantile` ignoring NaN; all-NaN slices give NaN."""
    return _quantile(x, q, axis, method, keepdims, True, 1, "nanquantile")


@op(spec=_quantile_spec("nanpercentile"))
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """`percentile` ignoring NaN; all-NaN slices give NaN."""
    return _quantile(x, q, axis, method, keepdims, True, 100, "nanpercentile")


def _median_spec(op_name):
    def spec(x, axis=None, keepdims=False):
        return _quantile_spec(op_name)(x, 0.5, axis, "linear", keepdims)

    return spec


@op(spec=_median_spec("median"))
def median(x, axis=None, keepdims=False):
    """Median over `axis` (mean of the two middle values for even counts); float result."""
    return _quantile(x, 0.5, axis, "linear", keepdims, False, 1, "median")


@op(spec=_median_spec("nanmedian"))
def nanmedian(x, axis=None, keepdims=False):
    """Median over `axis` ignoring NaN; all-NaN slices give NaN."""
    return _quantile(x, 0.5, axis, "linear", keepdims, True, 1, "nanmedian")


# --------------------------------------------------------------------------------------------
# corrcoef


def _corrcoef_spec(x):
    shape = rules.shape_of(x)
    if len(shape) not in (1, 2):
        raise ValueError(f"corrcoef: `x` must be 1-D or 2-D; received shape {shape}.")
    out = () if len(shape) == 1 else (shape[0], shape[0])
    return KerasTensor(out, dtype=_float_of(dtype_of(x)))


@op(spec=_corrcoef_spec)
def corrcoef(x):
    """Pearson correlation coefficients of the rows of `x` (each row a variable).

    Returns:
        (rows, rows) for 2-D `x`, a scalar (1.0, or NaN for a constant row) for 1-D `x`;
        values are clipped to [-1, 1]. int inputs give float32.
    """
    x = to_tensor(x)
    if len(x.shape) not in (1, 2):
        raise ValueError(f"corrcoef: `x` must be 1-D or 2-D; received shape {tuple(x.shape)}.")
    out_dtype = _float_of(dtype_of(x))
    work = "float32" if out_dtype in _LOW_FLOATS else out_dtype
    return to_tensor(_k.corrcoef(to_tensor(x, work)), out_dtype)
