"""TensorFlow linear-algebra product kernels."""

import tensorflow as tf


def matmul(x1, x2):
    (x1, x2), dtype = _widen(x1, x2)
    return _narrow(_matmul(x1, x2), dtype)


def _matmul(x1, x2):
    # NumPy rules: 1-D operands gain and then lose a unit axis; batch dimensions broadcast.
    a = x1[None, :] if x1.shape.rank == 1 else x1
    b = x2[:, None] if x2.shape.rank == 1 else x2
    out = tf.linalg.matmul(a, b)
    if x1.shape.rank == 1:
        out = tf.squeeze(out, -2)
    if x2.shape.rank == 1:
        out = tf.squeeze(out, -1)
    return out


_WIDE_UNSIGNED = (tf.uint32, tf.uint64)


def _widen(*xs):
    """TF lacks product kernels for wide unsigned ints: compute those in int64."""
    if xs[0].dtype in _WIDE_UNSIGNED:
        return tuple(tf.cast(x, tf.int64) for x in xs), xs[0].dtype
    return xs, None


def _narrow(out, dtype):
    return out if dtype is None else tf.cast(out, dtype)


def dot(x1, x2):
    (x1, x2), dtype = _widen(x1, x2)
    r1, r2 = x1.shape.rank, x2.shape.rank
    if r1 == 0 or r2 == 0:
        out = x1 * x2
    elif r2 == 1:
        out = tf.tensordot(x1, x2, [[r1 - 1], [0]])
    else:
        out = tf.tensordot(x1, x2, [[r1 - 1], [r2 - 2]])
    return _narrow(out, dtype)


def tensordot(x1, x2, axes):
    (x1, x2), dtype = _widen(x1, x2)
    return _narrow(tf.tensordot(x1, x2, axes), dtype)


def inner(x1, x2):
    (x1, x2), dtype = _widen(x1, x2)
    r1, r2 = x1.shape.rank, x2.shape.rank
    if r1 == 0 or r2 == 0:
        return _narrow(x1 * x2, dtype)
    return _narrow(tf.tensordot(x1, x2, [[r1 - 1], [r2 - 1]]), dtype)


def outer(x1, x2):
    (x1, x2), dtype = _widen(x1, x2)
    return _narrow(tf.reshape(x1, [-1, 1]) * tf.reshape(x2, [1, -1]), dtype)


def kron(x1, x2):
    (x1, x2), dtype = _widen(x1, x2)
    r1, r2 = x1.shape.rank, x2.shape.rank
    r = max(r1, r2)
    sa = tf.concat([tf.ones([r - r1], tf.int32), tf.shape(x1)], 0)
    sb = tf.concat([tf.ones([r - r2], tf.int32), tf.shape(x2)], 0)
    ones = tf.ones([r], tf.int32)
    # interleave the axes: a[i0, 1, i1, 1, ...] * b[1, j0, 1, j1, ...]
    a = tf.reshape(x1, tf.reshape(tf.stack([sa, ones], -1), [-1]))
    b = tf.reshape(x2, tf.reshape(tf.stack([ones, sb], -1), [-1]))
    static_a = [1] * (r - r1) + x1.shape.as_list()
    static_b = [1] * (r - r2) + x2.shape.as_list()
    static = [None if da is None or db is None else da * db for da, db in zip(static_a, static_b)]
    out = tf.ensure_shape(tf.reshape(a * b, sa * sb), static)
    return _narrow(out, dtype)


def vdot(x1, x2):
    (x1, x2), dtype = _widen(x1, x2)
    a = tf.reshape(x1, [-1])
    if a.dtype.is_complex:
        a = tf.math.conj(a)
    return _narrow(tf.reduce_sum(a * tf.reshape(x2, [-1])), dtype)


def einsum(subscripts, *operands):
    operands, dtype = _widen(*operands)
    return _narrow(tf.einsum(subscripts, *operands), dtype)


def cross(x1, x2, axisa, axisb, axisc):
    (x1, x2), dtype = _widen(x1, x2)
    a = _move_to_last(x1, axisa)
    b = _move_to_last(x2, axisb)
    zero_a = tf.zeros_like(a[..., 0])
    zero_b = tf.zeros_like(b[..., 0])
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return _narrow(a0 * b1 - a1 * b0, dtype)
    a2 = a[..., 2] if a.shape[-1] == 3 else zero_a
    b2 = b[..., 2] if b.shape[-1] == 3 else zero_b
    out = tf.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)
    rank = out.shape.rank
    perm = list(range(rank - 1))
    perm.insert(axisc, rank - 1)
    return _narrow(tf.transpose(out, perm), dtype)


def _move_to_last(x, axis):
    rank = x.shape.rank
    perm = [d for d in range(rank) if d != axis] + [axis]
    return tf.transpose(x, perm)


def slogdet(x):
    sign, logdet = tf.linalg.slogdet(x)
    return sign, logdet


def correlate_full(x1, x2):
    m = x2.shape[0]
    padded = tf.pad(x1, [[m - 1, m - 1]])
    # conv1d is a cross-correlation: [batch, width, channels] with a [width, in, out] filter.
    out = tf.nn.conv1d(padded[None, :, None], x2[:, None, None], stride=1, padding="VALID")
    return out[0, :, 0]


def affine(x, kernel, bias):
    """`x @ kernel + bias`; MatMul + BiasAdd for 2-D float inputs (fused by grappler)."""
    if x.shape.rank == 2 and kernel.shape.rank == 2 and bias.shape.rank == 1:
        return tf.nn.bias_add(tf.matmul(x, kernel), bias)
    return matmul(x, kernel) + bias
