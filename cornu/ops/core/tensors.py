"""Core ops on tensors as values: conversion, cast, shape and dtype, gradient control, and
`unstack`.
"""

import builtins
import functools

import ml_dtypes
import numpy as np

from cornu import backend
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.core._core_common import _deep_symbolic, _numpy_dtype
from cornu.ops.define import canonicalize_axis, dtype_of, kernels, op, to_tensor

_k = kernels()

__all__ = [
    "cast",
    "saturate_cast",
    "convert_to_tensor",
    "convert_to_numpy",
    "is_tensor",
    "shape",
    "dtype",
    "stop_gradient",
    "custom_gradient",
    "unstack",
]


def _cast_spec(x, dtype):
    return KerasTensor(rules.shape_of(x), dtype=dtypes.standardize_dtype(dtype))


@op(spec=_cast_spec)
def cast(x, dtype):
    """Converts `x` to `dtype` (a dtype name or framework dtype)."""
    return backend.cast(x, dtypes.standardize_dtype(dtype))


def _dtype_info(name):
    if name in dtypes.INT_TYPES:
        return np.iinfo(name)
    if name == "bfloat16":
        return ml_dtypes.finfo(ml_dtypes.bfloat16)
    return np.finfo(name)


def _bound_in(value, src, toward_zero_from):
    """`value` as a `src` scalar, stepped toward zero while rounding leaves it out of range."""
    np_dtype = _numpy_dtype(src)
    bound = np.asarray(value, dtype=np_dtype)
    if src in dtypes.INT_TYPES:
        return bound
    zero = np.asarray(0, dtype=np_dtype)
    while (float(bound) > value) if toward_zero_from == "above" else (float(bound) < value):
        bound = np.asarray(np.nextafter(bound, zero), dtype=np_dtype)
    return bound


def _saturation_bounds(src, dst):
    """Clip bounds (as `src` scalars) keeping values representable in `dst`, or None."""
    numeric = dtypes.INT_TYPES + dtypes.FLOAT_TYPES
    if src not in numeric or dst not in numeric:
        return None
    src_info, dst_info = _dtype_info(src), _dtype_info(dst)
    as_number = (lambda v: int(v)) if src in dtypes.INT_TYPES else (lambda v: float(v))
    lo = builtins.max(as_number(src_info.min), _exact(dst_info.min))
    hi = builtins.min(as_number(src_info.max), _exact(dst_info.max))
    if lo <= as_number(src_info.min) and hi >= as_number(src_info.max):
        return None
    return _bound_in(lo, src, "below"), _bound_in(hi, src, "above")


def _exact(v):
    return int(v) if isinstance(v, (int, np.integer)) else float(v)


@op(spec=_cast_spec)
def saturate_cast(x, dtype):
    """Casts `x` to `dtype`, first clipping values to the range `dtype` can hold."""
    dtype = dtypes.standardize_dtype(dtype)
    x = to_tensor(x)
    bounds = _saturation_bounds(dtype_of(x), dtype)
    if bounds is not None:
        lo, hi = bounds
        src = dtype_of(x)
        x = _k.clip(x, to_tensor(lo, src), to_tensor(hi, src))
    return backend.cast(x, dtype)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Turns arrays, lists, scalars and Variables into the backend's tensor type.

    Python floats become `floatx()`, Python ints int32; NumPy arrays keep their dtype.
    """
    if dtype is not None:
        dtype = dtypes.standardize_dtype(dtype)
    return backend.convert_to_tensor(x, dtype=dtype, sparse=sparse, ragged=ragged)


def convert_to_numpy(x):
    """Returns `x` as a NumPy array."""
    if isinstance(x, KerasTensor):
        raise TypeError(
            "convert_to_numpy received a symbolic KerasTensor; it holds no data. Call the "
            "model or function on real inputs first."
        )
    return backend.convert_to_numpy(x)


def is_tensor(x):
    """True for a tensor of the backend in use (not a Variable, not a KerasTensor)."""
    return backend.is_tensor(x)


def shape(x):
    """The shape of `x` as a tuple (None or a scalar tensor where unknown)."""
    if isinstance(x, KerasTensor):
        return x.shape
    if isinstance(x, backend.Variable):
        return x.shape
    return backend.shape(backend.convert_to_tensor(x))


def dtype(x):
    """cornu's dtype name of `x`."""
    return dtypes.standardize_dtype(
        x.dtype if hasattr(x, "dtype") else backend.convert_to_tensor(x).dtype
    )


def stop_gradient(variable):
    """Returns `variable` with gradients blocked."""
    if isinstance(variable, KerasTensor):
        return variable
    return backend.stop_gradient(variable)


def custom_gradient(f):
    """Decorator giving `f` its own gradient.

    `f(*args)` returns `(output, grad_fn)`; `grad_fn(upstream)` (one upstream per output)
    returns the gradient for each of `args` (a tensor for one argument, a tuple for several).
    On the numpy backend (no gradients) the decorated function returns `output` only.
    """
    kernel = _k.custom_gradient(f)

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        if _deep_symbolic(args, kwargs):
            return backend.compute_output_spec(lambda *a, **k: f(*a, **k)[0], *args, **kwargs)
        return kernel(*args, **kwargs)

    return wrapper


def _unstack_count(shape, num, axis):
    size = shape[axis]
    if num is not None:
        if not isinstance(num, int) or num < 0:
            raise ValueError(f"unstack: `num` must be a non-negative int; received {num!r}.")
        if size is not None and not hasattr(size, "dtype") and size != num:
            raise ValueError(f"unstack: `num`={num} does not match the size {size} of axis {axis}.")
        return num
    if size is None or not isinstance(size, int):
        raise ValueError(
            f"unstack: the size of axis {axis} is unknown; pass `num`. Received shape {shape}."
        )
    return size


def _unstack_spec(x, num=None, axis=0):
    shape = rules.shape_of(x)
    axis = canonicalize_axis(axis, len(shape), "unstack")
    count = _unstack_count(shape, num, axis)
    rest = shape[:axis] + shape[axis + 1 :]
    return [KerasTensor(rest, dtype=dtype_of(x)) for _ in range(count)]


@op(spec=_unstack_spec)
def unstack(x, num=None, axis=0):
    """Splits `x` along `axis` into a list of tensors of one rank less."""
    x = to_tensor(x)
    shape = tuple(x.shape)
    if not shape:
        raise ValueError("unstack: `x` must have at least one dimension; received a scalar.")
    axis = canonicalize_axis(axis, len(shape), "unstack")
    static = tuple(d if isinstance(d, int) else None for d in shape)
    count = _unstack_count(static, num, axis)
    return _k.unstack(x, count, axis)
