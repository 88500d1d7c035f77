"""TensorFlow elementwise kernels (inputs already promoted to one dtype by the front end)."""

import tensorflow as tf

subtract = tf.subtract
multiply = tf.multiply
true_divide = tf.math.truediv
floor_divide = tf.math.floordiv
mod = tf.math.floormod
power = tf.pow
negative = tf.negative
absolute = tf.abs
logical_and = tf.logical_and
logical_or = tf.logical_or
logical_xor = tf.math.logical_xor
logical_not = tf.logical_not
equal = tf.equal
not_equal = tf.not_equal
less = tf.less
less_equal = tf.less_equal
greater = tf.greater
greater_equal = tf.greater_equal


def invert(x):
    return tf.logical_not(x) if x.dtype == tf.bool else tf.bitwise.invert(x)


def add(x1, x2):
    return tf.logical_or(x1, x2) if x1.dtype == tf.bool else tf.add(x1, x2)
