"""NumPy-API reductions and statistics: sum, mean, max, argmax, quantile, nan* variants, ...

Dtype rules (the same on every backend):
- `sum`, `prod`, `cumsum`, `cumprod` (and their nan* forms) of bool, int8, int16, uint8 or
  uint16 give int32; other dtypes are kept.
- `mean`, `var`, `std`, `median`, `quantile`, `percentile`, `average`, `trapezoid`,
  `corrcoef` (and nan* forms) of bool/int inputs give `floatx()` (float32); float inputs keep
  their dtype (float16/bfloat16 are accumulated in float32).
- `max`, `min`, `amax`, `amin`, `ptp` keep the input dtype; `all`, `any`, `allclose` give bool.
- `argmax`, `argmin`, `nanargmax`, `nanargmin`, `count_nonzero` give int32.

Sums, means and their relatives (nan*, cumulative, weighted, diff, trapezoid) are defined
here; extrema, arg-extrema and logical reductions are in `reduction_extrema`, quantiles and
corrcoef in `reduction_statistics`. Shared helpers are in `_reduction_args`.
"""

import builtins
import math

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import (
    canonicalize_axis,
    dtype_of,
    float_dtype_of,
    kernels,
    op,
    promote,
    to_tensor,
)
from cornu.ops.numpy._reduction_args import (
    _LOW_FLOATS,
    _axes,
    _float_of,
    _is_float,
    _prepare,
    _reduction_spec,
    _sum_dtype,
)

_k = kernels()

__all__ = [
    "average",
    "cumprod",
    "cumsum",
    "diff",
    "mean",
    "nancumprod",
    "nancumsum",
    "nanmean",
    "nanprod",
    "nanstd",
    "nansum",
    "nanvar",
    "prod",
    "std",
    "sum",
    "trapezoid",
    "var",
]


# --------------------------------------------------------------------------------------------
# sum / prod / mean / var / std


@op(spec=_reduction_spec(_sum_dtype, "sum"))
def sum(x, axis=None, keepdims=False):
    """Sum over `axis` (None: all axes; an int or a tuple).

    bool/int8/int16/uint8/uint16 inputs are summed in (and return) int32; other dtypes are kept.
    """
    x, axes, keepdims = _prepare(x, axis, keepdims, "sum")
    x = to_tensor(x, _sum_dtype(dtype_of(x)))
    return _k.sum(x, axes, keepdims)


def _prod_spec(x, axis=None, keepdims=False, dtype=None):
    rule = _sum_dtype if dtype is None else (lambda d: dtypes.standardize_dtype(dtype))
    return _reduction_spec(rule, "prod")(x, axis, keepdims)


@op(spec=_prod_spec)
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over `axis`, computed in `dtype` if given.

    Without `dtype`, bool/int8/int16/uint8/uint16 inputs give int32; other dtypes are kept.
    """
    x, axes, keepdims = _prepare(x, axis, keepdims, "prod")
    out = _sum_dtype(dtype_of(x)) if dtype is None else dtypes.standardize_dtype(dtype)
    return _k.prod(to_tensor(x, out), axes, keepdims)


def _mean_compute(x, axes, keepdims):
    """Mean of an already-prepared tensor in its float dtype (low floats via float32)."""
    out_dtype = _float_of(dtype_of(x))
    work = "float32" if out_dtype in _LOW_FLOATS else out_dtype
    return to_tensor(_k.mean(to_tensor(x, work), axes, keepdims), out_dtype)


def _float_rule(dtype):
    return _float_of(dtype)


@op(spec=_reduction_spec(_float_rule, "mean"))
def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over `axis`; int/bool inputs give float32 (floatx). Empty axes give NaN."""
    x, axes, keepdims = _prepare(x, axis, keepdims, "mean")
    return _mean_compute(x, axes, keepdims)


def _var_compute(x, axes, keepdims):
    out_dtype = _float_of(dtype_of(x))
    work = "float32" if out_dtype in _LOW_FLOATS else out_dtype
    return to_tensor(_k.var(to_tensor(x, work), axes, keepdims), out_dtype)


