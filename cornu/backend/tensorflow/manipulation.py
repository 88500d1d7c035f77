"""TensorFlow shape-manipulation kernels."""

import tensorflow as tf

from cornu.backend.tensorflow.core import to_framework_dtype

broadcast_to = tf.broadcast_to
size = tf.size
transpose = tf.transpose


def reshape(x, shape):
    """`tf.reshape`; a None in a `shape` sequence (a size unknown in a symbolic shape) is -1."""
    if isinstance(shape, (tuple, list)):
        shape = [-1 if d is None else d for d in shape]
    return tf.reshape(x, shape)


def squeeze(x, axes):
    return tf.squeeze(x, axis=list(axes)) if axes else x


def expand_dims(x, axes):
    """`x` with a unit axis inserted at each of `axes` in turn (a tuple, or one int)."""
    for axis in axes if isinstance(axes, (tuple, list)) else (axes,):
        x = tf.expand_dims(x, axis)
    return x


def flip(x, axes=(0,)):
    """`x` reversed along `axes` (a tuple, or one int; the first axis by default)."""
    return tf.reverse(x, list(axes) if isinstance(axes, (tuple, list)) else [axes])


def tile(x, reps):
    return tf.tile(x, reps)


def concatenate(xs, axis):
    return tf.concat(list(xs), axis=axis)


def stack(xs, axis):
    return tf.stack(list(xs), axis=axis)


def roll(x, shifts, axes):
    if axes is None:
        return tf.reshape(tf.roll(tf.reshape(x, [-1]), shifts, 0), tf.shape(x))
    return tf.roll(x, list(shifts), list(axes))


def repeat(x, repeats, axis):
    return tf.repeat(x, repeats, axis=axis)


def pad_constant(x, widths, value):
    if x.dtype == tf.bool:
        padded = tf.pad(tf.cast(x, tf.uint8), widths, constant_values=tf.cast(value, tf.uint8))
        return tf.cast(padded, tf.bool)
    return tf.pad(x, widths, constant_values=value)


def pad(x, pad_width, constant_value):
    """`x` padded by `pad_width` (`(before, after)` per axis) with the scalar `constant_value`."""
    return tf.pad(x, [list(p) for p in pad_width], constant_values=tf.cast(constant_value, x.dtype))


def pad_gather(x, index, axis):
    return tf.gather(x, index, axis=axis)


def pad_gather_dynamic(x, before, after, mode, axis):
    """`pad_gather` for an axis whose size is known only at run time."""
    n = tf.shape(x)[axis]
    positions = tf.range(-before, n + after)
    if mode == "edge":
        index = tf.clip_by_value(positions, 0, n - 1)
    elif mode == "wrap":
        index = tf.math.floormod(positions, n)
    elif mode == "reflect":
        period = tf.maximum(2 * (n - 1), 1)
        p = tf.math.floormod(positions, period)
        index = tf.where(p < n, p, period - p)
    else:  # symmetric
        period = 2 * n
        p = tf.math.floormod(positions, period)
        index = tf.where(p < n, p, period - 1 - p)
    return tf.gather(x, index, axis=axis)


def view(x, dtype, shape):
    """Bit reinterpretation with NumPy's rule: the last axis rescales by the size ratio."""
    target = to_framework_dtype(dtype)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.uint8)
    out_bool = target == tf.bool
    if out_bool:
        target = tf.uint8
    old, new = x.dtype.size, target.size
    if old < new:
        x = tf.reshape(x, tf.concat([tf.shape(x)[:-1], [-1, new // old]], axis=0))
    out = tf.reshape(tf.bitcast(x, target), shape)
    return tf.not_equal(out, 0) if out_bool else out


def split(x, sizes, axis):
    """Consecutive pieces of the given sizes along `axis` (they add up to its length); one
    split primitive, whose gradient is one concatenation."""
    return tf.split(x, list(sizes), axis=axis)
