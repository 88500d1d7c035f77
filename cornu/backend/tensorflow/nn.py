"""TensorFlow kernels for `cornu.ops.nn` (inputs already promoted to one dtype by the front end).

Most nn ops are composed in the front end from the backend's shared primitives (`add`, `sum`,
`reshape`, ... in elementwise.py, reduction.py, manipulation.py); conv and pooling live in
`nn_conv.py`.
"""

import tensorflow as tf

sigmoid = tf.sigmoid
softplus = tf.nn.softplus


def slice(x, index):
    return x[index]


def sort_descending(x, axis):
    return tf.sort(x, axis=axis, direction="DESCENDING")


def complex_from_parts(real, imag):
    return tf.complex(real, imag)


def fuse(fn):
    """Op bodies run eagerly on this backend (see jax/nn.py's `fuse`)."""
    return fn


def relu(x):
    return tf.nn.relu(x)
