"""Core ops: conversion, cast, control flow, gradients, shapes (`keras.ops` core names)."""

from cornu import backend, tree
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor, any_symbolic_tensors
from cornu.ops import rules
from cornu.ops.define import op

__all__ = [
    "cast",
    "convert_to_tensor",
    "convert_to_numpy",
    "is_tensor",
    "shape",
    "dtype",
    "cond",
    "while_loop",
    "scan",
    "fori_loop",
    "stop_gradient",
    "vectorized_map",
]


def _cast_spec(x, dtype):
    return KerasTensor(rules.shape_of(x), dtype=dtypes.standardize_dtype(dtype))


@op(spec=_cast_spec)
def cast(x, dtype):
    """Converts `x` to `dtype` (a dtype name or framework dtype)."""
    return backend.cast(x, dtypes.standardize_dtype(dtype))


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


def cond(pred, true_fn, false_fn):
    """Runs `true_fn()` if `pred` else `false_fn()`; traced into the graph under jit."""
    if any_symbolic_tensors((pred,)):
        return backend.compute_output_spec(
            lambda p: backend.cond(p, true_fn, false_fn), pred
        )
    return backend.cond(pred, true_fn, false_fn)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)`."""
    return backend.while_loop(cond, body, loop_vars, maximum_iterations=maximum_iterations)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loops `carry, y = f(carry, x)` over the leading axis of `xs`; returns `(carry, ys)`."""
    if xs is None and length is None:
        raise ValueError("scan needs `xs` or `length`; both were None.")
    return backend.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


def fori_loop(lower, upper, body_fun, init_val):
    """`val = body_fun(i, val)` for `i` in `range(lower, upper)`."""
    return backend.fori_loop(lower, upper, body_fun, init_val)


def stop_gradient(variable):
    """Returns `variable` with gradients blocked."""
    if isinstance(variable, KerasTensor):
        return variable
    return backend.stop_gradient(variable)


def vectorized_map(function, elements):
    """Maps `function` over the leading axis of `elements` (vmap where the backend has one)."""
    return backend.vectorized_map(function, elements)


