"""Shape manipulation ops: reshape, squeeze, ...

Shape and axis changes (reshape, squeeze, transpose, expand_dims, broadcast_to, view, ...) are
defined here; joining and splitting are in `manipulation_join`, reordering, repeating and
padding in `manipulation_reorder`. Their shared helpers are in `_manipulation_args`.
"""

import math

import ml_dtypes
import numpy as np

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, kernels, op, to_tensor
from cornu.ops.numpy._manipulation_args import _axes_arg, _ravel_spec, _spec

_k = kernels()

__all__ = [
    "broadcast_to",
    "expand_dims",
    "moveaxis",
    "ndim",
    "ravel",
    "reshape",
    "size",
    "squeeze",
    "swapaxes",
    "transpose",
    "view",
]


def _reshape_spec(x, newshape):
    shape = rules.shape_of(x)
    return KerasTensor(_resolve_newshape(shape, newshape), dtype=dtype_of(x))


def _resolve_newshape(shape, newshape):
    newshape = (newshape,) if isinstance(newshape, int) else tuple(newshape)
    if sum(1 for d in newshape if d == -1) > 1:
        raise ValueError(f"reshape: newshape {newshape} has more than one -1.")
    if -1 not in newshape:
        known = [d for d in shape if d is not None]
        if None not in shape and math.prod(known) != math.prod(newshape):
            raise ValueError(f"reshape: cannot reshape an input of shape {shape} to {newshape}.")
        return newshape
    if None in shape:
        return tuple(None if d == -1 else d for d in newshape)
    rest = math.prod(d for d in newshape if d != -1)
    total = math.prod(shape)
    if rest == 0 or total % rest:
        raise ValueError(f"reshape: cannot reshape an input of shape {shape} to {newshape}.")
    return tuple(total // rest if d == -1 else d for d in newshape)


@op(spec=_reshape_spec)
def reshape(x, newshape):
    """Gives `x` a new shape with the same number of elements (one dimension may be -1)."""
    x = to_tensor(x)
    newshape = (newshape,) if isinstance(newshape, int) else tuple(newshape)
    # Run-time sizes (e.g. `ops.shape(x)` of a TF graph tensor) are checked by the framework.
    if all(isinstance(d, int) for d in newshape):
        _resolve_newshape(tuple(x.shape), newshape)
    return _k.reshape(x, newshape)


def _squeeze_axes(shape, axis):
    if axis is None:
        return tuple(i for i, d in enumerate(shape) if d == 1)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(canonicalize_axis(a, len(shape), "squeeze") for a in axes)
    for a in axes:
        if shape[a] not in (1, None):
            raise ValueError(
                f"squeeze: axis {a} has size {shape[a]}; only axes of size 1 can be squeezed."
            )
    return axes


def _squeeze_spec(x, axis=None):
    shape = rules.shape_of(x)
    axes = _squeeze_axes(shape, axis)
    return KerasTensor(tuple(d for i, d in enumerate(shape) if i not in axes), dtype=dtype_of(x))


@op(spec=_squeeze_spec)
def squeeze(x, axis=None):
    """Removes axes of size 1 (all of them when `axis` is None)."""
    x = to_tensor(x)
    return _k.squeeze(x, _squeeze_axes(tuple(x.shape), axis))


# -- transpose family -----------------------------------------------------------------------


def _perm(ndim, axes, op_name="transpose"):
    if axes is None:
        return tuple(range(ndim))[::-1]
    perm = tuple(canonicalize_axis(a, ndim, op_name, "axes") for a in axes)
    if sorted(perm) != list(range(ndim)):
        raise ValueError(
            f"{op_name}: `axes` must be a permutation of the {ndim} axes; received {axes}."
        )
    return perm


def _transpose_spec(x, axes=None):
    shape = rules.shape_of(x)
    return _spec([shape[p] for p in _perm(len(shape), axes)], dtype_of(x))


@op(spec=_transpose_spec)
def transpose(x, axes=None):
    """Permutes the axes of `x` (reverses them when `axes` is None)."""
    x = to_tensor(x)
    return _k.transpose(x, _perm(len(x.shape), axes))


def _moveaxis_perm(ndim, source, destination):
    src = _axes_arg(source, ndim, "moveaxis", "source")
    dst = _axes_arg(destination, ndim, "moveaxis", "destination")
    if len(src) != len(dst):
        raise ValueError(
            f"moveaxis: `source` and `destination` must have the same number of axes; "
            f"received {source} and {destination}."
        )
    rest = [a for a in range(ndim) if a not in src]
    perm = [None] * ndim
    for s, d in zip(src, dst):
        perm[d] = s
    it = iter(rest)
    return tuple(next(it) if p is None else p for p in perm)


def _moveaxis_spec(x, source, destination):
    shape = rules.shape_of(x)
    return _spec([shape[p] for p in _moveaxis_perm(len(shape), source, destination)], dtype_of(x))


@op(spec=_moveaxis_spec)
def moveaxis(x, source, destination):
    """Moves axes `source` of `x` to positions `destination`; the others keep their order."""
    x = to_tensor(x)
    return _k.transpose(x, _moveaxis_perm(len(x.shape), source, destination))


def _swap_perm(ndim, axis1, axis2):
    a = canonicalize_axis(axis1, ndim, "swapaxes", "axis1")
    b = canonicalize_axis(axis2, ndim, "swapaxes", "axis2")
    perm = list(range(ndim))
    perm[a], perm[b] = perm[b], perm[a]
    return tuple(perm)


def _swapaxes_spec(x, axis1, axis2):
    shape = rules.shape_of(x)
    return _spec([shape[p] for p in _swap_perm(len(shape), axis1, axis2)], dtype_of(x))


@op(spec=_swapaxes_spec)
def swapaxes(x, axis1, axis2):
    """Interchanges two axes of `x`."""
    x = to_tensor(x)
    return _k.transpose(x, _swap_perm(len(x.shape), axis1, axis2))


# -- shape changes --------------------------------------------------------------------------


def _expand_axes(ndim, axis):
    out_ndim = ndim + (1 if isinstance(axis, int) else len(tuple(axis)))
    return tuple(sorted(_axes_arg(axis, out_ndim, "expand_dims")))


def _expanded_shape(shape, axes):
    it = iter(shape)
    return tuple(1 if i in axes else next(it) for i in range(len(shape) + len(axes)))


def _expand_dims_spec(x, axis):
    shape = rules.shape_of(x)
    return _spec(_expanded_shape(shape, _expand_axes(len(shape), axis)), dtype_of(x))


@op(spec=_expand_dims_spec)
def expand_dims(x, axis):
    """Inserts axes of size 1 at positions `axis` (an int or a tuple) of the result."""
    x = to_tensor(x)
    return _k.expand_dims(x, _expand_axes(len(x.shape), axis))


@op(spec=_ravel_spec)
def ravel(x):
    """`x` flattened to 1-D (row-major order)."""
    return _k.reshape(to_tensor(x), (-1,))


def _target_shape(shape, op_name="broadcast_to"):
    """A shape argument as a tuple of ints (a graph tensor may stand for a dynamic size)."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        return (int(shape),)
    if isinstance(shape, KerasTensor) or not isinstance(shape, (list, tuple)):
        raise TypeError(f"{op_name}: `shape` must be a sequence of ints; received {shape!r}.")
    out = []
    for d in shape:
        if isinstance(d, (int, np.integer)) and not isinstance(d, bool):
            out.append(int(d))
            continue
        if isinstance(d, KerasTensor) or not hasattr(d, "dtype"):
            raise TypeError(f"{op_name}: `shape` must be a sequence of ints; received {shape!r}.")
        try:
            value = int(d)
        except TypeError:
            value = d
        out.append(value if isinstance(value, int) else d)
    return tuple(out)


def _static(shape):
    return tuple(d if isinstance(d, int) else None for d in shape)


def _broadcast_to_spec(x, shape):
    shape = _static(_target_shape(shape))
    out = rules.broadcast_shapes(rules.shape_of(x), shape, "broadcast_to")
    if len(out) != len(shape) or any(
        o != s for o, s in zip(out, shape) if o is not None and s is not None
    ):
        raise ValueError(
            f"broadcast_to: an input of shape {rules.shape_of(x)} cannot be broadcast to {shape}."
        )
    return _spec(shape, dtype_of(x))


@op(spec=_broadcast_to_spec)
def broadcast_to(x, shape):
    """`x` broadcast (NumPy rules) to `shape`."""
    x = to_tensor(x)
    _broadcast_to_spec(x, shape)
    return _k.broadcast_to(x, _target_shape(shape))


def ndim(x):
    """The number of axes of `x`, as a Python int."""
    return len(rules.shape_of(x))


def size(x):
    """The number of elements of `x`: a Python int (None for a KerasTensor of unknown size)."""
    shape = rules.shape_of(x)
    if None in shape:
        if isinstance(x, KerasTensor):
            return None
        return _k.size(to_tensor(x))
    return math.prod(shape)


# -- bit views ------------------------------------------------------------------------------


def _view_shape(shape, old, new):
    old_size, new_size = np.dtype(_np_name(old)).itemsize, np.dtype(_np_name(new)).itemsize
    if old_size == new_size:
        return tuple(shape)
    if not shape:
        raise ValueError(f"view: cannot view a scalar of {old} as {new}: the item sizes differ.")
    last = shape[-1]
    if last is not None and (last * old_size) % new_size:
        raise ValueError(
            f"view: the last axis ({last} x {old}) is not a whole number of {new} items."
        )
    return tuple(shape[:-1]) + (None if last is None else last * old_size // new_size,)


def _np_name(dtype):
    if dtype == "bfloat16":
        return ml_dtypes.bfloat16
    return dtype


def _view_spec(x, dtype=None):
    new = dtypes.standardize_dtype(dtype) if dtype is not None else dtype_of(x)
    return _spec(_view_shape(rules.shape_of(x), dtype_of(x), new), new)


@op(spec=_view_spec)
def view(x, dtype=None):
    """Reinterprets the bytes of `x` as `dtype` (the last axis rescales when item sizes differ)."""
    x = to_tensor(x)
    old = dtype_of(x)
    if dtype is None:
        return x
    new = dtypes.standardize_dtype(dtype)
    if "string" in (old, new):
        raise TypeError("view: string tensors cannot be viewed as another dtype.")
    shape = _view_shape(tuple(x.shape), old, new)
    if old == new:
        return x
    return _k.view(x, new, shape)
