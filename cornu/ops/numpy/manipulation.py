"""Shape manipulation ops: reshape, squeeze, ..."""

import math

from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, kernels, op, to_tensor

_k = kernels("manipulation")

__all__ = ["reshape", "squeeze"]


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
    return KerasTensor(
        tuple(d for i, d in enumerate(shape) if i not in axes), dtype=dtype_of(x)
    )


@op(spec=_squeeze_spec)
def squeeze(x, axis=None):
    """Removes axes of size 1 (all of them when `axis` is None)."""
    x = to_tensor(x)
    return _k.squeeze(x, _squeeze_axes(tuple(x.shape), axis))
