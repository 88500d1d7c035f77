"""TensorFlow convolution and pooling kernels (channels-last inputs; see numpy/nn_conv.py).

TF cannot combine strides with dilation, nor run grouped convolutions on CPU: a dilated,
strided convolution runs at stride 1 and is subsampled, and groups run one by one.
"""

import tensorflow as tf


def _conv(x, kernel, strides, dilation):
    if any(d > 1 for d in dilation) and any(s > 1 for s in strides):
        out = tf.nn.convolution(x, kernel, strides=1, padding="VALID", dilations=list(dilation))
        index = (slice(None),) + tuple(slice(None, None, s) for s in strides) + (slice(None),)
        return out[index]
    return tf.nn.convolution(
        x, kernel, strides=list(strides), padding="VALID", dilations=list(dilation)
    )


def conv(x, kernel, strides, padding, dilation, groups):
    if any(any(p) for p in padding):  # (tf.pad copies the input even for zero padding)
        x = tf.pad(x, [[0, 0]] + [list(p) for p in padding] + [[0, 0]])
    if groups == 1:
        return _conv(x, kernel, strides, dilation)
    xs = tf.split(x, groups, axis=-1)
    ks = tf.split(kernel, groups, axis=-1)
    return tf.concat([_conv(a, b, strides, dilation) for a, b in zip(xs, ks)], axis=-1)


def _half_safe(pool):
    """TF has no float16/bfloat16 CPU kernels for 3-D pooling: compute those in float32."""

    def run(x, window, strides):
        if len(window) == 3 and x.dtype in (tf.float16, tf.bfloat16):
            return tf.cast(
                pool(tf.cast(x, tf.float32), list(window), list(strides), "VALID"), x.dtype
            )
        return pool(x, list(window), list(strides), "VALID")

    return run


max_pool = _half_safe(tf.nn.max_pool)
avg_pool = _half_safe(tf.nn.avg_pool)


def conv_bias(x, kernel, bias, strides, padding, dilation, groups):
    """`conv` plus a per-output-channel `bias` (BiasAdd, which grappler fuses into the
    convolution on CPU)."""
    return tf.nn.bias_add(conv(x, kernel, strides, padding, dilation, groups), bias)