@op(spec=_reduction_spec(_float_rule, "var"))
def var(x, axis=None, keepdims=False):
    """Population variance (ddof=0) over `axis`; int inputs give float32."""
    x, axes, keepdims = _prepare(x, axis, keepdims, "var")
    return _var_compute(x, axes, keepdims)


@op(spec=_reduction_spec(_float_rule, "std"))
def std(x, axis=None, keepdims=False):
    """Population standard deviation (ddof=0) over `axis`; int inputs give float32."""
    x, axes, keepdims = _prepare(x, axis, keepdims, "std")
    return _k.sqrt(_var_compute(x, axes, keepdims))


# --------------------------------------------------------------------------------------------
# cumsum / cumprod


def _cum_spec(op_name):
    def spec(x, axis=None, dtype=None):
        shape = rules.shape_of(x)
        if axis is None:
            size = None if None in shape else math.prod(shape)
            shape = (size,)
        else:
            if isinstance(axis, (list, tuple)):
                raise TypeError(f"{op_name}: `axis` must be an int or None; received {axis!r}.")
            canonicalize_axis(axis, len(shape), op_name)
            shape = shape or (1,)
        out = dtypes.standardize_dtype(dtype) if dtype is not None else _sum_dtype(dtype_of(x))
        return KerasTensor(shape, dtype=out)

    return spec


def _cum_prepare(x, axis, dtype, op_name):
    x = to_tensor(x)
    if axis is None:
        x = _k.reshape(x, (-1,))
        axis = 0
    else:
        if isinstance(axis, (list, tuple)):
            raise TypeError(f"{op_name}: `axis` must be an int or None; received {axis!r}.")
        axis = canonicalize_axis(axis, len(x.shape), op_name)
        if len(x.shape) == 0:
            x = _k.reshape(x, (1,))
            axis = 0
    out = dtypes.standardize_dtype(dtype) if dtype is not None else _sum_dtype(dtype_of(x))
    return x, axis, out


@op(spec=_cum_spec("cumsum"))
def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along `axis` (None: over the flattened input).

    The result dtype is `dtype` if given, else the `sum` rule (bool/small ints -> int32).
    """
    x, axis, out = _cum_prepare(x, axis, dtype, "cumsum")
    return _k.cumsum(to_tensor(x, out), axis)


@op(spec=_cum_spec("cumprod"))
def cumprod(x, axis=None, dtype=None):
    """Cumulative product along `axis` (None: over the flattened input); dtypes as `cumsum`."""
    x, axis, out = _cum_prepare(x, axis, dtype, "cumprod")
    return _k.cumprod(to_tensor(x, out), axis)


def _nan_as(x, value):
    """`x` with NaN replaced by `value` (float inputs; others are returned as they are)."""
    if _is_float(x):
        x = _k.where(_k.isnan(x), to_tensor(value, dtype_of(x)), x)
    return x


@op(spec=_cum_spec("nancumsum"))
def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum treating NaN as 0."""
    x, axis, out = _cum_prepare(x, axis, dtype, "nancumsum")
    x = _nan_as(x, 0)
    return _k.cumsum(to_tensor(x, out), axis)


@op(spec=_cum_spec("nancumprod"))
def nancumprod(x, axis=None, dtype=None):
    """Cumulative product treating NaN as 1."""
    x, axis, out = _cum_prepare(x, axis, dtype, "nancumprod")
    x = _nan_as(x, 1)
    return _k.cumprod(to_tensor(x, out), axis)


# --------------------------------------------------------------------------------------------
# nan* sums and moments


def _nan_filled(x, value):
    if not _is_float(x):
        return x
    return _k.where(_k.isnan(x), to_tensor(value, dtype_of(x)), x)


@op(spec=_reduction_spec(_sum_dtype, "nansum"))
def nansum(x, axis=None, keepdims=False):
    """Sum over `axis` treating NaN as 0 (dtypes as `sum`)."""
    x, axes, keepdims = _prepare(x, axis, keepdims, "nansum")
    x = to_tensor(_nan_filled(x, 0), _sum_dtype(dtype_of(x)))
    return _k.sum(x, axes, keepdims)


