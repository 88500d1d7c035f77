"""NumPy-API reductions and statistics: sum, mean, max, argmax, quantile, nan* variants, ...

Dtype rules (the same on every backend):
- `sum`, `prod`, `cumsum`, `cumprod` (and their nan* forms) of bool, int8, int16, uint8 or
  uint16 give int32; other dtypes are kept.
- `mean`, `var`, `std`, `median`, `quantile`, `percentile`, `average`, `trapezoid`,
  `corrcoef` (and nan* forms) of bool/int inputs give `floatx()` (float32); float inputs keep
  their dtype (float16/bfloat16 are accumulated in float32).
- `max`, `min`, `amax`, `amin`, `ptp` keep the input dtype; `all`, `any`, `allclose` give bool.
- `argmax`, `argmin`, `nanargmax`, `nanargmin`, `count_nonzero` give int32.
"""

import builtins
import math

import numpy as np

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

_k = kernels("reduction")

__all__ = [
    "all",
    "allclose",
    "amax",
    "amin",
    "any",
    "argmax",
    "argmin",
    "average",
    "corrcoef",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "diff",
    "max",
    "mean",
    "median",
    "min",
    "nanargmax",
    "nanargmin",
    "nancumprod",
    "nancumsum",
    "nanmax",
    "nanmean",
    "nanmedian",
    "nanmin",
    "nanpercentile",
    "nanprod",
    "nanquantile",
    "nanstd",
    "nansum",
    "nanvar",
    "percentile",
    "prod",
    "ptp",
    "quantile",
    "std",
    "sum",
    "trapezoid",
    "var",
]

_SMALL_INTS = ("bool", "int8", "int16", "uint8", "uint16")
_LOW_FLOATS = ("float16", "bfloat16")
_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


# --------------------------------------------------------------------------------------------
# Helpers


def _sum_dtype(dtype):
    """Accumulation dtype of sum/prod/cumsum/cumprod: small ints and bool widen to int32."""
    return "int32" if dtype in _SMALL_INTS else dtype


def _float_of(dtype):
    if dtype in dtypes.FLOAT_TYPES or dtype in dtypes.COMPLEX_TYPES:
        return dtype
    return dtypes.result_type(dtype, float)


def _axes(axis, ndim, op_name):
    """None, or a tuple of distinct axes in [0, ndim)."""
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        axes = tuple(canonicalize_axis(a, ndim, op_name) for a in axis)
    else:
        axes = (canonicalize_axis(axis, ndim, op_name),)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op_name}: `axis` has repeated entries; received {axis!r}.")
    return axes


def _reduced_size(shape, axes):
    """Number of reduced elements (None if unknown)."""
    dims = shape if axes is None else [shape[a] for a in axes]
    if builtins.any(d is None for d in dims):
        return None
    return math.prod(dims)


def _check_nonempty(shape, axes, op_name):
    if _reduced_size(shape, axes) == 0:
        hint = "; pass `initial`" if op_name in ("max", "min") else ""
        raise ValueError(
            f"{op_name}: cannot reduce a zero-size axis (the input has shape {tuple(shape)}) "
            f"without an identity{hint}."
        )


def _prepare(x, axis, keepdims, op_name):
    """Returns (x, axes, keepdims) ready for a kernel.

    `axis=()` reduces nothing: the input gets a trailing axis of size 1 that is reduced instead,
    so every kernel sees a non-empty tuple of axes (or None).
    """
    x = to_tensor(x)
    ndim = len(x.shape)
    axes = _axes(axis, ndim, op_name)
    if axes == ():
        return _k.expand_dims(x, ndim), (ndim,), False
    return x, axes, bool(keepdims)


def _reduction_spec(dtype_rule, op_name, empty_check=False, allow_tuple=True):
    def spec(x, axis=None, keepdims=False, initial=None):
        shape = rules.shape_of(x)
        if not allow_tuple and isinstance(axis, (list, tuple)):
            raise TypeError(f"{op_name}: `axis` must be an int or None; received {axis!r}.")
        axes = _axes(axis, len(shape), op_name)
        if empty_check and initial is None and axes != ():
            _check_nonempty(shape, axes, op_name)
        return KerasTensor(
            rules.reduced_shape(shape, axes, keepdims, op_name), dtype=dtype_rule(dtype_of(x))
        )

    return spec


def _same(dtype):
    return dtype


def _int32(dtype):
    return "int32"


def _bool(dtype):
    return "bool"


def _is_float(x):
    return dtype_of(x) in dtypes.FLOAT_TYPES


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
# max / min / all / any / ptp / count_nonzero


