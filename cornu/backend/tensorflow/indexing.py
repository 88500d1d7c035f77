"""TensorFlow indexing kernels: basic indexing natively, index/bool tensors via gather/mask."""

import tensorflow as tf


def get_item(x, key):
    if tf.is_tensor(key) or hasattr(key, "__array__") and not isinstance(key, (int, slice)):
        key = tf.convert_to_tensor(key)
        if key.dtype == tf.bool:
            return tf.boolean_mask(x, key)
        return tf.gather(x, tf.where(key < 0, key + tf.cast(tf.shape(x)[0], key.dtype), key))
    return x[key]


def diagonal(x, offset, axis1, axis2, length):
    ndim = x.shape.rank
    kept = [i for i in range(ndim) if i not in (axis1, axis2)]
    x = tf.transpose(x, kept + [axis1, axis2])
    shape = tf.shape(x)
    rows, cols = shape[-2], shape[-1]
    if length is None:  # unknown sizes inside a graph
        length = tf.maximum(0, tf.minimum(rows + min(offset, 0), cols - max(offset, 0)))
    flat = tf.reshape(x, tf.concat([shape[:-2], [rows * cols]], axis=0))
    steps = tf.range(length)
    index = (steps + max(-offset, 0)) * cols + steps + max(offset, 0)
    return tf.gather(flat, index, axis=ndim - 2)


def trace(diag):
    return tf.reduce_sum(diag, axis=-1)


def nonzero(x):
    mask = x if x.dtype == tf.bool else tf.not_equal(x, tf.zeros((), x.dtype))
    coords = tf.cast(tf.where(mask), tf.int32)
    return tuple(coords[:, i] for i in range(x.shape.rank))


def _wrap(indices, n):
    """`indices` (a tensor or an array) with negative ones counted from the end."""
    indices = tf.convert_to_tensor(indices)
    return tf.where(indices < 0, indices + tf.cast(n, indices.dtype), indices)


def take(x, indices, axis):
    return tf.gather(x, _wrap(indices, tf.shape(x)[axis]), axis=axis)


def take_along_axis(x, indices, axis):
    ndim = x.shape.rank
    perm = [i for i in range(ndim) if i != axis] + [axis]
    inverse = [perm.index(i) for i in range(ndim)]
    indices = _wrap(indices, tf.shape(x)[axis])
    out = tf.gather(tf.transpose(x, perm), tf.transpose(indices, perm), batch_dims=ndim - 1)
    return tf.transpose(out, inverse)


def unravel_index(indices, dims):
    out = []
    rest = tf.cast(indices, tf.int64)
    for d in reversed(dims):
        out.append(tf.cast(tf.math.floormod(rest, d), indices.dtype))
        rest = tf.math.floordiv(rest, d)
    return tuple(reversed(out))
