"""Shape and dtype rules shared by families of ops, for symbolic (KerasTensor) inputs.

Ops without a rule here are inferred by evaluating their body on abstract values.
"""

import inspect
import numbers

import numpy as np

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops.define import dtype_of, float_dtype_of


def bound_arguments(fn, args, kwargs):
    """The arguments of a call `fn(*args, **kwargs)` by name, defaults included.

    Lets an op's spec rule take the op's own arguments without restating its signature.
    """
    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.arguments


def shape_of(x):
    """Static shape of a KerasTensor, tensor, array or Python value."""
    if isinstance(x, (bool, int, float, complex)):
        return ()
    shape = getattr(x, "shape", None)
    if shape is None:
        shape = np.shape(x)
    return tuple(d if type(d) is int else _dimension(d) for d in shape)


def _dimension(d):
    """A static size as an int; None for an unknown one, including the symbolic sizes of
    tracing for export (jax shape polymorphism, torch.export's SymInt): `int()` would fail on
    the first and pin the second to its example value."""
    return int(d) if isinstance(d, numbers.Integral) else None


def broadcast_shapes(shape1, shape2, op_name="broadcast_shapes"):
    """NumPy broadcasting of two shapes that may hold None."""
    ndim = max(len(shape1), len(shape2))
    a = (1,) * (ndim - len(shape1)) + tuple(shape1)
    b = (1,) * (ndim - len(shape2)) + tuple(shape2)
    out = []
    for da, db in zip(a, b):
        if da == 1:
            out.append(db)
        elif db == 1:
            out.append(da)
        elif da is None or db is None:
            out.append(da if db is None else db)
        elif da == db:
            out.append(da)
        else:
            raise ValueError(
                f"{op_name}: shapes {tuple(shape1)} and {tuple(shape2)} cannot be broadcast "
                "together."
            )
    return tuple(out)


def unary(x, *args, **kwargs):
    """Same shape and dtype as `x`."""
    return KerasTensor(shape_of(x), dtype=dtype_of(x))


def float_unary(x, *args, **kwargs):
    """Same shape; int/bool inputs give floats."""
    return KerasTensor(shape_of(x), dtype=float_dtype_of(x))


def binary(x1, x2, *args, **kwargs):
    """Broadcast shape; promoted dtype."""
    return KerasTensor(
        broadcast_shapes(shape_of(x1), shape_of(x2)),
        dtype=dtypes.result_type(dtype_of(x1), dtype_of(x2)),
    )


def float_binary(x1, x2, *args, **kwargs):
    """Broadcast shape; promoted dtype, made float."""
    return KerasTensor(broadcast_shapes(shape_of(x1), shape_of(x2)), dtype=float_dtype_of(x1, x2))


def comparison(x1, x2, *args, **kwargs):
    """Broadcast shape; bool."""
    return KerasTensor(broadcast_shapes(shape_of(x1), shape_of(x2)), dtype="bool")


def logical_binary(x1, x2, *args, **kwargs):
    return comparison(x1, x2)


def reduced_shape(shape, axis, keepdims, op_name="reduce"):
    """The shape after reducing `axis` (None: all axes)."""
    ndim = len(shape)
    if axis is None:
        return (1,) * ndim if keepdims else ()
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    canonical = set()
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"{op_name}: axis {a} is out of range for an input of rank {ndim}.")
        canonical.add(a % ndim if ndim else 0)
    if keepdims:
        return tuple(1 if i in canonical else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in canonical)
