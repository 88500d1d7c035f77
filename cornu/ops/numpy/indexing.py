"""Indexing ops: get_item (the `x[key]` of tensors), take, where, diagonals, ..."""

import numpy as np

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, kernels, op, promote, to_tensor

_k = kernels()

__all__ = [
    "diagonal",
    "get_item",
    "nonzero",
    "select",
    "take",
    "take_along_axis",
    "trace",
    "unravel_index",
    "where",
]


@op()
def get_item(x, key):
    """`x[key]` with NumPy's basic indexing: ints, slices, None, Ellipsis, index or bool tensors."""
    return _k.get_item(to_tensor(x), key)


# -- diagonals ------------------------------------------------------------------------------


def _diagonal_layout(shape, offset, axis1, axis2, op_name):
    """(the axes kept, in order, and the diagonal's length) for `diagonal`/`trace`."""
    ndim = len(shape)
    if ndim < 2:
        raise ValueError(f"{op_name}: `x` must have rank >= 2; received shape {shape}.")
    if isinstance(offset, bool) or not isinstance(offset, (int, np.integer)):
        raise TypeError(f"{op_name}: `offset` must be an int; received {offset!r}.")
    a = canonicalize_axis(axis1, ndim, op_name, "axis1")
    b = canonicalize_axis(axis2, ndim, op_name, "axis2")
    if a == b:
        raise ValueError(f"{op_name}: `axis1` and `axis2` must differ; both are {a}.")
    rows, cols = shape[a], shape[b]
    if rows is None or cols is None:
        length = None
    else:
        length = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    kept = tuple(i for i in range(ndim) if i not in (a, b))
    return a, b, kept, length


def _diagonal_spec(x, offset=0, axis1=0, axis2=1):
    shape = rules.shape_of(x)
    _, _, kept, length = _diagonal_layout(shape, offset, axis1, axis2, "diagonal")
    return KerasTensor(tuple(shape[i] for i in kept) + (length,), dtype=dtype_of(x))


@op(spec=_diagonal_spec)
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The `offset` diagonal of the `(axis1, axis2)` planes of `x`, as its last axis."""
    x = to_tensor(x)
    a, b, kept, length = _diagonal_layout(tuple(x.shape), offset, axis1, axis2, "diagonal")
    return _k.diagonal(x, int(offset), a, b, length)


def _trace_dtype(x):
    dtype = dtype_of(x)
    return "int32" if dtype in ("bool", "int8", "int16", "uint8", "uint16") else dtype


def _trace_spec(x, offset=0, axis1=0, axis2=1):
    shape = rules.shape_of(x)
    _, _, kept, _ = _diagonal_layout(shape, offset, axis1, axis2, "trace")
    return KerasTensor(tuple(shape[i] for i in kept), dtype=_trace_dtype(x))


@op(spec=_trace_spec)
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along the `offset` diagonal of the `(axis1, axis2)` planes of `x`.

    bool and 8/16-bit integer inputs are summed in int32; other dtypes are kept.
    """
    x = to_tensor(x)
    a, b, kept, length = _diagonal_layout(tuple(x.shape), offset, axis1, axis2, "trace")
    x = to_tensor(x, _trace_dtype(x))
    return _k.trace(_k.diagonal(x, int(offset), a, b, length))


# -- selection ------------------------------------------------------------------------------


def _nonzero_spec(x):
    return tuple(KerasTensor((None,), dtype="int32") for _ in rules.shape_of(x))


@op(spec=_nonzero_spec)
def nonzero(x):
    """The indices of the non-zero elements of `x`: a tuple of int32 vectors, one per axis.

    The length is data dependent, so a symbolic input gives vectors of unknown (None) length.
    """
    x = to_tensor(x)
    if len(x.shape) == 0:
        raise ValueError("nonzero: `x` must have rank >= 1; received a scalar.")
    return tuple(_k.nonzero(x))


def _where_spec(condition, x1=None, x2=None):
    if x1 is None and x2 is None:
        return _nonzero_spec(condition)
    _where_check(x1, x2)
    shape = rules.broadcast_shapes(rules.shape_of(condition), rules.shape_of(x1), "where")
    shape = rules.broadcast_shapes(shape, rules.shape_of(x2), "where")
    return KerasTensor(shape, dtype=dtypes.result_type(dtype_of(x1), dtype_of(x2)))


def _where_check(x1, x2):
    if (x1 is None) != (x2 is None):
        raise ValueError(
            "where: give both `x1` and `x2`, or neither (then `where` behaves like `nonzero`)."
        )


@op(spec=_where_spec)
def where(condition, x1=None, x2=None):
    """Elementwise `x1 if condition else x2` (broadcast, promoted dtype).

    With only `condition`, returns `nonzero(condition)`.
    """
    if x1 is None and x2 is None:
        return nonzero.eager(condition)
    _where_check(x1, x2)
    condition = to_tensor(condition, "bool")
    x1, x2 = promote(x1, x2)
    shape = rules.broadcast_shapes(tuple(condition.shape), tuple(x1.shape), "where")
    rules.broadcast_shapes(shape, tuple(x2.shape), "where")
    return _k.where(condition, x1, x2)


def _select_args(condlist, choicelist, op_name="select"):
    if not isinstance(condlist, (list, tuple)) or not isinstance(choicelist, (list, tuple)):
        raise TypeError(f"{op_name}: `condlist` and `choicelist` must be lists of tensors.")
    if len(condlist) != len(choicelist):
        raise ValueError(
            f"{op_name}: `condlist` and `choicelist` must have the same length; received "
            f"{len(condlist)} and {len(choicelist)}."
        )
    if not condlist:
        raise ValueError(f"{op_name}: `condlist` must not be empty.")


