"""TensorFlow linear-algebra product kernels."""

import tensorflow as tf


def matmul(x1, x2):
    # NumPy rules: 1-D operands gain and then lose a unit axis; batch dimensions broadcast.
    a = x1[None, :] if x1.shape.rank == 1 else x1
    b = x2[:, None] if x2.shape.rank == 1 else x2
    out = tf.linalg.matmul(a, b)
    if x1.shape.rank == 1:
        out = tf.squeeze(out, -2)
    if x2.shape.rank == 1:
        out = tf.squeeze(out, -1)
    return out
