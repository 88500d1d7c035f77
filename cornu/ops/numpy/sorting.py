"""NumPy-API sorting, searching, counting and set ops: sort, argsort, searchsorted, unique, ...

Index-returning ops (argsort, argpartition, searchsorted, digitize, unique's index/inverse/
counts) give int32 on every backend; so do unweighted counts (bincount, histogram).
"""

import numpy as np

from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import (
    canonicalize_axis,
    dtype_of,
    float_dtype_of,
    kernels,
    op,
    promote,
    to_tensor,
)

_k = kernels()

__all__ = [
    "argpartition",
    "argsort",
    "bincount",
    "digitize",
    "histogram",
    "isin",
    "searchsorted",
    "sort",
    "unique",
]


def _sort_axis(shape, axis, op_name):
    """(flatten?, canonical axis)."""
    if axis is None:
        return True, 0
    if len(shape) == 0:
        raise ValueError(f"{op_name}: `x` must be at least 1-D for axis={axis}; received a scalar.")
    return False, canonicalize_axis(axis, len(shape), op_name)


def _sort_spec(index):
    def spec(x, axis=-1):
        shape = rules.shape_of(x)
        flatten, _ = _sort_axis(shape, axis, "argsort" if index else "sort")
        if flatten:
            shape = (None if None in shape else int(np.prod(shape)),)
        return KerasTensor(shape, dtype="int32" if index else dtype_of(x))

    return spec


def _sort_prepare(x, axis, op_name):
    x = to_tensor(x)
    flatten, axis = _sort_axis(tuple(x.shape), axis, op_name)
    if flatten:
        x = _k.reshape(x, (-1,))
    return x, axis


@op(spec=_sort_spec(False))
def sort(x, axis=-1):
    """Sorts `x` ascending along `axis` (None: the flattened input). NaN sorts last."""
    x, axis = _sort_prepare(x, axis, "sort")
    return _k.sort(x, axis)


@op(spec=_sort_spec(True))
def argsort(x, axis=-1):
    """int32 indices that sort `x` along `axis` (a stable sort; None: flattened). NaN last."""
    x, axis = _sort_prepare(x, axis, "argsort")
    return _k.argsort(x, axis)


def _check_kth(kth, size, axis):
    values = kth if isinstance(kth, (list, tuple)) else [kth]
    for k in values:
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
            raise TypeError(
                f"argpartition: `kth` must be an int or a list of ints; received {kth!r}."
            )
        if size is not None and not -size <= k < size:
            raise ValueError(
                f"argpartition: `kth`={k} is out of range for an axis of size {size} (axis={axis})."
            )


def _argpartition_spec(x, kth, axis=-1):
    shape = rules.shape_of(x)
    flatten, a = _sort_axis(shape, axis, "argpartition")
    if flatten:
        shape = (None if None in shape else int(np.prod(shape)),)
    _check_kth(kth, shape[a], axis)
    return KerasTensor(shape, dtype="int32")


@op(spec=_argpartition_spec)
def argpartition(x, kth, axis=-1):
    """int32 indices that partition `x` along `axis` around its `kth` element(s).

    Position `kth` holds the index of the value a full sort would put there; indices before
    it point to values <= it, after it to values >= it. (cornu returns a stable full argsort,
    which satisfies this for every `kth`; the order within each side is unspecified in NumPy.)
    """
    x, axis_ = _sort_prepare(x, axis, "argpartition")
    _check_kth(kth, x.shape[axis_], axis)
    return _k.argsort(x, axis_)


def _searchsorted_check(seq_shape, side):
    if len(seq_shape) != 1:
        raise ValueError(
            f"searchsorted: `sorted_sequence` must be 1-D; received shape {tuple(seq_shape)}."
        )
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: `side` must be 'left' or 'right'; received {side!r}.")


def _searchsorted_spec(sorted_sequence, values, side="left"):
    _searchsorted_check(rules.shape_of(sorted_sequence), side)
    return KerasTensor(rules.shape_of(values), dtype="int32")


def _search_dtype(a, b):
    dtype = dtypes.result_type(dtype_of(a), dtype_of(b))
    return "int32" if dtype == "bool" else dtype


@op(spec=_searchsorted_spec)
def searchsorted(sorted_sequence, values, side="left"):
    """int32 insertion points of `values` into the ascending 1-D `sorted_sequence`.

    Args:
        side: "left" gives the first suitable index, "right" the last (as NumPy).
    """
    dtype = _search_dtype(sorted_sequence, values)
    sorted_sequence, values = promote(sorted_sequence, values, dtype=dtype)
    _searchsorted_check(tuple(sorted_sequence.shape), side)
    return _k.searchsorted(sorted_sequence, values, side == "right")


def _digitize_spec(x, bins):
    if len(rules.shape_of(bins)) != 1:
        raise ValueError(f"digitize: `bins` must be 1-D; received shape {rules.shape_of(bins)}.")
    return KerasTensor(rules.shape_of(x), dtype="int32")


