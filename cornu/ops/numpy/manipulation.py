"""Shape manipulation ops: reshape, squeeze, ..."""

import math

import numpy as np

from cornu import config
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, kernels, op, promote, to_tensor

_k = kernels("manipulation")

__all__ = [
    "append",
    "array_split",
    "broadcast_to",
    "concatenate",
    "dsplit",
    "dstack",
    "expand_dims",
    "flip",
    "fliplr",
    "flipud",
    "hsplit",
    "hstack",
    "moveaxis",
    "ndim",
    "pad",
    "ravel",
    "repeat",
    "reshape",
    "roll",
    "rot90",
    "size",
    "split",
    "squeeze",
    "stack",
    "swapaxes",
    "tile",
    "transpose",
    "view",
    "vsplit",
    "vstack",
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


# -- helpers --------------------------------------------------------------------------------


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


def _ravel_spec(x):
    shape = rules.shape_of(x)
    return _spec((None if None in shape else math.prod(shape),), dtype_of(x))


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


# -- joining --------------------------------------------------------------------------------


def _concat_shape(shapes, axis, op_name):
    ranks = {len(s) for s in shapes}
    if len(ranks) != 1:
        raise ValueError(
            f"{op_name}: all inputs must have the same rank; received shapes {shapes}."
        )
    ndim = ranks.pop()
    if ndim == 0:
        raise ValueError(f"{op_name}: zero-dimensional inputs cannot be concatenated.")
    axis = canonicalize_axis(axis, ndim, op_name)
    out = []
    for i in range(ndim):
        dims = [s[i] for s in shapes]
        if i == axis:
            out.append(None if None in dims else sum(dims))
            continue
        known = {d for d in dims if d is not None}
        if len(known) > 1:
            raise ValueError(
                f"{op_name}: input shapes {shapes} differ outside axis {axis}."
            )
        out.append(known.pop() if known else None)
    return tuple(out), axis


def _concatenate_spec(xs, axis=0):
    xs = _tensors(xs, "concatenate")
    if axis is None:
        return _ravel_spec(_concatenate_spec([_ravel_spec(v) for v in xs], 0))
    shape, _ = _concat_shape([rules.shape_of(v) for v in xs], axis, "concatenate")
    return _spec(shape, _promoted_dtype(xs))


@op(spec=_concatenate_spec)
def concatenate(xs, axis=0):
    """Joins tensors along an existing `axis` (None: flattens them first), promoting dtypes."""
    xs = _tensors(xs, "concatenate")
    tensors = promote(*xs)
    if axis is None:
        tensors = [_k.reshape(t, (-1,)) for t in tensors]
        axis = 0
    _, axis = _concat_shape([tuple(t.shape) for t in tensors], axis, "concatenate")
    return _k.concatenate(list(tensors), axis)


def _append_spec(x1, x2, axis=None):
    return _concatenate_spec([x1, x2], axis)


@op(spec=_append_spec)
def append(x1, x2, axis=None):
    """`x2` appended to `x1` along `axis` (None: both are flattened first)."""
    return concatenate.eager([x1, x2], axis=axis)


def _stack_shape(shapes, axis, op_name="stack"):
    if len({len(s) for s in shapes}) != 1:
        raise ValueError(f"{op_name}: all inputs must have the same shape; received {shapes}.")
    out = []
    for dims in zip(*shapes):
        known = {d for d in dims if d is not None}
        if len(known) > 1:
            raise ValueError(f"{op_name}: all inputs must have the same shape; received {shapes}.")
        out.append(known.pop() if known else None)
    axis = canonicalize_axis(axis, len(out) + 1, op_name)
    return tuple(out[:axis]) + (len(shapes),) + tuple(out[axis:]), axis


def _stack_spec(x, axis=0):
    xs = _tensors(x, "stack", "x")
    shape, _ = _stack_shape([rules.shape_of(v) for v in xs], axis)
    return _spec(shape, _promoted_dtype(xs))


@op(spec=_stack_spec)
def stack(x, axis=0):
    """Joins same-shaped tensors along a new `axis`, promoting dtypes."""
    tensors = promote(*_tensors(x, "stack", "x"))
    _, axis = _stack_shape([tuple(t.shape) for t in tensors], axis)
    return _k.stack(list(tensors), axis)


def _at_least(shape, rank, where):
    """NumPy's atleast_2d/3d placement of new size-1 axes."""
    if len(shape) >= rank:
        return tuple(shape)
    if rank == 2:
        return (1,) * (2 - len(shape)) + tuple(shape)
    return {0: (1, 1, 1), 1: (1,) + tuple(shape) + (1,), 2: tuple(shape) + (1,)}[len(shape)]


def _stack_family(op_name, xs, rank, axis, shapes_only=False):
    xs = _tensors(xs, op_name)
    shapes = [rules.shape_of(v) for v in xs]
    if op_name == "hstack" and all(len(s) <= 1 for s in shapes):
        rank, axis = 1, 0
    new_shapes = [_at_least(s, rank, op_name) for s in shapes]
    if shapes_only:
        shape, _ = _concat_shape(new_shapes, axis, op_name)
        return _spec(shape, _promoted_dtype(xs))
    tensors = promote(*xs)
    tensors = [_k.reshape(t, s) if len(t.shape) < rank else t for t, s in zip(tensors, new_shapes)]
    _concat_shape([tuple(t.shape) for t in tensors], axis, op_name)
    return _k.concatenate(tensors, axis)


@op(spec=lambda xs: _stack_family("hstack", xs, 1, 1, True))
def hstack(xs):
    """Concatenates along axis 1 (axis 0 for 1-D inputs)."""
    return _stack_family("hstack", xs, 1, 1)


@op(spec=lambda xs: _stack_family("vstack", xs, 2, 0, True))
def vstack(xs):
    """Concatenates along axis 0 after making inputs at least 2-D."""
    return _stack_family("vstack", xs, 2, 0)


@op(spec=lambda xs: _stack_family("dstack", xs, 3, 2, True))
def dstack(xs):
    """Concatenates along axis 2 after making inputs at least 3-D."""
    return _stack_family("dstack", xs, 3, 2)


# -- splitting ------------------------------------------------------------------------------


def _split_bounds(n, indices_or_sections, op_name, even):
    """(start, stop) pairs of the pieces of an axis of size `n`."""
    if isinstance(indices_or_sections, (int, np.integer)) and not isinstance(
        indices_or_sections, bool
    ):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError(
                f"{op_name}: the number of sections must be positive; received {sections}."
            )
        if n is None:
            raise ValueError(f"{op_name}: cannot split an axis of unknown size into sections.")
        if even and n % sections:
            raise ValueError(
                f"{op_name}: an axis of size {n} cannot be split into {sections} equal sections."
            )
        base, extra = divmod(n, sections)
        sizes = [base + 1] * extra + [base] * (sections - extra)
        starts = [sum(sizes[:i]) for i in range(sections)]
        return [(s, s + z) for s, z in zip(starts, sizes)]
    try:
        indices = [int(i) for i in indices_or_sections]
    except (TypeError, ValueError):
        raise TypeError(
            f"{op_name}: `indices_or_sections` must be an int or a sequence of ints; "
            f"received {indices_or_sections!r}."
        ) from None
    edges = [0] + indices + [None]
    return list(zip(edges[:-1], edges[1:]))


def _piece_size(n, start, stop):
    if n is None:
        return None
    return len(range(n)[slice(start, stop)])


def _split_axis(op_name, shape, axis):
    if op_name == "hsplit":
        return 1 if len(shape) > 1 else 0
    if op_name in ("vsplit", "dsplit"):
        need = 2 if op_name == "vsplit" else 3
        if len(shape) < need:
            raise ValueError(f"{op_name}: `x` must have rank >= {need}; received shape {shape}.")
        return 0 if op_name == "vsplit" else 2
    return canonicalize_axis(axis, len(shape), op_name)


def _split(op_name, x, indices_or_sections, axis=0, even=True, symbolic=False):
    shape = rules.shape_of(x)
    if not shape:
        raise ValueError(f"{op_name}: `x` must have rank >= 1; received a scalar.")
    axis = _split_axis(op_name, shape, axis)
    bounds = _split_bounds(shape[axis], indices_or_sections, op_name, even)
    if symbolic:
        dtype = dtype_of(x)
        return [
            _spec(shape[:axis] + (_piece_size(shape[axis], a, b),) + shape[axis + 1 :], dtype)
            for a, b in bounds
        ]
    x = to_tensor(x)
    lead = (slice(None),) * axis
    return [x[lead + (slice(a, b),)] for a, b in bounds]


@op(spec=lambda x, indices_or_sections, axis=0: _split(
    "split", x, indices_or_sections, axis, symbolic=True))
def split(x, indices_or_sections, axis=0):
    """Splits `x` along `axis` into equal sections (an int) or at the given indices (a list)."""
    return _split("split", x, indices_or_sections, axis)


@op(spec=lambda x, indices_or_sections, axis=0: _split(
    "array_split", x, indices_or_sections, axis, even=False, symbolic=True))
def array_split(x, indices_or_sections, axis=0):
    """Like `split`, but an int need not divide the axis: the first pieces get one extra."""
    return _split("array_split", x, indices_or_sections, axis, even=False)


@op(spec=lambda x, indices_or_sections: _split("hsplit", x, indices_or_sections, symbolic=True))
def hsplit(x, indices_or_sections):
    """`split` along axis 1 (axis 0 for 1-D inputs)."""
    return _split("hsplit", x, indices_or_sections)


@op(spec=lambda x, indices_or_sections: _split("vsplit", x, indices_or_sections, symbolic=True))
def vsplit(x, indices_or_sections):
    """`split` along axis 0 (inputs of rank >= 2)."""
    return _split("vsplit", x, indices_or_sections)


@op(spec=lambda x, indices_or_sections: _split("dsplit", x, indices_or_sections, symbolic=True))
def dsplit(x, indices_or_sections):
    """`split` along axis 2 (inputs of rank >= 3)."""
    return _split("dsplit", x, indices_or_sections)


# -- reordering -----------------------------------------------------------------------------


def _flip_axes(ndim, axis):
    return tuple(range(ndim)) if axis is None else _axes_arg(axis, ndim, "flip")


def _flip_spec(x, axis=None):
    shape = rules.shape_of(x)
    _flip_axes(len(shape), axis)
    return _spec(shape, dtype_of(x))


@op(spec=_flip_spec)
def flip(x, axis=None):
    """Reverses the order of elements along `axis` (all axes when None)."""
    x = to_tensor(x)
    axes = _flip_axes(len(x.shape), axis)
    return _k.flip(x, axes) if axes else x


def _needs_rank(op_name, x, rank):
    shape = rules.shape_of(x)
    if len(shape) < rank:
        raise ValueError(f"{op_name}: `x` must have rank >= {rank}; received shape {shape}.")
    return shape


@op(spec=lambda x: _spec(_needs_rank("fliplr", x, 2), dtype_of(x)))
def fliplr(x):
    """Reverses the columns (axis 1) of `x` (rank >= 2)."""
    _needs_rank("fliplr", x, 2)
    return flip.eager(x, 1)


@op(spec=lambda x: _spec(_needs_rank("flipud", x, 1), dtype_of(x)))
def flipud(x):
    """Reverses the rows (axis 0) of `x` (rank >= 1)."""
    _needs_rank("flipud", x, 1)
    return flip.eager(x, 0)


def _roll_args(ndim, shift, axis):
    if axis is None:
        return _int_arg(shift, "roll", "shift"), None
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(canonicalize_axis(a, ndim, "roll") for a in axes)
    shifts = (shift,) * len(axes) if isinstance(shift, (int, np.integer)) else tuple(shift)
    if len(shifts) != len(axes):
        raise ValueError(
            f"roll: `shift` and `axis` must have the same length; received {shift} and {axis}."
        )
    return tuple(_int_arg(s, "roll", "shift") for s in shifts), axes


@op(spec=lambda x, shift, axis=None: (
    _roll_args(len(rules.shape_of(x)), shift, axis), rules.unary(x))[1])
def roll(x, shift, axis=None):
    """Rolls elements by `shift` along `axis` (None: over the flattened array, shape kept)."""
    x = to_tensor(x)
    shifts, axes = _roll_args(len(x.shape), shift, axis)
    return _k.roll(x, shifts, axes)


def _rot90_axes(ndim, axes):
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"rot90: `axes` must name two axes; received {axes}.")
    if ndim < 2:
        raise ValueError(f"rot90: `array` must have rank >= 2; received rank {ndim}.")
    a, b = (canonicalize_axis(v, ndim, "rot90", "axes") for v in axes)
    if a == b:
        raise ValueError(f"rot90: `axes` must be two different axes; received {axes}.")
    return a, b


