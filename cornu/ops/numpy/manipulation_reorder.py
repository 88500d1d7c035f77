"""Reordering, repeating and padding ops: flip, fliplr, flipud, roll, rot90, repeat, tile,
pad."""

import math

import numpy as np

from cornu import backend, config
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import canonicalize_axis, dtype_of, kernels, op, to_tensor
from cornu.ops.numpy._manipulation_args import _axes_arg, _int_arg, _spec

_k = kernels()

__all__ = [
    "flip",
    "fliplr",
    "flipud",
    "pad",
    "repeat",
    "roll",
    "rot90",
    "tile",
]


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


@op(
    spec=lambda x, shift, axis=None: (
        _roll_args(len(rules.shape_of(x)), shift, axis),
        rules.unary(x),
    )[1]
)
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
            raise ValueError(f"repeat: `repeats` has {len(reps)} entries for an axis of size {n}.")
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
