"""Dtype rules, axis checks and the spec rule shared by the reduction modules (`reduction`,
`reduction_extrema`, `reduction_statistics`)."""

import builtins
import math

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, kernels, to_tensor

_k = kernels()

_SMALL_INTS = ("bool", "int8", "int16", "uint8", "uint16")
_LOW_FLOATS = ("float16", "bfloat16")


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