def _rot90_spec(array, k=1, axes=(0, 1)):
    shape = list(rules.shape_of(array))
    a, b = _rot90_axes(len(shape), axes)
    if _int_arg(k, "rot90", "k") % 2:
        shape[a], shape[b] = shape[b], shape[a]
    return _spec(shape, dtype_of(array))


@op(spec=_rot90_spec)
def rot90(array, k=1, axes=(0, 1)):
    """Rotates `array` by 90 degrees `k` times in the plane of `axes` (from the first axis
    toward the second)."""
    x = to_tensor(array)
    a, b = _rot90_axes(len(x.shape), axes)
    k = _int_arg(k, "rot90", "k") % 4
    if k == 0:
        return x
    if k == 2:
        return _k.flip(x, (a, b))
    perm = list(range(len(x.shape)))
    perm[a], perm[b] = perm[b], perm[a]
    if k == 1:
        return _k.transpose(_k.flip(x, (b,)), tuple(perm))
    return _k.flip(_k.transpose(x, tuple(perm)), (b,))


# -- repeating ------------------------------------------------------------------------------


def _repeats_value(repeats):
    """Static repeats as an int or a tuple of ints, else None (a symbolic tensor)."""
    if isinstance(repeats, KerasTensor):
        return None
    if isinstance(repeats, (int, np.integer)) and not isinstance(repeats, bool):
        return int(repeats)
    try:
        from cornu import backend

        values = np.asarray(
            repeats if isinstance(repeats, (list, tuple)) else backend.convert_to_numpy(repeats)
        )
    except Exception:
        return None
    if values.dtype.kind not in "iu":
        raise TypeError(f"repeat: `repeats` must hold ints; received dtype {values.dtype}.")
    if (values < 0).any():
        raise ValueError("repeat: `repeats` must be non-negative.")
    return int(values) if values.ndim == 0 else tuple(int(v) for v in values)


