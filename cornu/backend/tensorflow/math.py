"""TensorFlow kernels of cornu.ops.math (inputs already converted and checked by the front end)."""

import numpy as np
import tensorflow as tf

_WIDE_UNSIGNED = (tf.uint16, tf.uint32, tf.uint64)


def logsumexp(x, axes, keepdims):
    if not axes:
        return tf.identity(x)
    return tf.reduce_logsumexp(x, axis=list(axes), keepdims=keepdims)


def cdist(x, y):
    diff = x[..., :, None, :] - y[..., None, :, :]
    squared = tf.reduce_sum(diff * diff, axis=-1)
    # zero distances get a zero gradient instead of NaN (sqrt is not differentiable at 0)
    positive = squared > 0
    safe = tf.where(positive, squared, tf.ones_like(squared))
    return tf.where(positive, tf.sqrt(safe), tf.zeros_like(squared))


def top_k(x, k):
    dtype = x.dtype
    if dtype in _WIDE_UNSIGNED or dtype == tf.bool or dtype in (tf.int8, tf.uint8, tf.int16):
        values, indices = tf.math.top_k(tf.cast(x, tf.int64), k, sorted=True)
        return tf.cast(values, dtype), tf.cast(indices, tf.int32)
    values, indices = tf.math.top_k(x, k, sorted=True)
    return values, tf.cast(indices, tf.int32)


def in_top_k(targets, predictions, k):
    target_scores = tf.gather(predictions, targets, axis=1, batch_dims=1)[:, None]
    higher = tf.reduce_sum(tf.cast(predictions > target_scores, tf.int32), axis=1)
    return tf.logical_and(higher < k, tf.math.is_finite(target_scores[:, 0]))


_OPS = {
    "sum": tf.math.unsorted_segment_sum,
    "prod": tf.math.unsorted_segment_prod,
    "max": tf.math.unsorted_segment_max,
    "min": tf.math.unsorted_segment_min,
}


def segment_reduce(data, segment_ids, num_segments, kind, sorted):
    dtype = data.dtype
    if dtype in _WIDE_UNSIGNED or dtype in (tf.int8, tf.uint8, tf.int16):
        data = tf.cast(data, tf.int64)
    keep = tf.logical_and(segment_ids >= 0, segment_ids < num_segments)
    data = tf.boolean_mask(data, keep)
    ids = tf.boolean_mask(segment_ids, keep)
    out = _OPS[kind](data, ids, num_segments)
    if kind in ("max", "min") and data.dtype.is_floating:
        # TF fills empty segments with the finite lowest/highest value: use -inf/+inf.
        counts = tf.math.unsorted_segment_sum(tf.ones_like(ids), ids, num_segments)
        counts = tf.reshape(counts, [-1] + [1] * (data.shape.rank - 1))
        fill = tf.constant(-np.inf if kind == "max" else np.inf, data.dtype)
        out = tf.where(counts > 0, out, fill)
    return tf.cast(out, dtype)


def frame(x, length, stride):
    n = x.shape[-1]
    count = max(0, 1 + (n - length) // stride) if n >= length else 0
    idx = np.arange(count)[:, None] * stride + np.arange(length)[None, :]
    return tf.gather(x, idx, axis=-1)


def _complex(real, imag):
    return tf.complex(real, imag)


def fft(real, imag, ndims, inverse):
    z = _complex(real, imag)
    if ndims == 2:
        out = tf.signal.ifft2d(z) if inverse else tf.signal.fft2d(z)
    else:
        out = tf.signal.ifft(z) if inverse else tf.signal.fft(z)
    return tf.math.real(out), tf.math.imag(out)


def rfft(x, n):
    out = tf.signal.rfft(x, fft_length=[n])
    return tf.math.real(out), tf.math.imag(out)


def irfft(real, imag, n):
    bins = n // 2 + 1
    z = _complex(real, imag)
    have = z.shape[-1]
    if have < bins:  # NumPy zero-pads missing frequencies
        z = tf.pad(z, [[0, 0]] * (z.shape.rank - 1) + [[0, bins - have]])
    elif have > bins:
        z = z[..., :bins]
    return tf.signal.irfft(z, fft_length=[n])


def reflect_pad(x, pad):
    return tf.pad(x, [[0, 0]] * (x.shape.rank - 1) + [[pad, pad]], mode="REFLECT")


def overlap_add(frames, stride):
    return tf.signal.overlap_and_add(frames, stride)


def pad_end(x, n):
    return tf.pad(x, [[0, 0]] * (x.shape.rank - 1) + [[0, n]])
