"""TensorFlow linear-algebra kernels (inputs already float and shape-checked by the front end)."""

import numpy as np
import tensorflow as tf

_COMPLEX = {"complex64": tf.complex64, "complex128": tf.complex128}


def _adjoint(x):
    return tf.linalg.adjoint(x)


def _broadcast_batch(a, b):
    batch = tf.broadcast_static_shape(a.shape[:-2], b.shape[:-2])
    if batch.is_fully_defined():
        batch = batch.as_list()
    else:
        batch = tf.broadcast_dynamic_shape(tf.shape(a)[:-2], tf.shape(b)[:-2])
    a = tf.broadcast_to(a, tf.concat([batch, tf.shape(a)[-2:]], 0))
    b = tf.broadcast_to(b, tf.concat([batch, tf.shape(b)[-2:]], 0))
    return a, b


def cholesky(x, upper):
    lower = tf.linalg.cholesky(x)
    return _adjoint(lower) if upper else lower


def cholesky_inverse(factor, upper):
    a = (
        tf.matmul(factor, factor, adjoint_a=True)
        if upper
        else tf.matmul(factor, factor, adjoint_b=True)
    )
    return tf.linalg.inv(a)


def det(x):
    return tf.linalg.det(x)


def inv(x):
    return tf.linalg.inv(x)


def eig(x, complex_dtype):
    w, v = tf.linalg.eig(x)
    return tf.cast(w, _COMPLEX[complex_dtype]), tf.cast(v, _COMPLEX[complex_dtype])


def eigh(x):
    w, v = tf.linalg.eigh(x)
    return w, v


def pinv(x, rcond):
    return tf.linalg.pinv(x, rcond=rcond)


def lstsq(a, b, rcond):
    vector = b.shape.rank == 1
    if vector:
        b = b[:, None]
    out = tf.matmul(pinv(a, rcond), b)
    return out[:, 0] if vector else out


def _perm_to_pivots(perm):
    """LAPACK-style 0-based pivots from a row permutation (rows of `lu` = rows `perm` of x)."""
    n = perm.shape[-1]
    batch_shape = tf.shape(perm)[:-1]
    flat = tf.reshape(perm, [-1, n])
    current = tf.tile(tf.range(n, dtype=perm.dtype)[None], [tf.shape(flat)[0], 1])
    pivots = []
    for i in range(n):
        # the position (>= i) where the row that ends up at i currently sits
        j = tf.argmax(tf.cast(tf.equal(current, flat[:, i : i + 1]), tf.int32), axis=-1)
        j = tf.cast(j, tf.int32)
        pivots.append(j)
        rows = tf.range(tf.shape(flat)[0])
        at_i = current[:, i]
        at_j = tf.gather(current, j, batch_dims=1)
        current = tf.tensor_scatter_nd_update(
            current, tf.stack([rows, tf.fill(tf.shape(rows), i)], -1), at_j
        )
        current = tf.tensor_scatter_nd_update(current, tf.stack([rows, j], -1), at_i)
    pivots = tf.stack(pivots, -1) if pivots else tf.zeros([tf.shape(flat)[0], 0], tf.int32)
    return tf.reshape(pivots, tf.concat([batch_shape, [n]], 0))


def lu_factor(x):
    m, n = x.shape[-2], x.shape[-1]
    if m != n:
        return _lu_rectangular(x)
    lu, perm = tf.linalg.lu(x)
    return lu, tf.cast(_perm_to_pivots(tf.cast(perm, tf.int32)), tf.int32)


def _lu_rectangular(x):
    """Gaussian elimination with partial pivoting (tf.linalg.lu takes only square matrices)."""
    m, n = x.shape[-2], x.shape[-1]
    k = min(m, n)
    batch_shape = tf.shape(x)[:-2]
    a = tf.reshape(x, [-1, m, n])
    rows = tf.range(m)[None, :]
    pivots = []
    for j in range(k):
        p = j + tf.argmax(tf.abs(a[:, j:, j]), axis=1, output_type=tf.int32)
        pivots.append(p)
        perm = tf.where(rows == j, p[:, None], tf.where(rows == p[:, None], j, rows))
        a = tf.gather(a, perm, batch_dims=1)
        factors = tf.math.divide_no_nan(a[:, j + 1 :, j], a[:, j : j + 1, j])
        trailing = a[:, j + 1 :, j + 1 :] - factors[:, :, None] * a[:, j : j + 1, j + 1 :]
        bottom = tf.concat([a[:, j + 1 :, :j], factors[:, :, None], trailing], axis=2)
        a = tf.concat([a[:, : j + 1, :], bottom], axis=1)
    lu = tf.reshape(a, tf.shape(x))
    pivots = tf.reshape(tf.stack(pivots, -1), tf.concat([batch_shape, [k]], 0))
    return lu, pivots