def _repeat_spec(x, repeats, axis=None):
    shape = rules.shape_of(x)
    if axis is None:
        shape = (None if None in shape else math.prod(shape),)
        axis = 0
    axis = canonicalize_axis(axis, len(shape), "repeat")
    reps = _repeats_value(repeats)
    n = shape[axis]
    if reps is None:
        size = None
    elif isinstance(reps, int):
        size = None if n is None else n * reps
    else:
        if n is not None and len(reps) not in (1, n):
            raise ValueError(
                f"repeat: `repeats` has {len(reps)} entries for an axis of size {n}."
            )
        size = (None if n is None else n * reps[0]) if len(reps) == 1 else sum(reps)
    return _spec(shape[:axis] + (size,) + shape[axis + 1 :], dtype_of(x))


@op(spec=_repeat_spec)
def repeat(x, repeats, axis=None):
    """Repeats each element `repeats` times (an int, or one count per element) along `axis`
    (None: over the flattened input)."""
    x = to_tensor(x)
    if axis is None:
        x = _k.reshape(x, (-1,))
        axis = 0
    axis = canonicalize_axis(axis, len(x.shape), "repeat")
    reps = _repeats_value(repeats)
    if isinstance(reps, tuple):
        if len(reps) not in (1, x.shape[axis]):
            raise ValueError(
                f"repeat: `repeats` has {len(reps)} entries for an axis of size {x.shape[axis]}."
            )
        if len(reps) == 1:
            reps = reps[0]
    if reps is None:
        reps = to_tensor(repeats, "int32")
    return _k.repeat(x, reps, axis)