@op(spec=_reduction_spec(_sum_dtype, "nanprod"))
def nanprod(x, axis=None, keepdims=False):
    """Product over `axis` treating NaN as 1 (dtypes as `prod`)."""
    x, axes, keepdims = _prepare(x, axis, keepdims, "nanprod")
    x = to_tensor(_nan_filled(x, 1), _sum_dtype(dtype_of(x)))
    return _k.prod(x, axes, keepdims)


def _nan_moments(x, axes, keepdims, want_var):
    """(mean, var or None) over the non-NaN elements, in the float dtype of `x`."""
    out_dtype = _float_of(dtype_of(x))
    work = "float32" if out_dtype in _LOW_FLOATS else out_dtype
    x = to_tensor(x, work)
    nan = _k.isnan(x)
    zero = to_tensor(0, work)
    filled = _k.where(nan, zero, x)
    valid = to_tensor(_k.logical_not(nan), work)
    mean_ = _k.divide(_k.sum(filled, axes, keepdims), _k.sum(valid, axes, keepdims))
    var_ = None
    if want_var:
        kept_mean = _k.divide(_k.sum(filled, axes, True), _k.sum(valid, axes, True))
        centered = _k.where(nan, zero, _k.subtract(x, kept_mean))
        squares = _k.sum(_k.multiply(centered, centered), axes, keepdims)
        var_ = _k.divide(squares, _k.sum(valid, axes, keepdims))
    cast = lambda t: None if t is None else to_tensor(t, out_dtype)  # noqa: E731
    return cast(mean_), cast(var_)


@op(spec=_reduction_spec(_float_rule, "nanmean"))
def nanmean(x, axis=None, keepdims=False):
    """Mean over `axis` ignoring NaN; all-NaN slices give NaN."""
    x, axes, keepdims = _prepare(x, axis, keepdims, "nanmean")
    return _nan_moments(x, axes, keepdims, False)[0]


@op(spec=_reduction_spec(_float_rule, "nanvar"))
def nanvar(x, axis=None, keepdims=False):
    """Population variance over `axis` ignoring NaN; all-NaN slices give NaN."""
    x, axes, keepdims = _prepare(x, axis, keepdims, "nanvar")
    return _nan_moments(x, axes, keepdims, True)[1]


@op(spec=_reduction_spec(_float_rule, "nanstd"))
def nanstd(x, axis=None, keepdims=False):
    """Population standard deviation over `axis` ignoring NaN; all-NaN slices give NaN."""
    x, axes, keepdims = _prepare(x, axis, keepdims, "nanstd")
    return _k.sqrt(_nan_moments(x, axes, keepdims, True)[1])


# --------------------------------------------------------------------------------------------
# average / diff / trapezoid


def _average_spec(x, axis=None, weights=None):
    shape = rules.shape_of(x)
    if weights is None:
        dtype = _float_of(dtype_of(x))
    else:
        dtype = float_dtype_of(x, weights)
        _check_weights(shape, rules.shape_of(weights), axis)
    axes = _axes(axis, len(shape), "average")
    return KerasTensor(rules.reduced_shape(shape, axes, False), dtype=dtype)


def _check_weights(shape, w_shape, axis):
    if tuple(w_shape) == tuple(shape):
        return
    if isinstance(axis, int) and len(w_shape) == 1:
        size = shape[canonicalize_axis(axis, len(shape), "average")]
        if w_shape[0] in (size, None) or size is None:
            return
    raise ValueError(
        f"average: `weights` must have the shape of `x` {tuple(shape)}, or be 1-D with the "
        f"length of `x` along an int `axis`; received shape {tuple(w_shape)} with axis={axis!r}."
    )


@op(spec=_average_spec)
def average(x, axis=None, weights=None):
    """Weighted mean over `axis`: sum(x * w) / sum(w) (plain mean without weights).

    Args:
        weights: None, a tensor of `x`'s shape, or a 1-D tensor along an int `axis`.

    Returns:
        The promoted float dtype of `x` and `weights`.
    """
    if weights is None:
        return mean(x, axis=axis)
    dtype = float_dtype_of(x, weights)
    x, weights = promote(x, weights, dtype=dtype)
    shape = tuple(x.shape)
    _check_weights(shape, tuple(weights.shape), axis)
    axes = _axes(axis, len(shape), "average")
    if tuple(weights.shape) != shape:
        a = axes[0]
        new = [1] * len(shape)
        new[a] = shape[a]
        weights = _k.reshape(weights, tuple(new))
    if axes == ():
        return x
    work = "float32" if dtype in _LOW_FLOATS else dtype
    x, weights = to_tensor(x, work), to_tensor(weights, work)
    total = _k.sum(_k.multiply(x, weights), axes, False)
    norm = _k.sum(weights, axes, False)  # broadcasts against `total` for 1-D weights
    return to_tensor(_k.divide(total, norm), dtype)


