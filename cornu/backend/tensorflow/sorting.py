"""TensorFlow sorting, searching and set kernels (index outputs are int32)."""

import numpy as np
import tensorflow as tf

_NATIVE_SORT = (tf.int32, tf.int64, tf.float16, tf.bfloat16, tf.float32, tf.float64)


def _sortable(x):
    """x in a dtype tf.argsort / tf.unique handle (order-preserving cast)."""
    return x if x.dtype in _NATIVE_SORT else tf.cast(x, tf.int64)


def _to_last(x, axis):
    rank = x.shape.rank
    perm = [i for i in range(rank) if i != axis] + [axis]
    return tf.transpose(x, perm), perm


def argsort(x, axis):
    """Stable argsort; NaN sorts last (as NumPy)."""
    x = _sortable(x)
    moved, perm = _to_last(x, axis)
    batch = x.shape.rank - 1
    if x.dtype.is_floating:
        nan = tf.math.is_nan(moved)
        keys = tf.where(nan, tf.constant(np.inf, x.dtype), moved)
        order = tf.argsort(keys, axis=-1, stable=True)
        nan_sorted = tf.gather(tf.cast(nan, tf.int32), order, axis=-1, batch_dims=batch)
        nan_order = tf.argsort(nan_sorted, axis=-1, stable=True)
        order = tf.gather(order, nan_order, axis=-1, batch_dims=batch)
    else:
        order = tf.argsort(moved, axis=-1, stable=True)
    return tf.transpose(tf.cast(order, tf.int32), np.argsort(perm))


def sort(x, axis):
    order = argsort(x, axis)
    moved, perm = _to_last(x, axis)
    out = tf.gather(moved, tf.transpose(order, perm), axis=-1, batch_dims=x.shape.rank - 1)
    return tf.transpose(out, np.argsort(perm))


def searchsorted(sorted_sequence, values, right):
    values_2d = tf.reshape(values, [1, -1])
    out = tf.searchsorted(
        sorted_sequence[None, :], values_2d, side="right" if right else "left", out_type=tf.int32
    )
    return tf.reshape(out, tf.shape(values))


def bincount(x, weights, minlength, length, dtype):
    """Counts per value of the non-negative ints `x` (1-D, or per row of 2-D `x`)."""
    out_dtype = tf.as_dtype(dtype)
    work = out_dtype if out_dtype in (tf.int32, tf.int64, tf.float32, tf.float64) else tf.float32
    x = tf.cast(x, tf.int32 if x.dtype != tf.int64 else tf.int64)
    check = tf.debugging.assert_non_negative(x, message="bincount: `x` must be non-negative")
    with tf.control_dependencies([check]):
        x = tf.identity(x)
    if weights is not None:
        weights = tf.cast(weights, work)
    out = tf.math.bincount(
        x,
        weights=weights,
        minlength=length if length is not None else minlength,
        maxlength=length,
        dtype=work,
        axis=-1 if x.shape.rank == 2 else None,
    )
    return tf.cast(out, out_dtype)


def isin(x1, x2, invert):
    flat = tf.reshape(x2, [-1])
    if x1.dtype == tf.bool:
        found = tf.reduce_any(tf.equal(x1[..., None], flat), axis=-1)
    else:
        found = tf.reduce_any(tf.equal(_sortable(x1)[..., None], _sortable(flat)), axis=-1)
    return tf.logical_not(found) if invert else found


def unique(x, axis, size=None, fill_value=None):
    """(values, first index, inverse, counts), sorted; index outputs int32.

    `size`/`fill_value` are applied by the front end (padding/truncation).
    """
    dtype = x.dtype
    work = _sortable(x)
    if axis is None:
        flat = tf.reshape(work, [-1])
        found, idx = tf.unique(flat, out_idx=tf.int32)
        order = tf.argsort(found, stable=True)
        n = tf.shape(flat)[0]
    else:
        moved = tf.experimental.numpy.moveaxis(work, axis, 0)
        rows = tf.reshape(moved, [tf.shape(moved)[0], -1])
        found, idx = tf.raw_ops.UniqueV2(x=rows, axis=tf.constant([0], tf.int64), out_idx=tf.int32)
        order = tf.range(tf.shape(found)[0])
        for col in reversed(range(int(np.prod(moved.shape[1:])))):
            keys = tf.gather(found[:, col], order)
            order = tf.gather(order, tf.argsort(keys, stable=True))
        n = tf.shape(rows)[0]
    values = tf.gather(found, order)
    rank = tf.math.invert_permutation(order)
    inverse = tf.gather(rank, idx)
    k = tf.shape(order)[0]
    counts = tf.math.unsorted_segment_sum(tf.ones_like(inverse), inverse, k)
    index = tf.math.unsorted_segment_min(tf.range(n), inverse, k)
    if axis is None:
        inverse = tf.reshape(inverse, tf.shape(x))
    else:
        shape = tf.concat([[k], tf.shape(moved)[1:]], 0)
        values = tf.experimental.numpy.moveaxis(tf.reshape(values, shape), 0, axis)
    return tf.cast(values, dtype), index, inverse, counts