def _extreme(kernel, combine, x, axis, keepdims, initial, op_name):
    x, axes, keepdims = _prepare(x, axis, keepdims, op_name)
    if initial is None:
        _check_nonempty(tuple(x.shape), axes, op_name)
        return kernel(x, axes, keepdims)
    dtype = dtype_of(x)
    init = to_tensor(initial, dtype)
    if _reduced_size(tuple(x.shape), axes) == 0:
        shape = rules.reduced_shape(tuple(x.shape), axes, keepdims, op_name)
        return to_tensor(np.full(shape, initial), dtype)
    return combine(kernel(x, axes, keepdims), init)


@op(spec=_reduction_spec(_same, "max", empty_check=True))
def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over `axis`. Zero-size reductions need `initial` (else ValueError, like NumPy).

    NaN propagates (a slice containing NaN gives NaN).
    """
    return _extreme(_k.max, _k.maximum, x, axis, keepdims, initial, "max")


@op(spec=_reduction_spec(_same, "min", empty_check=True))
def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over `axis`. Zero-size reductions need `initial` (else ValueError, like NumPy).

    NaN propagates (a slice containing NaN gives NaN).
    """
    return _extreme(_k.min, _k.minimum, x, axis, keepdims, initial, "min")


@op(spec=_reduction_spec(_same, "amax", empty_check=True))
def amax(x, axis=None, keepdims=False):
    """Maximum over `axis` (same as `max` without `initial`)."""
    return _extreme(_k.max, _k.maximum, x, axis, keepdims, None, "amax")


@op(spec=_reduction_spec(_same, "amin", empty_check=True))
def amin(x, axis=None, keepdims=False):
    """Minimum over `axis` (same as `min` without `initial`)."""
    return _extreme(_k.min, _k.minimum, x, axis, keepdims, None, "amin")


@op(spec=_reduction_spec(_bool, "all"))
def all(x, axis=None, keepdims=False):
    """True where every element over `axis` is truthy (True for zero-size axes)."""
    x, axes, keepdims = _prepare(x, axis, keepdims, "all")
    return _k.all(to_tensor(x, "bool"), axes, keepdims)


@op(spec=_reduction_spec(_bool, "any"))
def any(x, axis=None, keepdims=False):
    """True where some element over `axis` is truthy (False for zero-size axes)."""
    x, axes, keepdims = _prepare(x, axis, keepdims, "any")
    return _k.any(to_tensor(x, "bool"), axes, keepdims)


def _ptp_spec(x, axis=None, keepdims=False):
    if dtype_of(x) == "bool":
        raise TypeError("ptp: `x` must be numeric; received a bool tensor.")
    return _reduction_spec(_same, "ptp", empty_check=True)(x, axis, keepdims)


@op(spec=_ptp_spec)
def ptp(x, axis=None, keepdims=False):
    """Range (max - min) over `axis`, in the input dtype."""
    x, axes, keepdims = _prepare(x, axis, keepdims, "ptp")
    if dtype_of(x) == "bool":
        raise TypeError("ptp: `x` must be numeric; received a bool tensor.")
    _check_nonempty(tuple(x.shape), axes, "ptp")
    return _k.subtract(_k.max(x, axes, keepdims), _k.min(x, axes, keepdims))


def _count_nonzero_spec(x, axis=None):
    return _reduction_spec(_int32, "count_nonzero")(x, axis, False)


@op(spec=_count_nonzero_spec)
def count_nonzero(x, axis=None):
    """Number of non-zero (truthy) elements over `axis`, as int32."""
    x, axes, keepdims = _prepare(x, axis, False, "count_nonzero")
    return _k.sum(to_tensor(to_tensor(x, "bool"), "int32"), axes, keepdims)


# --------------------------------------------------------------------------------------------
# argmax / argmin


def _arg_spec(op_name):
    return _reduction_spec(_int32, op_name, empty_check=True, allow_tuple=False)


def _arg_prepare(x, axis, keepdims, op_name):
    x = to_tensor(x)
    if axis is not None:
        if isinstance(axis, (list, tuple)):
            raise TypeError(f"{op_name}: `axis` must be an int or None; received {axis!r}.")
        axis = canonicalize_axis(axis, len(x.shape), op_name)
        if len(x.shape) == 0:
            axis = None
    _check_nonempty(tuple(x.shape), None if axis is None else (axis,), op_name)
    return x, axis, bool(keepdims)


@op(spec=_arg_spec("argmax"))
def argmax(x, axis=None, keepdims=False):
    """int32 index of the first maximum over `axis` (None: of the flattened input).

    NaN counts as the maximum (the first NaN's index is returned), like NumPy.
    """
    x, axis, keepdims = _arg_prepare(x, axis, keepdims, "argmax")
    return _k.argmax(x, axis, keepdims)


@op(spec=_arg_spec("argmin"))
def argmin(x, axis=None, keepdims=False):
    """int32 index of the first minimum over `axis` (None: of the flattened input).

    NaN counts as the minimum (the first NaN's index is returned), like NumPy.
    """
    x, axis, keepdims = _arg_prepare(x, axis, keepdims, "argmin")
    return _k.argmin(x, axis, keepdims)