def _tile_reps(ndim, repeats):
    reps = (repeats,) if isinstance(repeats, (int, np.integer)) else tuple(repeats)
    reps = tuple(_int_arg(r, "tile", "repeats") for r in reps)
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: `repeats` must be non-negative; received {repeats}.")
    return (1,) * (ndim - len(reps)) + reps


def _tile_spec(x, repeats):
    shape = rules.shape_of(x)
    reps = _tile_reps(len(shape), repeats)
    shape = (1,) * (len(reps) - len(shape)) + shape
    return _spec([None if d is None else d * r for d, r in zip(shape, reps)], dtype_of(x))


@op(spec=_tile_spec)
def tile(x, repeats):
    """Repeats the whole of `x` `repeats[i]` times along each axis (NumPy's `tile`)."""
    x = to_tensor(x)
    reps = _tile_reps(len(x.shape), repeats)
    if len(reps) > len(x.shape):
        x = _k.reshape(x, (1,) * (len(reps) - len(x.shape)) + tuple(x.shape))
    return _k.tile(x, reps)


# -- padding --------------------------------------------------------------------------------

_PAD_MODES = (
    "constant", "edge", "linear_ramp", "maximum", "mean", "median", "minimum", "reflect",
    "symmetric", "wrap", "empty",
)  # fmt: skip
# Modes every backend supports; the statistics modes are left to NumPy-compatible backends.
_INDEX_MODES = ("edge", "reflect", "symmetric", "wrap")


