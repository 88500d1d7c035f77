"""TensorFlow random kernels: stateless ops keyed by an int64 `[key, counter]` seed tensor."""

import tensorflow as tf

from cornu.backend.tensorflow.core import convert_to_tensor, to_framework_dtype


def make_seed(value):
    return tf.constant([value, 0], dtype=tf.int64)


def normal(shape, mean, stddev, dtype, seed):
    return tf.random.stateless_normal(
        shape, seed, mean=mean, stddev=stddev, dtype=to_framework_dtype(dtype)
    )


def uniform(shape, minval, maxval, dtype, seed):
    return tf.random.stateless_uniform(
        shape, seed, minval=minval, maxval=maxval, dtype=to_framework_dtype(dtype)
    )


def truncated_normal(shape, mean, stddev, dtype, seed):
    return tf.random.stateless_truncated_normal(
        shape, seed, mean=mean, stddev=stddev, dtype=to_framework_dtype(dtype)
    )


def randint(shape, minval, maxval, dtype, seed):
    values = tf.random.stateless_uniform(shape, seed, minval=minval, maxval=maxval, dtype="int64")
    return tf.cast(values, to_framework_dtype(dtype))


def categorical(logits, num_samples, dtype, seed):
    logits = convert_to_tensor(logits)
    return tf.random.stateless_categorical(
        logits, num_samples, seed, dtype=to_framework_dtype(dtype)
    )


def shuffle(x, axis, seed):
    x = convert_to_tensor(x)
    if axis == 0:
        return tf.random.experimental.stateless_shuffle(x, seed)
    moved = tf.experimental.numpy.swapaxes(x, 0, axis)
    return tf.experimental.numpy.swapaxes(
        tf.random.experimental.stateless_shuffle(moved, seed), 0, axis
    )


def gamma(shape, alpha, dtype, seed):
    return tf.random.stateless_gamma(shape, seed, alpha=alpha, dtype=to_framework_dtype(dtype))


def binomial(shape, counts, probabilities, dtype, seed):
    values = tf.random.stateless_binomial(
        shape, seed, counts=counts, probs=probabilities, output_dtype="float32"
    )
    return tf.cast(values, to_framework_dtype(dtype))