def matrix_rank(x, tol):
    s = tf.linalg.svd(x, compute_uv=False)
    if tol is None:
        eps = np.finfo(x.dtype.as_numpy_dtype).eps
        largest = tf.reduce_max(tf.concat([s, tf.zeros_like(s[..., :1])], -1), -1, keepdims=True)
        tol = largest * tf.cast(max(x.shape[-2:]) * eps, s.dtype)
    else:
        tol = tf.cast(tol, s.dtype)[..., None]
    return tf.reduce_sum(tf.cast(s > tol, tf.int32), -1)


def _vector_norm(x, ord, axis, keepdims):
    a = tf.abs(x)
    if ord is None or ord == 2:
        return tf.sqrt(
            tf.reduce_sum(
                tf.math.real(x * tf.math.conj(x)) if x.dtype.is_complex else tf.square(x),
                axis,
                keepdims,
            )
        )
    if ord == float("inf"):
        return tf.reduce_max(a, axis, keepdims)
    if ord == float("-inf"):
        return tf.reduce_min(a, axis, keepdims)
    if ord == 0:
        return tf.reduce_sum(tf.cast(tf.not_equal(a, 0), a.dtype), axis, keepdims)
    if ord == 1:
        return tf.reduce_sum(a, axis, keepdims)
    p = tf.cast(ord, a.dtype)
    return tf.pow(tf.reduce_sum(tf.pow(a, p), axis, keepdims), 1 / p)


def _matrix_norm(x, ord, axis, keepdims):
    row_axis, col_axis = axis
    if ord is None or ord == "fro":
        return _vector_norm(x, None, list(axis), keepdims)
    if ord in ("nuc", 2, -2):
        perm = [d for d in range(x.shape.rank) if d not in axis] + [row_axis, col_axis]
        s = tf.linalg.svd(tf.transpose(x, perm), compute_uv=False)
        out = {"nuc": tf.reduce_sum, 2: tf.reduce_max, -2: tf.reduce_min}[ord](s, -1)
        if keepdims:
            for d in sorted(axis):
                out = tf.expand_dims(out, d)
        return out
    a = tf.abs(x)
    if ord in (1, -1):
        sums = tf.reduce_sum(a, row_axis, keepdims=True)
        reduce_axis = col_axis
    else:  # inf, -inf
        sums = tf.reduce_sum(a, col_axis, keepdims=True)
        reduce_axis = row_axis
    reduce = tf.reduce_max if ord in (1, float("inf")) else tf.reduce_min
    out = reduce(sums, reduce_axis, keepdims=True)
    if not keepdims:
        out = tf.squeeze(out, list(axis))
    return out


def norm(x, ord, axis, keepdims):
    if axis is None:
        return _vector_norm(x, None, None, keepdims)
    if isinstance(axis, int):
        return _vector_norm(x, ord, axis, keepdims)
    return _matrix_norm(x, ord, axis, keepdims)


def qr(x, mode):
    q, r = tf.linalg.qr(x, full_matrices=mode == "complete")
    return q, r


def solve(a, b):
    a, b = _broadcast_batch(a, b)
    return tf.linalg.solve(a, b)


def solve_triangular(a, b, lower):
    a, b = _broadcast_batch(a, b)
    return tf.linalg.triangular_solve(a, b, lower=lower)


def svd(x, full_matrices, compute_uv):
    if not compute_uv:
        return tf.linalg.svd(x, compute_uv=False)
    s, u, v = tf.linalg.svd(x, full_matrices=full_matrices)
    return u, s, _adjoint(v)


def expand_last(x):
    return x[..., None]


def squeeze_last(x):
    return x[..., 0]


def jvp(fun, primals, tangents, has_aux):
    with tf.autodiff.ForwardAccumulator(primals, tangents) as acc:
        result = fun(*primals)
    out, aux = result if has_aux else (result, None)
    tangent_out = tf.nest.map_structure(lambda o: _zero_if_none(acc.jvp(o), o), out)
    return (out, tangent_out, aux) if has_aux else (out, tangent_out)


def _zero_if_none(t, like):
    return tf.zeros_like(like) if t is None else t
