"""TensorFlow reduction kernels. The front end passes `axes` as None or a non-empty tuple of
canonical axes, and has already chosen the compute dtype, so every kernel returns it. The nn
ops also call `sum`, `max`, `min` and `mean` with `axis=` (None, an int or a tuple, negative
allowed) and `keepdims=` keywords, which those kernels take too."""

import numpy as np
import tensorflow as tf


def _list(axes):
    return list(axes) if isinstance(axes, (tuple, list)) else axes


def sum(x, axis=None, keepdims=False):
    return tf.reduce_sum(x, axis=_list(axis), keepdims=keepdims)


def prod(x, axes, keepdims):
    return tf.reduce_prod(x, axis=_list(axes), keepdims=keepdims)


def _nan_propagating(fn, bool_fn):
    def kernel(x, axis=None, keepdims=False):
        axis = _list(axis)
        if x.dtype == tf.bool:
            return bool_fn(x, axis=axis, keepdims=keepdims)
        out = fn(x, axis=axis, keepdims=keepdims)
        if x.dtype.is_floating:
            has_nan = tf.reduce_any(tf.math.is_nan(x), axis=axis, keepdims=keepdims)
            out = tf.where(has_nan, tf.constant(np.nan, x.dtype), out)
        return out

    return kernel


max = _nan_propagating(tf.reduce_max, tf.reduce_any)
min = _nan_propagating(tf.reduce_min, tf.reduce_all)


def all(x, axes, keepdims):
    return tf.reduce_all(x, axis=_list(axes), keepdims=keepdims)


def any(x, axes, keepdims):
    return tf.reduce_any(x, axis=_list(axes), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    # (tf.reduce_mean accumulates float16/bfloat16 more accurately than a sum divided by a count)
    return tf.reduce_mean(x, axis=_list(axis), keepdims=keepdims)


def var(x, axes, keepdims):
    centered = x - mean(x, axes, True)
    return mean(centered * centered, axes, keepdims)


def _arg(fn):
    def kernel(x, axis, keepdims=False):
        ndim = x.shape.rank
        if x.dtype == tf.bool or not (x.dtype.is_floating or x.dtype == tf.int64):
            x = tf.cast(x, tf.int64)
        if axis is None:
            x = tf.reshape(x, [-1])
            dim = 0
        else:
            dim = axis
        index = fn(x, axis=dim, output_type=tf.int32)
        if x.dtype.is_floating:  # NaN wins, as in NumPy
            nan = tf.math.is_nan(x)
            first_nan = tf.argmax(tf.cast(nan, tf.int32), axis=dim, output_type=tf.int32)
            index = tf.where(tf.reduce_any(nan, axis=dim), first_nan, index)
        if keepdims:
            index = tf.reshape(index, [1] * ndim) if axis is None else tf.expand_dims(index, axis)
        return index

    return kernel


argmax = _arg(tf.argmax)
argmin = _arg(tf.argmin)


def cumsum(x, axis):
    return tf.cumsum(x, axis=axis)


def cumprod(x, axis):
    return tf.math.cumprod(x, axis=axis)


def quantile(x, q, axes, method, keepdims, ignore_nan):
    """Sort-based quantile matching NumPy's methods (NaN sorts last; rows with NaN give NaN
    unless `ignore_nan`, which counts only the non-NaN values of each row)."""
    ndim = x.shape.rank
    axes = tuple(range(ndim)) if axes is None else axes
    kept = [i for i in range(ndim) if i not in axes]
    dyn = tf.shape(x)
    kept_dims = [dyn[i] for i in kept]
    rows = tf.reshape(tf.transpose(x, kept + list(axes)), tf.stack(kept_dims + [-1]))
    n = tf.shape(rows)[-1]
    nan = tf.math.is_nan(rows)
    inf = tf.constant(np.inf, x.dtype)
    ordered = tf.sort(tf.where(nan, inf, rows), axis=-1)
    if ignore_nan:
        count = tf.cast(n, tf.float64) - tf.reduce_sum(tf.cast(nan, tf.float64), axis=-1)
    else:
        count = tf.fill(tf.shape(rows)[:-1], tf.cast(n, tf.float64))
    qs = tf.cast(tf.reshape(q, [-1]), tf.float64)
    pos = qs * (count[..., None] - 1)
    lo, hi = tf.floor(pos), tf.math.ceil(pos)

    def take(index):
        index = tf.clip_by_value(tf.cast(index, tf.int32), 0, tf.maximum(n - 1, 0))
        return tf.gather(ordered, index, axis=-1, batch_dims=len(kept))

    if method == "lower":
        out = take(lo)
    elif method == "higher":
        out = take(hi)
    elif method == "nearest":
        out = take(tf.round(pos))
    elif method == "midpoint":
        out = (take(lo) + take(hi)) / 2
    else:
        v_lo, v_hi = take(lo), take(hi)
        t = tf.cast(pos - lo, x.dtype)
        out = tf.where(t > 0, v_lo + (v_hi - v_lo) * t, v_lo)
    invalid = tf.equal(count, 0) if ignore_nan else tf.reduce_any(nan, axis=-1)
    out = tf.where(invalid[..., None], tf.constant(np.nan, x.dtype), out)
    out = tf.transpose(out, [len(kept)] + list(range(len(kept))))
    if keepdims:
        final = [1 if i in axes else dyn[i] for i in range(ndim)]
    else:
        final = [dyn[i] for i in kept]
    q_dims = [tf.shape(q)[0]] if q.shape.rank == 1 else []
    return tf.reshape(out, tf.stack(q_dims + final) if q_dims + final else [])


def slice_axis(x, axis, start, stop):
    index = [slice(None)] * x.shape.rank
    index[axis] = slice(start, stop)
    return x[tuple(index)]


def corrcoef(x):
    centered = x - tf.reduce_mean(x, axis=-1, keepdims=True)
    if x.shape.rank == 1:
        centered = centered[None, :]
    cov = tf.matmul(centered, centered, transpose_b=True)
    d = tf.sqrt(tf.linalg.diag_part(cov))
    out = cov / d[:, None] / d[None, :]
    out = tf.clip_by_value(out, tf.constant(-1, x.dtype), tf.constant(1, x.dtype))
    return out[0, 0] if x.shape.rank == 1 else out