@op(spec=_digitize_spec)
def digitize(x, bins):
    """int32 index of the bin of each `x`: i with bins[i-1] <= x < bins[i] (NumPy, right=False).

    `bins` must be monotonic; decreasing bins give i with bins[i-1] > x >= bins[i].
    """
    dtype = _search_dtype(x, bins)
    x, bins = promote(x, bins, dtype=dtype)
    if len(bins.shape) != 1:
        raise ValueError(f"digitize: `bins` must be 1-D; received shape {tuple(bins.shape)}.")
    n = bins.shape[0]
    increasing = _k.searchsorted(bins, x, True)
    if n < 2:
        return increasing
    reversed_bins = _k.flip(bins)
    decreasing = _k.subtract(to_tensor(n, "int32"), _k.searchsorted(reversed_bins, x, True))
    first = _k.slice_axis(bins, 0, 0, 1)
    last = _k.slice_axis(bins, 0, n - 1, n)
    is_decreasing = _k.reshape(_k.greater(first, last), ())
    return _k.where(is_decreasing, decreasing, increasing)


def _bincount_dtype(weights):
    return "int32" if weights is None else float_dtype_of(weights)


def _bincount_check(x_shape, x_dtype, weights_shape, minlength, sparse):
    if sparse:
        raise ValueError("bincount: sparse=True is not supported; cornu returns dense counts.")
    if x_dtype not in dtypes.INT_TYPES:
        raise TypeError(f"bincount: `x` must be an integer tensor; received dtype {x_dtype}.")
    if len(x_shape) not in (1, 2):
        raise ValueError(f"bincount: `x` must be 1-D or 2-D; received shape {tuple(x_shape)}.")
    if weights_shape is not None and tuple(weights_shape) != tuple(x_shape):
        raise ValueError(
            f"bincount: `weights` must have x's shape {tuple(x_shape)}; received "
            f"{tuple(weights_shape)}."
        )
    if not isinstance(minlength, (int, np.integer)) or minlength < 0:
        raise ValueError(
            f"bincount: `minlength` must be a non-negative int; received {minlength!r}."
        )


def _bincount_spec(x, weights=None, minlength=0, sparse=False):
    shape = rules.shape_of(x)
    w_shape = None if weights is None else rules.shape_of(weights)
    _bincount_check(shape, dtype_of(x), w_shape, minlength, sparse)
    return KerasTensor(shape[:-1] + (None,), dtype=_bincount_dtype(weights))


