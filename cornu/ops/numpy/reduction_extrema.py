"""Extrema, arg-extrema and logical reductions: max, min, amax, amin, ptp, nanmax, nanmin,
argmax, argmin, nanargmax, nanargmin, all, any, count_nonzero, allclose."""

import numpy as np

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, kernels, op, promote, to_tensor
from cornu.ops.numpy._reduction_args import (
    _bool,
    _check_nonempty,
    _float_of,
    _int32,
    _is_float,
    _prepare,
    _reduced_size,
    _reduction_spec,
    _same,
)

_k = kernels()

__all__ = [
    "all",
    "allclose",
    "amax",
    "amin",
    "any",
    "argmax",
    "argmin",
    "count_nonzero",
    "max",
    "min",
    "nanargmax",
    "nanargmin",
    "nanmax",
    "nanmin",
    "ptp",
]


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
# nanmax / nanmin


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


# --------------------------------------------------------------------------------------------
# allclose


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
    close = _k.isclose(x1, x2, float(rtol), float(atol), bool(equal_nan))
    return _k.all(close, None, False)
