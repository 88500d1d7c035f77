"""TensorFlow kernels for the core ops (control flow, custom gradients, slices and scatters)."""

import tensorflow as tf

from cornu.backend.tensorflow import manipulation as _manipulation
from cornu.backend.tensorflow.core import fori_loop as fori_loop
from cornu.backend.tensorflow.core import stop_gradient as stop_gradient


def switch(index, branches, *operands):
    index = tf.clip_by_value(tf.cast(index, tf.int32), 0, len(branches) - 1)
    return tf.switch_case(index, [lambda b=b: b(*operands) for b in branches])


concat = _manipulation.concatenate


def custom_gradient(f):
    """`f(*args) -> (output, grad_fn)` through tf.custom_gradient."""

    def wrapper(*args, **kwargs):
        @tf.custom_gradient
        def inner(*inputs):
            output, grad_fn = f(*inputs, **kwargs)
            multiple = isinstance(output, (tuple, list))

            def grad(*upstream):
                grads = grad_fn(*upstream) if multiple else grad_fn(upstream[0])
                if isinstance(grads, list):
                    grads = tuple(grads)
                return grads

            return output, grad

        return inner(*args)

    return wrapper


def _clamped_starts(x, starts, shape):
    starts = tf.cast(tf.stack([tf.cast(s, tf.int64) for s in starts]), tf.int64)
    limit = tf.cast(tf.shape(x), tf.int64) - tf.constant(list(shape), tf.int64)
    return tf.clip_by_value(starts, tf.zeros_like(limit), limit)


def dynamic_slice(x, starts, shape):
    if not shape:
        return x
    return tf.slice(x, _clamped_starts(x, starts, shape), list(shape))


def dynamic_update_slice(x, starts, updates):
    shape = updates.shape.as_list()
    if not shape:
        return updates
    begin = _clamped_starts(x, starts, shape)
    grids = tf.meshgrid(*[tf.range(n, dtype=tf.int64) for n in shape], indexing="ij")
    index = tf.stack([g + begin[i] for i, g in enumerate(grids)], axis=-1)
    return tf.tensor_scatter_nd_update(x, index, updates)


def scatter(indices, values, shape):
    return tf.scatter_nd(indices, values, tf.constant(list(shape), indices.dtype))


_SCATTERS = {
    None: tf.tensor_scatter_nd_update,
    "add": tf.tensor_scatter_nd_add,
    "max": tf.tensor_scatter_nd_max,
    "min": tf.tensor_scatter_nd_min,
}


def scatter_update(inputs, indices, updates, reduction):
    if reduction in _SCATTERS:
        return _SCATTERS[reduction](inputs, indices, updates)
    # mul: multiply the updates per target with a segment product, then into the inputs.
    k = indices.shape[-1]
    lead = tf.shape(inputs, out_type=indices.dtype)[:k]
    linear = tf.zeros_like(indices[..., 0])
    for i in range(k):
        linear = linear * lead[i] + indices[..., i]
    rest = tf.shape(inputs)[k:]
    flat_updates = tf.reshape(updates, tf.concat([[-1], rest], 0))
    products = tf.math.unsorted_segment_prod(
        flat_updates, tf.reshape(linear, [-1]), tf.reduce_prod(lead)
    )
    flat_inputs = tf.reshape(inputs, tf.concat([[-1], rest], 0))
    return tf.reshape(flat_inputs * products, tf.shape(inputs))


def unstack(x, num, axis):
    return tf.unstack(x, num=num, axis=axis)