def _diff_spec(a, n=1, axis=-1):
    shape = list(rules.shape_of(a))
    _check_diff(shape, n)
    axis = canonicalize_axis(axis, len(shape), "diff")
    if shape[axis] is not None:
        shape[axis] = builtins.max(shape[axis] - n, 0)
    return KerasTensor(tuple(shape), dtype=dtype_of(a))


def _check_diff(shape, n):
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"diff: `n` must be a non-negative int; received {n!r}.")
    if len(shape) == 0:
        raise ValueError("diff: `a` must be at least 1-D; received a scalar.")


@op(spec=_diff_spec)
def diff(a, n=1, axis=-1):
    """n-th discrete difference along `axis` (a[i+1] - a[i], n times); bool gives XOR."""
    a = to_tensor(a)
    _check_diff(tuple(a.shape), n)
    axis = canonicalize_axis(axis, len(a.shape), "diff")
    for _ in range(n):
        hi = _k.slice_axis(a, axis, 1, None)
        lo = _k.slice_axis(a, axis, 0, -1)
        a = _k.not_equal(hi, lo) if dtype_of(a) == "bool" else _k.subtract(hi, lo)
    return a


def _trapezoid_spec(y, x=None, dx=1.0, axis=-1):
    shape = rules.shape_of(y)
    if len(shape) == 0:
        raise ValueError("trapezoid: `y` must be at least 1-D; received a scalar.")
    axis = canonicalize_axis(axis, len(shape), "trapezoid")
    out = tuple(d for i, d in enumerate(shape) if i != axis)
    if x is None:
        dtype = float_dtype_of(y, dx)
    else:
        dtype = float_dtype_of(y, x)
    return KerasTensor(out, dtype=dtype)


@op(spec=_trapezoid_spec)
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of `y` along `axis` by the trapezoidal rule.

    Args:
        x: sample points (1-D along `axis`, or `y`'s shape); None uses spacing `dx`.

    Returns:
        The promoted float dtype of `y` and `x` (int inputs give float32).
    """
    if x is None:
        dtype = float_dtype_of(y, dx)
        y = to_tensor(y, dtype)
    else:
        dtype = float_dtype_of(y, x)
        y, x = promote(y, x, dtype=dtype)
    if len(y.shape) == 0:
        raise ValueError("trapezoid: `y` must be at least 1-D; received a scalar.")
    axis = canonicalize_axis(axis, len(y.shape), "trapezoid")
    size = y.shape[axis]
    work = "float32" if dtype in _LOW_FLOATS else dtype
    y = to_tensor(y, work)
    mids = _k.divide(
        _k.add(_k.slice_axis(y, axis, 1, None), _k.slice_axis(y, axis, 0, -1)),
        to_tensor(2, work),
    )
    if x is None:
        steps = to_tensor(dx, work)
    else:
        x = to_tensor(x, work)
        if len(x.shape) == 1:
            if None not in (x.shape[0], size) and x.shape[0] != size:
                raise ValueError(
                    f"trapezoid: 1-D `x` must have {size} points (y's length along axis); "
                    f"received {x.shape[0]}."
                )
            new = [1] * len(y.shape)
            new[axis] = size
            x = _k.reshape(x, tuple(new))
            x_axis = axis
        else:
            if tuple(x.shape) != tuple(y.shape):
                raise ValueError(
                    f"trapezoid: `x` must be 1-D or have y's shape {tuple(y.shape)}; "
                    f"received shape {tuple(x.shape)}."
                )
            x_axis = axis
        steps = _k.subtract(_k.slice_axis(x, x_axis, 1, None), _k.slice_axis(x, x_axis, 0, -1))
    return to_tensor(_k.sum(_k.multiply(mids, steps), (axis,), False), dtype)