def _nan_arg(kernel, x, axis, keepdims, fill, op_name):
    x, axis, keepdims = _arg_prepare(x, axis, keepdims, op_name)
    if not _is_float(x):
        return kernel(x, axis, keepdims)
    nan = _k.isnan(x)
    filled = _k.where(nan, to_tensor(fill, dtype_of(x)), x)
    index = kernel(filled, axis, keepdims)
    axes = None if axis is None else (axis,)
    all_nan = _k.all(nan, axes, keepdims)
    return _k.where(all_nan, to_tensor(-1, "int32"), index)


@op(spec=_arg_spec("nanargmax"))
def nanargmax(x, axis=None, keepdims=False):
    """`argmax` ignoring NaN. All-NaN slices give -1 (NumPy raises; a traced op cannot)."""
    return _nan_arg(_k.argmax, x, axis, keepdims, -np.inf, "nanargmax")


@op(spec=_arg_spec("nanargmin"))
def nanargmin(x, axis=None, keepdims=False):
    """`argmin` ignoring NaN. All-NaN slices give -1 (NumPy raises; a traced op cannot)."""
    return _nan_arg(_k.argmin, x, axis, keepdims, np.inf, "nanargmin")


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


@op(spec=_cum_spec("nancumsum"))
def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum treating NaN as 0."""
    x, axis, out = _cum_prepare(x, axis, dtype, "nancumsum")
    if _is_float(x):
        x = _k.where(_k.isnan(x), to_tensor(0, dtype_of(x)), x)
    return _k.cumsum(to_tensor(x, out), axis)


@op(spec=_cum_spec("nancumprod"))
def nancumprod(x, axis=None, dtype=None):
    """Cumulative product treating NaN as 1."""
    x, axis, out = _cum_prepare(x, axis, dtype, "nancumprod")
    if _is_float(x):
        x = _k.where(_k.isnan(x), to_tensor(1, dtype_of(x)), x)
    return _k.cumprod(to_tensor(x, out), axis)


# --------------------------------------------------------------------------------------------
# nan* reductions


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


def _nan_extreme(kernel, fill, x, axis, keepdims, op_name):
    x, axes, keepdims = _prepare(x, axis, keepdims, op_name)
    _check_nonempty(tuple(x.shape), axes, op_name)
    if not _is_float(x):
        return kernel(x, axes, keepdims)
    nan = _k.isnan(x)
    out = kernel(_k.where(nan, to_tensor(fill, dtype_of(x)), x), axes, keepdims)
    return _k.where(_k.all(nan, axes, keepdims), to_tensor(np.nan, dtype_of(x)), out)


@op(spec=_reduction_spec(_same, "nanmax", empty_check=True))
def nanmax(x, axis=None, keepdims=False):
    """Maximum over `axis` ignoring NaN; all-NaN slices give NaN (like NumPy)."""
    return _nan_extreme(_k.max, -np.inf, x, axis, keepdims, "nanmax")


@op(spec=_reduction_spec(_same, "nanmin", empty_check=True))
def nanmin(x, axis=None, keepdims=False):
    """Minimum over `axis` ignoring NaN; all-NaN slices give NaN (like NumPy)."""
    return _nan_extreme(_k.min, np.inf, x, axis, keepdims, "nanmin")


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
            raise ValueError(
                f"{op_name}: `q` must be in [0, {scale}]; received {q!r}."
            )


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
# average / diff / trapezoid / corrcoef / allclose


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


def _allclose_spec(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    rules.broadcast_shapes(rules.shape_of(x1), rules.shape_of(x2), "allclose")
    return KerasTensor((), dtype="bool")


@op(spec=_allclose_spec)
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True (a bool scalar tensor) if |x1 - x2| <= atol + rtol * |x2| everywhere.

    Equal infinities are close; NaNs are close to each other only with `equal_nan`.
    """
    dtype = dtypes.result_type(dtype_of(x1), dtype_of(x2))
    if dtype == "bool" or dtype in dtypes.INT_TYPES:
        dtype = _float_of(dtype) if dtype != "bool" else "float32"
    x1, x2 = promote(x1, x2, dtype=dtype)
    rules.broadcast_shapes(tuple(x1.shape), tuple(x2.shape), "allclose")
    tol = _k.add(
        to_tensor(atol, dtype), _k.multiply(to_tensor(rtol, dtype), _k.absolute(x2))
    )
    close = _k.less_equal(_k.absolute(_k.subtract(x1, x2)), tol)
    close = _k.logical_or(close, _k.equal(x1, x2))  # equal infinities
    if equal_nan:
        close = _k.logical_or(close, _k.logical_and(_k.isnan(x1), _k.isnan(x2)))
    return _k.all(close, None, False)
