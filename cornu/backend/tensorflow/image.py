"""TensorFlow kernels for cornu.ops.image: small tensor primitives the front end composes."""

import tensorflow as tf


def einsum(subscripts, *operands):
    return tf.einsum(subscripts, *operands)


def take(x, indices, axis):
    return tf.gather(x, indices, axis=axis)


def pad(x, pad_width, constant_value):
    return tf.pad(x, [list(p) for p in pad_width], constant_values=tf.cast(constant_value, x.dtype))


def transpose(x, perm):
    return tf.transpose(x, perm)


def reshape(x, shape):
    return tf.reshape(x, shape)


floor = tf.math.floor
minimum = tf.minimum
abs = tf.abs


def where(condition, x, y):
    return tf.where(condition, x, y)


def concatenate(xs, axis):
    return tf.concat(list(xs), axis=axis)


def stack(xs, axis):
    return tf.stack(list(xs), axis=axis)


def clip(x, lo, hi):
    return tf.clip_by_value(x, tf.cast(lo, x.dtype), tf.cast(hi, x.dtype))


def round_half_away(x):
    return tf.sign(x) * tf.math.floor(tf.abs(x) + 0.5)


def reduce_max(x, axis, keepdims=False):
    return tf.reduce_max(x, axis=axis, keepdims=keepdims)


def reduce_min(x, axis, keepdims=False):
    return tf.reduce_min(x, axis=axis, keepdims=keepdims)


def reduce_mean(x, axis, keepdims=False):
    return tf.reduce_mean(x, axis=axis, keepdims=keepdims)


def solve(a, b):
    return tf.linalg.solve(a, b)


def compiled(fn, *tensors, **static):
    """Runs `fn(*tensors, **static)` (eagerly on this backend)."""
    return fn(*tensors, **static)


def batch_offsets(x, step):
    """(batch, 1, 1) int32: i * step for each item i of `x`'s leading axis (dynamic batch)."""
    return tf.reshape(tf.range(tf.shape(x)[0], dtype=tf.int32) * step, (-1, 1, 1))
