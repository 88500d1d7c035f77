"""TensorFlow shape-manipulation kernels."""

import tensorflow as tf

reshape = tf.reshape


def squeeze(x, axes):
    return tf.squeeze(x, axis=list(axes)) if axes else x