@op(spec=_bincount_spec)
def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts of each value 0..max(x) of the non-negative ints `x` (per row for 2-D `x`).

    Args:
        weights: optional tensor of x's shape; each occurrence adds its weight.
        minlength: the minimum number of bins.
        sparse: must be False (no sparse output).

    Returns:
        Length max(max(x) + 1, minlength) (data-dependent: eager only on JAX). int32 counts,
        or weights' float dtype (int weights give float32).
    """
    x = to_tensor(x)
    w_shape = None if weights is None else tuple(to_tensor(weights).shape)
    _bincount_check(tuple(x.shape), dtype_of(x), w_shape, minlength, sparse)
    dtype = _bincount_dtype(weights)
    weights = None if weights is None else to_tensor(weights, dtype)
    return _k.bincount(x, weights, int(minlength), None, dtype)


def _histogram_check(bins, range):
    if not isinstance(bins, (int, np.integer)) or isinstance(bins, bool) or bins < 1:
        raise ValueError(f"histogram: `bins` must be a positive int; received {bins!r}.")
    if range is not None:
        if len(range) != 2 or not range[0] <= range[1]:
            raise ValueError(
                f"histogram: `range` must be a (min, max) pair with min <= max; received {range!r}."
            )


def _histogram_spec(x, bins=10, range=None):
    _histogram_check(bins, range)
    return (
        KerasTensor((int(bins),), dtype="int32"),
        KerasTensor((int(bins) + 1,), dtype=float_dtype_of(x)),
    )


@op(spec=_histogram_spec)
def histogram(x, bins=10, range=None):
    """Histogram of the flattened `x` in `bins` equal-width bins, like `np.histogram`.

    Args:
        bins: the number of bins (a positive int).
        range: (min, max) of the bins; default (x.min(), x.max()). Values outside are ignored;
            the last bin includes its right edge. An empty range is widened by 0.5 each side.

    Returns:
        (counts, edges): int32 counts of shape (bins,), and float edges of shape (bins + 1,)
        (int inputs give float32 edges).
    """
    _histogram_check(bins, range)
    bins = int(bins)
    dtype = float_dtype_of(x)
    x = _k.reshape(to_tensor(x, dtype), (-1,))
    if range is not None:
        lo, hi = float(range[0]), float(range[1])
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        lo, hi = to_tensor(lo, dtype), to_tensor(hi, dtype)
    elif x.shape[0] == 0:
        lo, hi = to_tensor(0.0, dtype), to_tensor(1.0, dtype)
    else:
        lo, hi = _k.min(x, None, False), _k.max(x, None, False)
        same = _k.equal(lo, hi)
        half = to_tensor(0.5, dtype)
        lo = _k.where(same, _k.subtract(lo, half), lo)
        hi = _k.where(same, _k.add(hi, half), hi)
    steps = to_tensor(np.arange(bins + 1) / bins, dtype)
    edges = _k.add(lo, _k.multiply(steps, _k.subtract(hi, lo)))
    last = to_tensor(np.arange(bins + 1) == bins)
    edges = _k.where(last, hi, edges)
    index = _k.subtract(_k.searchsorted(edges, x, True), to_tensor(1, "int32"))
    top = _k.equal(x, hi)
    index = _k.where(top, to_tensor(bins - 1, "int32"), index)
    inside = _k.logical_and(_k.greater_equal(x, lo), _k.less_equal(x, hi))
    index = _k.where(inside, index, to_tensor(0, "int32"))
    counts = _k.bincount(index, to_tensor(inside, "int32"), bins, bins, "int32")
    return counts, edges


def _isin_spec(x1, x2, assume_unique=False, invert=False):
    return KerasTensor(rules.shape_of(x1), dtype="bool")


@op(spec=_isin_spec)
def isin(x1, x2, assume_unique=False, invert=False):
    """bool tensor of x1's shape: whether each element of `x1` occurs in `x2`.

    Args:
        assume_unique: accepted for NumPy compatibility (it does not change the result).
        invert: return the negation (elements NOT in `x2`).
    """
    x1, x2 = promote(x1, x2)
    return _k.isin(x1, x2, bool(invert))


def _unique_check(x_shape, axis, size):
    if axis is not None:
        axis = canonicalize_axis(axis, len(x_shape), "unique")
    if size is not None and (
        not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < 1
    ):
        raise ValueError(f"unique: `size` must be None or a positive int; received {size!r}.")
    return axis


def _unique_spec(*args, **kwargs):
    a = rules.bound_arguments(unique, args, kwargs)
    x, axis, size = a["x"], a["axis"], a["size"]
    shape = rules.shape_of(x)
    axis = _unique_check(shape, axis, size)
    if axis is None:
        values = KerasTensor((size,), dtype=dtype_of(x))
        inverse_shape = shape
    else:
        values = KerasTensor(
            tuple(size if i == axis else d for i, d in enumerate(shape)), dtype=dtype_of(x)
        )
        inverse_shape = (shape[axis],)
    return _unique_outputs(
        values,
        KerasTensor((size,), dtype="int32"),
        KerasTensor(inverse_shape, dtype="int32"),
        KerasTensor((size,), dtype="int32"),
        a["return_index"],
        a["return_inverse"],
        a["return_counts"],
    )


def _unique_outputs(values, index, inverse, counts, return_index, return_inverse, return_counts):
    extra = [
        t
        for t, wanted in ((index, return_index), (inverse, return_inverse), (counts, return_counts))
        if wanted
    ]
    return tuple([values] + extra) if extra else values


@op(spec=_unique_spec)
def unique(
    x,
    sorted=True,
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    """The sorted unique elements of `x` (or unique slices along `axis`), like `np.unique`.

    Args:
        sorted: accepted for compatibility; the result is always sorted ascending.
        return_index: also return the int32 index of each unique value's first occurrence
            (in the flattened input, or along `axis`).
        return_inverse: also return int32 indices rebuilding `x` from the unique values
            (x's shape for axis=None, else 1-D along `axis`).
        return_counts: also return int32 occurrence counts.
        axis: None (flatten) or the axis whose slices are compared.
        size: a static output length: fewer uniques are padded with `fill_value`, their index
            and counts with 0; more uniques are truncated (the inverse is not remapped). Without
            `size` the length depends on the data (symbolic outputs get a None dimension).
        fill_value: the padding value when `size` is given (default 0).

    Returns:
        The unique values, or a tuple (values, [index], [inverse], [counts]) when any of the
        `return_*` flags is set.
    """
    x = to_tensor(x)
    axis = _unique_check(tuple(x.shape), axis, size)
    values, index, inverse, counts = _k.unique(x, axis, size, fill_value)
    if size is not None:
        values, index, counts = _pad_unique(values, index, counts, axis, int(size), fill_value)
    return _unique_outputs(
        values, index, inverse, counts, return_index, return_inverse, return_counts
    )


def _pad_unique(values, index, counts, axis, size, fill_value):
    """Pads (with `fill_value`, index/counts 0) or truncates the outputs to length `size`."""
    axis = 0 if axis is None else axis
    pad_shape = tuple(size if i == axis else d for i, d in enumerate(values.shape))
    pad = to_tensor(np.full(pad_shape, 0 if fill_value is None else fill_value), dtype_of(values))
    zeros = to_tensor(np.zeros(size), "int32")
    return (
        _k.slice_axis(_k.concatenate([values, pad], axis), axis, 0, size),
        _k.slice_axis(_k.concatenate([index, zeros], 0), 0, 0, size),
        _k.slice_axis(_k.concatenate([counts, zeros], 0), 0, 0, size),
    )
