"""TensorFlow creation kernels (dtypes arrive as cornu dtype names)."""

import math

import tensorflow as tf

from cornu.backend.tensorflow.core import to_framework_dtype as _dt


def zeros(shape, dtype):
    return tf.zeros(shape, _dt(dtype))


def ones(shape, dtype):
    return tf.ones(shape, _dt(dtype))


def full(shape, fill_value):
    return tf.broadcast_to(fill_value, shape)


def zeros_like(x, dtype=None):
    """Zeros of `x`'s shape; `dtype` None keeps `x`'s dtype."""
    if dtype is None:
        return tf.zeros_like(x)
    return tf.zeros(tf.shape(x), _dt(dtype))


def ones_like(x, dtype=None):
    """Ones of `x`'s shape; `dtype` None keeps `x`'s dtype."""
    if dtype is None:
        return tf.ones_like(x)
    return tf.ones(tf.shape(x), _dt(dtype))


def full_like(x, fill_value):
    return tf.broadcast_to(fill_value, tf.shape(x))


def arange(start, stop, step=None, length=None, dtype=None):
    """`length` values `start + i * step` of `dtype` (the creation op); the short form
    `arange(n, dtype)` gives 0, 1, ..., n - 1 (as the nn ops call it)."""
    if length is None:
        return tf.range(start, dtype=_dt(stop))
    dtype = _dt(dtype)
    if dtype.is_integer and all(isinstance(v, int) for v in (start, step)):
        out = tf.range(length, dtype=tf.int64) * step + start
        return tf.cast(out, dtype)
    index = tf.range(length, dtype=tf.float64)
    return tf.cast(index * step + start, dtype)


def _linspace0(start, stop, num, endpoint):
    """Samples along a new leading axis, and the step."""
    shape = tf.broadcast_dynamic_shape(tf.shape(start), tf.shape(stop))
    start, stop = tf.broadcast_to(start, shape), tf.broadcast_to(stop, shape)
    div = num - 1 if endpoint else num
    delta = stop - start
    if div > 0:
        step = delta / tf.cast(div, delta.dtype)
    else:
        step = tf.fill(shape, tf.cast(math.nan, delta.dtype))
    index = tf.reshape(tf.range(num, dtype=start.dtype), [num] + [1] * start.shape.rank)
    samples = start + index * (step if div > 0 else delta)
    if endpoint and num > 1:
        samples = tf.concat([samples[:-1], stop[None]], axis=0)
    return samples, step


def _to_axis(samples, axis):
    rank = samples.shape.rank
    perm = list(range(1, rank))
    perm.insert(axis, 0)
    return tf.transpose(samples, perm)


def linspace(start, stop, num, endpoint, axis):
    samples, step = _linspace0(start, stop, num, endpoint)
    return _to_axis(samples, axis), step


def logspace(start, stop, num, endpoint, base, axis):
    samples, _ = _linspace0(start, stop, num, endpoint)
    return _to_axis(tf.pow(tf.cast(base, start.dtype), samples), axis)


def geomspace(start, stop, num, endpoint, axis):
    shape = tf.broadcast_dynamic_shape(tf.shape(start), tf.shape(stop))
    start, stop = tf.broadcast_to(start, shape), tf.broadcast_to(stop, shape)
    samples, _ = _linspace0(tf.math.log(tf.abs(start)), tf.math.log(tf.abs(stop)), num, endpoint)
    samples = tf.sign(start) * tf.exp(samples)
    if num > 0:
        parts = [start[None], samples[1:]]
        if endpoint and num > 1:
            parts = [start[None], samples[1:-1], stop[None]]
        samples = tf.concat(parts, axis=0)
    return _to_axis(samples, axis)


def cast_values(x, dtype):
    dtype = _dt(dtype)
    if dtype.is_integer and x.dtype.is_floating:
        x = tf.floor(x)
    return tf.cast(x, dtype)


def ravel(x):
    return tf.reshape(x, [-1])


def _band(N, M):
    rows = tf.reshape(tf.range(N), [-1, 1])
    cols = tf.reshape(tf.range(M), [1, -1])
    return cols - rows


def eye(N, M, k, dtype):
    return tf.cast(tf.equal(_band(N, M), k), _dt(dtype))


def tri(N, M, k, dtype):
    return tf.cast(_band(N, M) <= k, _dt(dtype))


def _masked(x, keep):
    return tf.where(keep, x, tf.zeros((), x.dtype))


def _dims(x):
    shape = tf.shape(x)
    return shape[-2], shape[-1]


def tril(x, k):
    return _masked(x, _band(*_dims(x)) <= k)


def triu(x, k):
    return _masked(x, _band(*_dims(x)) >= k)


def diag_matrix(x, k):
    m = tf.shape(x)[0]
    n = m + abs(k)
    rows = tf.reshape(tf.range(n), [-1, 1])
    cols = tf.reshape(tf.range(n), [1, -1])
    index = tf.clip_by_value(tf.minimum(rows, cols), 0, tf.maximum(m - 1, 0))
    values = tf.gather(x, index) if x.shape[0] != 0 else tf.zeros([n, n], x.dtype)
    return tf.where(tf.equal(cols - rows, k), values, tf.zeros((), x.dtype))


def diag_part(x, k, length):
    if length is None:  # unknown sizes inside a graph
        rows, cols = tf.shape(x)[0], tf.shape(x)[1]
        length = tf.maximum(0, tf.minimum(rows + min(k, 0), cols - max(k, 0)))
    elif length == 0:
        return tf.zeros([0], x.dtype)
    rows = tf.range(length) + max(-k, 0)
    cols = tf.range(length) + max(k, 0)
    return tf.gather_nd(x, tf.stack([rows, cols], axis=1))


def vander(x, n, increasing):
    powers = tf.range(n)
    if not increasing:
        powers = tf.reverse(powers, [0])
    if x.dtype.is_floating or x.dtype.is_complex:
        return tf.pow(x[:, None], tf.cast(powers, x.dtype))
    out = tf.pow(tf.cast(x, tf.int64)[:, None], tf.cast(powers, tf.int64))
    return tf.cast(out, x.dtype)
