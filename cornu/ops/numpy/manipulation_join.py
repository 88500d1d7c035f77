"""Joining and splitting ops: concatenate, append, stack, hstack/vstack/dstack, split,
array_split, hsplit/vsplit/dsplit."""

import numpy as np

from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, kernels, op, promote, to_tensor
from cornu.ops.numpy._manipulation_args import _promoted_dtype, _ravel_spec, _spec, _tensors

_k = kernels()

__all__ = [
    "append",
    "array_split",
    "concatenate",
    "dsplit",
    "dstack",
    "hsplit",
    "hstack",
    "split",
    "stack",
    "vsplit",
    "vstack",
]


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
        known = [d for d in dims if d is not None]  # a list: symbolic sizes do not hash
        if any(d != known[0] for d in known[1:]):
            raise ValueError(f"{op_name}: input shapes {shapes} differ outside axis {axis}.")
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
    n = shape[axis]
    sizes = [_piece_size(n, a, b) for a, b in bounds]
    if n is not None and sum(sizes) == n and all(s > 0 for s in sizes):
        return list(_k.split(x, sizes, axis))  # consecutive pieces: one split primitive
    lead = (slice(None),) * axis
    return [x[lead + (slice(a, b),)] for a, b in bounds]


@op(
    spec=lambda x, indices_or_sections, axis=0: _split(
        "split", x, indices_or_sections, axis, symbolic=True
    )
)
def split(x, indices_or_sections, axis=0):
    """Splits `x` along `axis` into equal sections (an int) or at the given indices (a list)."""
    return _split("split", x, indices_or_sections, axis)


@op(
    spec=lambda x, indices_or_sections, axis=0: _split(
        "array_split", x, indices_or_sections, axis, even=False, symbolic=True
    )
)
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
