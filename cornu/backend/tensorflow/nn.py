"""TensorFlow kernels for `cornu.ops.nn` (inputs already promoted to one dtype by the front end).

Most nn ops are composed in the front end from the small primitives here; conv and pooling
live in `nn_conv.py`.
"""

import tensorflow as tf

from cornu.backend.tensorflow.core import to_framework_dtype

exp = tf.exp
expm1 = tf.math.expm1
log = tf.math.log
log1p = tf.math.log1p
tanh = tf.tanh
sqrt = tf.sqrt
absolute = tf.abs
sign = tf.sign
cos = tf.cos
sin = tf.sin
erf = tf.math.erf
sigmoid = tf.sigmoid
softplus = tf.nn.softplus

add = tf.add
subtract = tf.subtract
multiply = tf.multiply
divide = tf.divide
maximum = tf.maximum
minimum = tf.minimum
power = tf.pow
greater = tf.greater
greater_equal = tf.greater_equal
less = tf.less
less_equal = tf.less_equal
equal = tf.equal
logical_and = tf.logical_and
where = tf.where
not_equal = tf.not_equal
logical_not = tf.logical_not


def sum(x, axis=None, keepdims=False):
    return tf.reduce_sum(x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):
    return tf.reduce_max(x, axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    return tf.reduce_mean(x, axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    return tf.reduce_any(x, axis=axis, keepdims=keepdims)


def reshape(x, shape):
    return tf.reshape(x, [-1 if d is None else d for d in shape])


def transpose(x, axes):
    return tf.transpose(x, axes)


def slice(x, index):
    return x[index]


def concatenate(xs, axis):
    return tf.concat(list(xs), axis=axis)


def pad(x, pad_width, constant_value):
    return tf.pad(x, [list(p) for p in pad_width], constant_values=tf.cast(constant_value, x.dtype))


def arange(n, dtype):
    return tf.range(n, dtype=to_framework_dtype(dtype))


def ones(shape, dtype):
    return tf.ones(shape, to_framework_dtype(dtype))


def zeros(shape, dtype):
    return tf.zeros(shape, to_framework_dtype(dtype))


def sort_descending(x, axis):
    return tf.sort(x, axis=axis, direction="DESCENDING")


def cumsum(x, axis):
    return tf.cumsum(x, axis=axis)


def take_along_axis(x, indices, axis):
    return tf.experimental.numpy.take_along_axis(x, indices, axis=axis)


def einsum(subscripts, *operands):
    return tf.einsum(subscripts, *operands)


stop_gradient = tf.stop_gradient


def complex_from_parts(real, imag):
    return tf.complex(real, imag)


def argmax(x, axis):
    return tf.argmax(x, axis=axis, output_type=tf.int32)


def expand_dims(x, axis):
    return tf.expand_dims(x, axis)


def flip(x, axes):
    return tf.reverse(x, axis=list(axes))


def fuse(fn):
    """Op bodies run eagerly on this backend (see jax/nn.py's `fuse`)."""
    return fn


def relu(x):
    return tf.nn.relu(x)