def _select_spec(condlist, choicelist, default=0):
    _select_args(condlist, choicelist)
    shape = ()
    for v in list(condlist) + list(choicelist) + [default]:
        shape = rules.broadcast_shapes(shape, rules.shape_of(v), "select")
    dtype = dtypes.result_type(*(dtype_of(v) for v in list(choicelist) + [default]))
    return KerasTensor(shape, dtype=dtype)


@op(spec=_select_spec)
def select(condlist, choicelist, default=0):
    """For each element, the entry of the first `choicelist[i]` whose `condlist[i]` holds,
    else `default` (all broadcast; choices and default promoted to one dtype)."""
    _select_args(condlist, choicelist)
    values = promote(*choicelist, default)
    out = values[-1]
    for cond, choice in reversed(list(zip(condlist, values[:-1]))):
        out = _k.where(to_tensor(cond, "bool"), choice, out)
    shape = tuple(_select_spec(condlist, choicelist, default).shape)
    return out if tuple(out.shape) == shape else _k.broadcast_to(out, shape)


# -- gathering ------------------------------------------------------------------------------


def _index_tensor(indices, op_name):
    dtype = dtype_of(indices)
    if dtype is int or (isinstance(dtype, str) and dtype in dtypes.INT_TYPES):
        indices = to_tensor(indices)
        dtype = dtype_of(indices)
        return indices if dtype in ("int32", "int64") else to_tensor(indices, "int32")
    raise TypeError(f"{op_name}: `indices` must be integers; received dtype {dtype}.")


def _take_spec(x, indices, axis=None):
    shape = rules.shape_of(x)
    index_shape = rules.shape_of(indices)
    if axis is None:
        return KerasTensor(index_shape, dtype=dtype_of(x))
    axis = canonicalize_axis(axis, len(shape), "take")
    return KerasTensor(shape[:axis] + index_shape + shape[axis + 1 :], dtype=dtype_of(x))


def _flat_for_none(x, axis, op_name):
    """`x` flattened for axis=None (then axis 0), and the canonical axis."""
    if axis is None:
        x = _k.reshape(x, (-1,))
        axis = 0
    return x, canonicalize_axis(axis, len(x.shape), op_name)


@op(spec=_take_spec)
def take(x, indices, axis=None):
    """Elements of `x` at `indices` along `axis` (None: of the flattened `x`).

    Negative indices count from the end, as in NumPy.
    """
    x = to_tensor(x)
    indices = _index_tensor(indices, "take")
    x, axis = _flat_for_none(x, axis, "take")
    return _k.take(x, indices, axis)


def _take_along_shape(x_shape, index_shape, axis):
    if len(x_shape) != len(index_shape):
        raise ValueError(
            f"take_along_axis: `x` and `indices` must have the same rank; received shapes "
            f"{x_shape} and {index_shape}."
        )
    out = []
    for i, (d, e) in enumerate(zip(x_shape, index_shape)):
        if i == axis:
            out.append(e)
        else:
            out.append(rules.broadcast_shapes((d,), (e,), "take_along_axis")[0])
    return tuple(out)


def _take_along_spec(x, indices, axis=None):
    shape = rules.shape_of(x)
    if axis is None:
        shape = (None if None in shape else int(np.prod(shape)),)
        axis = 0
    axis = canonicalize_axis(axis, len(shape), "take_along_axis")
    return KerasTensor(_take_along_shape(shape, rules.shape_of(indices), axis), dtype=dtype_of(x))


@op(spec=_take_along_spec)
def take_along_axis(x, indices, axis=None):
    """`x` gathered along `axis` at `indices` of the same rank (other axes broadcast);
    None: of the flattened `x`. Negative indices count from the end."""
    x = to_tensor(x)
    indices = _index_tensor(indices, "take_along_axis")
    x, axis = _flat_for_none(x, axis, "take_along_axis")
    shape = _take_along_shape(tuple(x.shape), tuple(indices.shape), axis)
    x_shape = shape[:axis] + (x.shape[axis],) + shape[axis + 1 :]
    if tuple(x.shape) != x_shape:
        x = _k.broadcast_to(x, x_shape)
    if tuple(indices.shape) != shape:
        indices = _k.broadcast_to(indices, shape)
    return _k.take_along_axis(x, indices, axis)


# -- index arithmetic -----------------------------------------------------------------------


def _dims_arg(shape):
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(
            f"unravel_index: `shape` must be a sequence of ints; received {shape!r}."
        ) from None
    if any(d <= 0 for d in dims):
        raise ValueError(f"unravel_index: `shape` must hold positive sizes; received {dims}.")
    return dims


def _unravel_spec(indices, shape):
    dims = _dims_arg(shape)
    dtype = _unravel_dtype(indices)
    return tuple(KerasTensor(rules.shape_of(indices), dtype=dtype) for _ in dims)


def _unravel_dtype(indices):
    dtype = dtype_of(indices)
    if dtype is int or dtype == "bool":
        return "int32"
    if dtype not in dtypes.INT_TYPES:
        raise TypeError(f"unravel_index: `indices` must be integers; received dtype {dtype}.")
    return dtype


@op(spec=_unravel_spec)
def unravel_index(indices, shape):
    """Converts flat indices into a tuple of coordinate arrays for an array of `shape`."""
    dims = _dims_arg(shape)
    indices = to_tensor(indices, _unravel_dtype(indices))
    return tuple(_k.unravel_index(indices, dims))
