"""Argument checks and spec helpers shared by the manipulation modules (`manipulation`,
`manipulation_join`, `manipulation_reorder`)."""

import math

import numpy as np

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of


def _axes_arg(axis, ndim, op_name, arg="axis"):
    """A tuple of distinct canonical axes from an int or a sequence of ints."""
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = tuple(canonicalize_axis(a, ndim, op_name, arg) for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f"{op_name}: `{arg}` has repeated axes: {axis}.")
    return out


def _int_arg(value, op_name, arg):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op_name}: `{arg}` must be an int; received {value!r}.")
    return int(value)


def _tensors(xs, op_name, arg="xs"):
    if not isinstance(xs, (list, tuple)):
        if hasattr(xs, "shape") and len(xs.shape) >= 1 and xs.shape[0] is not None:
            return [xs[i] for i in range(xs.shape[0])]
        raise TypeError(f"{op_name}: `{arg}` must be a list or tuple of tensors; received {xs!r}.")
    if not xs:
        raise ValueError(f"{op_name}: `{arg}` must hold at least one tensor.")
    return list(xs)


def _promoted_dtype(xs):
    return dtypes.result_type(*(dtype_of(v) for v in xs))


def _spec(shape, dtype):
    return KerasTensor(tuple(shape), dtype=dtype)


# `ravel`'s rule; `concatenate(axis=None)` flattens its inputs with it too.
def _ravel_spec(x):
    shape = rules.shape_of(x)
    return _spec((None if None in shape else math.prod(shape),), dtype_of(x))
