"""TensorFlow kernels for cornu.ops.image: small tensor primitives the front end composes (with
the backend's shared ones: `take`, `pad`, `einsum`, `stack`, `clip`, ...)."""

import tensorflow as tf

from cornu.backend.tensorflow.elementwise import absolute as abs  # noqa: F401 (a kernel too)
from cornu.backend.tensorflow.reduction import max as reduce_max  # noqa: F401
from cornu.backend.tensorflow.reduction import mean as reduce_mean  # noqa: F401
from cornu.backend.tensorflow.reduction import min as reduce_min  # noqa: F401


def round_half_away(x):
    return tf.sign(x) * tf.math.floor(tf.abs(x) + 0.5)


def compiled(fn, *tensors, **static):
    """Runs `fn(*tensors, **static)` (eagerly on this backend)."""
    return fn(*tensors, **static)


def batch_offsets(x, step):
    """(batch, 1, 1) int32: i * step for each item i of `x`'s leading axis (dynamic batch)."""
    return tf.reshape(tf.range(tf.shape(x)[0], dtype=tf.int32) * step, (-1, 1, 1))