def _pad_widths(ndim, pad_width):
    try:
        widths = np.broadcast_to(np.asarray(pad_width, dtype="int64"), (ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: `pad_width` {pad_width!r} does not fit an input of rank {ndim}; give one "
            "(before, after) pair per axis."
        ) from None
    if (widths < 0).any():
        raise ValueError(f"pad: `pad_width` must be non-negative; received {pad_width!r}.")
    return tuple((int(a), int(b)) for a, b in widths)


def _pad_spec(x, pad_width, mode="constant", constant_values=None):
    shape = rules.shape_of(x)
    widths = _pad_widths(len(shape), pad_width)
    return _spec(
        [None if d is None else d + a + b for d, (a, b) in zip(shape, widths)], dtype_of(x)
    )


def _pad_index(n, before, after, mode):
    """Source indices along an axis of size `n` for the padded positions (NumPy's rules)."""
    positions = np.arange(-before, n + after)
    if mode == "edge":
        return np.clip(positions, 0, n - 1)
    if mode == "wrap":
        return positions % n
    if mode == "reflect":
        if n == 1:
            return np.zeros_like(positions)
        period = 2 * (n - 1)
        p = positions % period
        return np.where(p < n, p, period - p)
    period = 2 * n  # symmetric
    p = positions % period
    return np.where(p < n, p, period - 1 - p)


@op(spec=_pad_spec)
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pads `x` by `pad_width` (`((before, after), ...)`, one pair, or an int).

    Modes: "constant" (`constant_values`, default 0), "edge", "reflect", "symmetric", "wrap"
    and "empty" (here: zeros) on every backend; "linear_ramp", "maximum", "mean", "median",
    "minimum" where the backend has a NumPy-compatible pad (numpy, jax).
    """
    x = to_tensor(x)
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: `mode` must be one of {_PAD_MODES}; received {mode!r}.")
    if constant_values is not None and mode != "constant":
        raise ValueError(
            f"pad: `constant_values` is only used with mode='constant'; received mode={mode!r}."
        )
    widths = _pad_widths(len(x.shape), pad_width)
    if mode in ("constant", "empty"):
        value = to_tensor(0 if constant_values is None else constant_values, dtype_of(x))
        return _k.pad_constant(x, widths, value)
    if mode in _INDEX_MODES:
        for axis, (before, after) in enumerate(widths):
            if (before or after) and x.shape[axis] == 0:
                raise ValueError(f"pad: mode={mode!r} cannot pad the empty axis {axis}.")
        if hasattr(_k, "pad_native"):
            return _k.pad_native(x, widths, mode)
        for axis, (before, after) in enumerate(widths):
            if not (before or after):
                continue
            if x.shape[axis] is None:  # unknown size inside a graph
                x = _k.pad_gather_dynamic(x, before, after, mode, axis)
            else:
                index = _pad_index(x.shape[axis], before, after, mode)
                x = _k.pad_gather(x, to_tensor(index, "int32"), axis)
        return x
    if not hasattr(_k, "pad_native"):
        raise ValueError(
            f"pad: mode={mode!r} is not supported on the {config.backend()} backend; use one of "
            f"'constant', 'empty', {', '.join(repr(m) for m in _INDEX_MODES)}."
        )
    return _k.pad_native(x, widths, mode)


# -- bit views ---------------------------------------------------------------------------


def _view_shape(shape, old, new):
    old_size, new_size = np.dtype(_np_name(old)).itemsize, np.dtype(_np_name(new)).itemsize
    if old_size == new_size:
        return tuple(shape)
    if not shape:
        raise ValueError(
            f"view: cannot view a scalar of {old} as {new}: the item sizes differ."
        )
    last = shape[-1]
    if last is not None and (last * old_size) % new_size:
        raise ValueError(
            f"view: the last axis ({last} x {old}) is not a whole number of {new} items."
        )
    return tuple(shape[:-1]) + (None if last is None else last * old_size // new_size,)


def _np_name(dtype):
    if dtype == "bfloat16":
        import ml_dtypes

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
